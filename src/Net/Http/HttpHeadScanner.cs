namespace Unikernel.Net.Http;

/// <summary>
/// Finds the end of a request head (the CRLF CRLF, RFC 9112 section 2.1) in bytes that arrive in
/// pieces, remembering across calls how much of it it has seen; a bare LF or a CR not followed
/// by LF is reported at once (RFC 9112 section 2.2: we take CRLF only), so a client that sends
/// one gets its 400 without waiting for a timeout.
/// </summary>
internal struct HttpHeadScanner
{
    /// <summary>Bytes of CR LF CR LF matched at the end of what was seen.</summary>
    private int _matched;
    private bool _afterCr;

    /// <summary>Bytes of the head seen so far.</summary>
    public int Scanned { get; private set; }

    public void Reset()
    {
        _matched = 0;
        _afterCr = false;
        Scanned = 0;
    }

    /// <summary>
    /// Reads on in <paramref name="data"/>: returns how many of its bytes belong to the head
    /// when its end is among them, -1 when it is not (all were seen); <paramref name="bareLineEnding"/> on a line not ended by CRLF.
    /// </summary>
    public int Scan(ReadOnlySpan<byte> data, out bool bareLineEnding)
    {
        bareLineEnding = false;
        for (int i = 0; i < data.Length; i++)
        {
            byte c = data[i];
            Scanned++;
            if (_afterCr != (c == '\n'))
            {
                bareLineEnding = true;
                return -1;
            }
            _afterCr = c == '\r';
            if (c == '\r' || c == '\n')
            {
                _matched++;
                if (_matched == 4)
                    return i + 1;
            }
            else
                _matched = 0;
        }
        return -1;
    }
}
