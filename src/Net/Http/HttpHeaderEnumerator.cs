namespace Unikernel.Net.Http;

/// <summary>
/// The header fields of a head <see cref="HttpRequest.TryParse"/> accepted, in order (a
/// <c>foreach</c> over <see cref="HttpRequest.Headers"/>). It relies on that check: every line
/// ends in CRLF and has a colon.
/// </summary>
public ref struct HttpHeaderEnumerator
{
    private readonly ReadOnlySpan<byte> _fields;
    private int _position;

    internal HttpHeaderEnumerator(ReadOnlySpan<byte> fields)
    {
        _fields = fields;
        _position = 0;
        Current = default;
    }

    public HttpHeader Current { get; private set; }

    public readonly HttpHeaderEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        var rest = _fields.Slice(_position);
        int lineEnd = rest.IndexOf((byte)'\r');
        if (lineEnd <= 0)
            return false;
        var line = rest.Slice(0, lineEnd);
        int colon = line.IndexOf((byte)':');
        Current = new HttpHeader(line.Slice(0, colon), HttpText.Trim(line.Slice(colon + 1)));
        _position += lineEnd + 2;
        return true;
    }
}
