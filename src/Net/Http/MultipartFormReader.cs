namespace Unikernel.Net.Http;

/// <summary>
/// Reads a <c>multipart/form-data</c> body (RFC 7578 over RFC 2046 section 5.1), what a browser
/// form with a file input posts, as it arrives in pieces: each part's name and file name, then
/// its content as runs of the input, without buffering it (a kernel image of tens of MiB goes
/// through). Made once by a handler (its buffers are the boundary and one part head); call
/// <see cref="Start"/> with each request's Content-Type.
/// </summary>
public sealed class MultipartFormReader
{
    /// <summary>The longest boundary (RFC 2046 section 5.1.1).</summary>
    public const int MaxBoundaryLength = 70;

    /// <summary>The longest part head (its header fields) taken.</summary>
    public const int MaxPartHeadLength = 1024;

    private enum State : byte
    {
        Preamble,
        AfterDelimiter,
        AfterFirstDash,
        Padding,
        PartHead,
        Content,
        Done,
        Failed,
    }

    // The delimiter as it appears before every part but the first: CRLF "--" boundary.
    private readonly byte[] _delimiter = new byte[4 + MaxBoundaryLength];
    private readonly byte[] _head = new byte[MaxPartHeadLength];
    private int _delimiterLength;
    private int _matched;
    private int _headLength;
    private HttpHeadScanner _scanner;
    private State _state;
    private int _nameStart, _nameLength, _fileNameStart, _fileNameLength, _typeStart, _typeLength;

    /// <summary>The close delimiter was read.</summary>
    public bool IsFinished => _state == State.Done;

    public bool IsFailed => _state == State.Failed;

    /// <summary>The current part's <c>name</c> (Content-Disposition, RFC 7578 section 4.2).</summary>
    public ReadOnlySpan<byte> PartName => _head.AsSpan(_nameStart, _nameLength);

    /// <summary>The current part's <c>filename</c>; empty for a field that is not a file.</summary>
    public ReadOnlySpan<byte> PartFileName => _head.AsSpan(_fileNameStart, _fileNameLength);

    /// <summary>The current part's Content-Type; empty when it gave none (text/plain, RFC 7578 section 4.4).</summary>
    public ReadOnlySpan<byte> PartContentType => _head.AsSpan(_typeStart, _typeLength);

    /// <summary>
    /// Ready for a body of type <paramref name="contentType"/> (the request's Content-Type);
    /// false unless it is <c>multipart/form-data</c> with a boundary of 1 to 70 characters.
    /// </summary>
    public bool Start(ReadOnlySpan<byte> contentType)
    {
        _state = State.Failed;
        int semicolon = contentType.IndexOf((byte)';');
        if (semicolon < 0 || !HttpText.EqualsIgnoringCase(HttpText.Trim(contentType.Slice(0, semicolon)), "multipart/form-data"u8))
            return false;
        var boundary = Parameter(contentType.Slice(semicolon), "boundary"u8);
        if (boundary.IsEmpty || boundary.Length > MaxBoundaryLength)
            return false;
        "\r\n--"u8.CopyTo(_delimiter);
        boundary.CopyTo(_delimiter.AsSpan(4));
        _delimiterLength = 4 + boundary.Length;
        // The first delimiter may open the body without a CRLF before it: count that CRLF as seen.
        _matched = 2;
        _state = State.Preamble;
        _nameLength = _fileNameLength = _typeLength = 0;
        return true;
    }

    /// <summary>
    /// Reads on in <paramref name="input"/>: returns how many of its bytes were used and what
    /// was found; <paramref name="data"/> is content for <see cref="MultipartEvent.Data"/> (a slice
    /// of the input, or bytes held back as a possible delimiter that were not one). Call again
    /// with the rest while input is left: every call uses bytes or reports an event.
    /// </summary>
    public int Read(ReadOnlySpan<byte> input, out MultipartEvent found, out ReadOnlySpan<byte> data)
    {
        // A step that only changes state uses nothing: go on until bytes are used or something is found.
        int used;
        do
            used = ReadOnce(input, out found, out data);
        while (used == 0 && found == MultipartEvent.None && !input.IsEmpty);
        return used;
    }

    private int ReadOnce(ReadOnlySpan<byte> input, out MultipartEvent found, out ReadOnlySpan<byte> data)
    {
        data = default;
        found = MultipartEvent.None;
        if (input.IsEmpty)
            return 0;
        switch (_state)
        {
            case State.Preamble:
            case State.Content:
                return ReadContent(input, out found, out data);
            case State.AfterDelimiter:
                _state = input[0] == '-' ? State.AfterFirstDash : State.Padding;
                return input[0] == '-' ? 1 : 0;
            case State.AfterFirstDash:
                if (input[0] != '-')
                    return Fail(out found);
                _state = State.Done;
                found = MultipartEvent.Finished;
                return 1;
            case State.Padding:
                // Transport padding (RFC 2046 section 5.1.1), then the CRLF that starts the part's head.
                if (HttpText.IsWhitespace(input[0]))
                    return 1;
                if (input[0] != '\r')
                    return Fail(out found);
                _state = State.PartHead;
                _headLength = 0;
                _scanner.Reset();
                return 0;
            case State.PartHead:
                return ReadHead(input, out found);
            case State.Done:
                return input.Length; // the epilogue, ignored
            default:
                found = MultipartEvent.Failed;
                return input.Length;
        }
    }

    /// <summary>Content (or preamble, dropped) up to the next delimiter; a possible delimiter at the input's end is held.</summary>
    private int ReadContent(ReadOnlySpan<byte> input, out MultipartEvent found, out ReadOnlySpan<byte> data)
    {
        found = MultipartEvent.None;
        data = default;
        bool preamble = _state == State.Preamble;
        if (_matched == 0)
        {
            // Only the delimiter's first byte (CR) can start one: a boundary holds no CR.
            int cr = input.IndexOf((byte)'\r');
            int run = cr < 0 ? input.Length : cr;
            if (run > 0)
            {
                if (!preamble)
                {
                    found = MultipartEvent.Data;
                    data = input.Slice(0, run);
                }
                return run;
            }
        }
        int used = 0;
        while (used < input.Length && _matched < _delimiterLength && input[used] == _delimiter[_matched])
        {
            _matched++;
            used++;
        }
        if (_matched == _delimiterLength)
        {
            _matched = 0;
            _state = State.AfterDelimiter;
            if (!preamble)
                found = MultipartEvent.PartEnded;
            return used;
        }
        if (used == input.Length)
            return used; // held: the next input says whether it is a delimiter
        // Not a delimiter: the bytes held were content (they are the delimiter's first bytes).
        int held = _matched;
        _matched = 0;
        if (!preamble && held > 0)
        {
            found = MultipartEvent.Data;
            data = _delimiter.AsSpan(0, held);
        }
        // A mismatch at the input's first byte uses nothing; with nothing to report, the next
        // step reads that byte afresh (the preamble's assumed CRLF, which is not data).
        return used;
    }

    /// <summary>The part's header fields, gathered up to their empty line, then read.</summary>
    private int ReadHead(ReadOnlySpan<byte> input, out MultipartEvent found)
    {
        found = MultipartEvent.None;
        int end = _scanner.Scan(input, out bool bare);
        int take = end < 0 ? input.Length : end;
        if (bare || _headLength + take > MaxPartHeadLength)
            return Fail(out found);
        input.Slice(0, take).CopyTo(_head.AsSpan(_headLength));
        _headLength += take;
        if (end < 0)
            return take;
        if (!ReadPartHead())
            return Fail(out found);
        _state = State.Content;
        found = MultipartEvent.PartStarted;
        return take;
    }

    /// <summary>Content-Disposition's name and filename and Content-Type from the head (it starts with the delimiter line's CRLF).</summary>
    private bool ReadPartHead()
    {
        _nameLength = _fileNameLength = _typeLength = 0;
        bool disposition = false;
        int position = 2;
        while (position + 2 <= _headLength)
        {
            var rest = _head.AsSpan(position, _headLength - position);
            int lineEnd = rest.IndexOf((byte)'\r');
            if (lineEnd <= 0)
                break;
            var line = rest.Slice(0, lineEnd);
            int colon = line.IndexOf((byte)':');
            if (colon <= 0)
                return false;
            var name = line.Slice(0, colon);
            int valueStart = colon + 1;
            while (valueStart < line.Length && HttpText.IsWhitespace(line[valueStart]))
                valueStart++;
            var value = line.Slice(valueStart);
            int valueOffset = position + valueStart;
            if (HttpText.EqualsIgnoringCase(name, "content-disposition"u8))
            {
                disposition = true;
                Locate(value, valueOffset, "name"u8, out _nameStart, out _nameLength);
                Locate(value, valueOffset, "filename"u8, out _fileNameStart, out _fileNameLength);
            }
            else if (HttpText.EqualsIgnoringCase(name, "content-type"u8))
            {
                _typeStart = valueOffset;
                _typeLength = HttpText.Trim(value).Length;
            }
            position += lineEnd + 2;
        }
        // RFC 7578 section 4.2: each part has a Content-Disposition of form-data.
        return disposition;
    }

    /// <summary>Where parameter <paramref name="wanted"/>'s value lies in the head (quotes removed); length 0 when absent.</summary>
    private static void Locate(ReadOnlySpan<byte> value, int offset, ReadOnlySpan<byte> wanted, out int start, out int length)
    {
        var found = Parameter(value, wanted);
        start = 0;
        length = found.Length;
        if (length > 0)
        {
            // Its offset in the head: the first place holding the same bytes (any such place reads the same).
            for (int i = 0; i + length <= value.Length; i++)
            {
                if (value.Slice(i, length).SequenceEqual(found))
                {
                    start = offset + i;
                    return;
                }
            }
            length = 0;
        }
    }

    /// <summary>The value of parameter <paramref name="wanted"/> in <c>; a=b; c="d"</c> (any case for the name), without quotes.</summary>
    private static ReadOnlySpan<byte> Parameter(ReadOnlySpan<byte> parameters, ReadOnlySpan<byte> wanted)
    {
        int position = 0;
        while (position < parameters.Length)
        {
            int semicolon = parameters.Slice(position).IndexOf((byte)';');
            if (semicolon < 0)
                return default;
            position += semicolon + 1;
            var rest = parameters.Slice(position);
            int equals = rest.IndexOf((byte)'=');
            if (equals < 0)
                return default;
            var name = HttpText.Trim(rest.Slice(0, equals));
            var value = rest.Slice(equals + 1);
            int end;
            if (!value.IsEmpty && value[0] == '"')
            {
                end = value.Slice(1).IndexOf((byte)'"');
                if (end < 0)
                    return default;
                if (HttpText.EqualsIgnoringCase(name, wanted))
                    return value.Slice(1, end);
                position += equals + 1 + end + 2;
                continue;
            }
            end = value.IndexOf((byte)';');
            var token = HttpText.Trim(end < 0 ? value : value.Slice(0, end));
            if (HttpText.EqualsIgnoringCase(name, wanted))
                return token;
            position += equals + 1 + (end < 0 ? value.Length : end);
        }
        return default;
    }

    private int Fail(out MultipartEvent found)
    {
        _state = State.Failed;
        found = MultipartEvent.Failed;
        return 0;
    }
}
