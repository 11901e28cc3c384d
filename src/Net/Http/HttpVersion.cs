namespace Unikernel.Net.Http;

/// <summary>The protocol version of a request (RFC 9112 section 2.3); a higher 1.x minor version is read as 1.1 (RFC 9110 section 2.5).</summary>
public enum HttpVersion : byte
{
    Http10 = 0,
    Http11,
}
