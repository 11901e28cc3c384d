namespace Unikernel.Net.Http;

/// <summary>One header field of a request (RFC 9110 section 5): its name as sent and its value without the optional whitespace around it.</summary>
public readonly ref struct HttpHeader
{
    public HttpHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        Name = name;
        Value = value;
    }

    public ReadOnlySpan<byte> Name { get; }

    public ReadOnlySpan<byte> Value { get; }

    /// <summary>True if the field is called <paramref name="name"/>, in any case (RFC 9110 section 5.1).</summary>
    public bool Is(ReadOnlySpan<byte> name) => HttpText.EqualsIgnoringCase(Name, name);
}
