namespace Unikernel.Net.Http;

/// <summary>
/// Decodes a chunked body (RFC 9112 section 7.1) from bytes that arrive in any pieces: chunk
/// size lines read (extensions ignored, section 7.1.1), each chunk's data handed out as runs
/// of the input, the last chunk's trailer fields read and dropped (section 7.1.2, which lets a
/// recipient discard them). No buffer: the state between pieces is a few numbers.
/// </summary>
public struct ChunkedBodyDecoder
{
    /// <summary>The longest chunk size line taken, extensions included.</summary>
    public const int MaxLineLength = 1024;

    /// <summary>The most trailer bytes taken after the last chunk.</summary>
    public const int MaxTrailerLength = 4096;

    private enum State : byte
    {
        SizeFirstDigit,
        Size,
        Extension,
        SizeLineFeed,
        Data,
        DataCarriageReturn,
        DataLineFeed,
        TrailerLineStart,
        TrailerLine,
        TrailerLineFeed,
        FinalLineFeed,
        Done,
        Failed,
    }

    private State _state;
    private long _chunkLeft;
    private int _lineLength;
    private int _trailerLength;

    /// <summary>The last chunk and the trailer have been read: the body is complete.</summary>
    public readonly bool IsFinished => _state == State.Done;

    /// <summary>Why the body was refused; <see cref="ChunkedBodyError.None"/> while it is good.</summary>
    public ChunkedBodyError Error { get; private set; }

    /// <summary>Body bytes decoded so far.</summary>
    public long DataLength { get; private set; }

    /// <summary>Ready for a new body.</summary>
    public void Reset() => this = default;

    /// <summary>
    /// Reads on in <paramref name="input"/> until one run of body data is found, the body ends,
    /// or the input does: returns how many input bytes were used; <paramref name="data"/> is the
    /// run found (a slice of the input, possibly empty). Call again with the rest of the input
    /// while it returns less than all of it and the body is neither finished nor refused.
    /// </summary>
    public int Decode(ReadOnlySpan<byte> input, out ReadOnlySpan<byte> data)
    {
        data = default;
        int i = 0;
        while (i < input.Length && _state != State.Done && _state != State.Failed)
        {
            if (_state == State.Data)
            {
                int run = (int)Math.Min((long)(input.Length - i), _chunkLeft);
                data = input.Slice(i, run);
                _chunkLeft -= run;
                DataLength += run;
                if (_chunkLeft == 0)
                    _state = State.DataCarriageReturn;
                return i + run;
            }
            Read(input[i]);
            i++;
        }
        return i;
    }

    private void Read(byte c)
    {
        switch (_state)
        {
            case State.SizeFirstDigit:
            case State.Size:
                int digit = HttpText.HexValue(c);
                if (digit >= 0)
                {
                    // RFC 9112 section 7.1: recipients must guard against overflow in the size.
                    if (_chunkLeft > (long.MaxValue >> 4))
                    {
                        Fail(ChunkedBodyError.ChunkSizeOverflow);
                        return;
                    }
                    _chunkLeft = _chunkLeft << 4 | (long)digit;
                    _state = State.Size;
                    CountLine();
                }
                else if (_state == State.Size && (c == ';' || HttpText.IsWhitespace(c)))
                {
                    _state = State.Extension;
                    CountLine();
                }
                else if (_state == State.Size && c == '\r')
                    _state = State.SizeLineFeed;
                else
                    Fail(ChunkedBodyError.BadChunkSize);
                break;
            case State.Extension:
                // chunk-ext (RFC 9112 section 7.1.1): read and ignored up to the line's end.
                if (c == '\r')
                    _state = State.SizeLineFeed;
                else if (c == '\n')
                    Fail(ChunkedBodyError.BadLineEnding);
                else
                    CountLine();
                break;
            case State.SizeLineFeed:
                if (c != '\n')
                {
                    Fail(ChunkedBodyError.BadLineEnding);
                    return;
                }
                _lineLength = 0;
                _state = _chunkLeft == 0 ? State.TrailerLineStart : State.Data;
                break;
            case State.DataCarriageReturn:
                Expect(c, '\r', State.DataLineFeed);
                break;
            case State.DataLineFeed:
                Expect(c, '\n', State.SizeFirstDigit);
                break;
            case State.TrailerLineStart:
                if (c == '\r')
                    _state = State.FinalLineFeed;
                else if (c == '\n')
                    Fail(ChunkedBodyError.BadLineEnding);
                else
                {
                    _state = State.TrailerLine;
                    CountTrailer();
                }
                break;
            case State.TrailerLine:
                // trailer-section (RFC 9112 section 7.1.2): dropped unread.
                if (c == '\r')
                    _state = State.TrailerLineFeed;
                else if (c == '\n')
                    Fail(ChunkedBodyError.BadLineEnding);
                else
                    CountTrailer();
                break;
            case State.TrailerLineFeed:
                Expect(c, '\n', State.TrailerLineStart);
                break;
            case State.FinalLineFeed:
                Expect(c, '\n', State.Done);
                break;
        }
    }

    private void Expect(byte c, char wanted, State next)
    {
        if (c == wanted)
            _state = next;
        else
            Fail(ChunkedBodyError.BadLineEnding);
    }

    private void CountLine()
    {
        if (++_lineLength > MaxLineLength)
            Fail(ChunkedBodyError.LineTooLong);
    }

    private void CountTrailer()
    {
        if (++_trailerLength > MaxTrailerLength)
            Fail(ChunkedBodyError.LineTooLong);
    }

    private void Fail(ChunkedBodyError error)
    {
        Error = error;
        _state = State.Failed;
    }
}
