namespace Unikernel.Net.Http;

/// <summary>
/// Why a request head was refused; <see cref="HttpRequest.StatusFor"/> gives the status it is
/// answered with and <see cref="HttpRequest.Describe"/> the reason on the error page.
/// </summary>
public enum HttpRequestError : byte
{
    None = 0,

    /// <summary>The head does not end with an empty line (CRLF CRLF).</summary>
    Incomplete,

    /// <summary>The head is longer than the server takes (400, as the issue asks; RFC 6585's 431 would name it).</summary>
    HeadTooLarge,

    /// <summary>A line ends in a bare LF, or a CR stands without its LF (RFC 9112 section 2.2: we take CRLF only).</summary>
    BareLineEnding,

    /// <summary>The request line is not method SP target SP version (RFC 9112 section 3).</summary>
    BadRequestLine,

    /// <summary>The method is not a token, or longer than <see cref="HttpRequest.MaxMethodLength"/>.</summary>
    BadMethod,

    /// <summary>The target is not in origin form, absolute form or <c>*</c> for OPTIONS (RFC 9112 section 3.2), or holds a byte it may not.</summary>
    BadTarget,

    /// <summary>The target is longer than <see cref="HttpRequest.MaxTargetLength"/> (414, RFC 9110 section 15.5.15).</summary>
    TargetTooLong,

    /// <summary>The version is not <c>HTTP/</c>digit<c>.</c>digit.</summary>
    BadVersion,

    /// <summary>A well-formed version other than 1.x (505, RFC 9110 section 15.6.6).</summary>
    UnsupportedVersion,

    /// <summary>A header line starts with whitespace: obs-fold, which RFC 9112 section 5.2 lets a server refuse.</summary>
    ObsoleteLineFolding,

    /// <summary>Whitespace between a field name and its colon (RFC 9112 section 5.1: MUST be refused with 400).</summary>
    WhitespaceBeforeColon,

    /// <summary>A header line without a colon, or whose name is empty or not a token.</summary>
    BadHeaderName,

    /// <summary>A field value holds a control character (RFC 9110 section 5.5).</summary>
    BadHeaderValue,

    /// <summary>Content-Length is not digits only, or too large a number (RFC 9110 section 8.6).</summary>
    BadContentLength,

    /// <summary>Several Content-Length values that differ (RFC 9112 section 6.3, item 5).</summary>
    ConflictingContentLength,

    /// <summary>Both Transfer-Encoding and Content-Length (RFC 9112 section 6.3, item 3: refused, as smuggling is made that way).</summary>
    ContentLengthWithTransferEncoding,

    /// <summary>Transfer-Encoding in an HTTP/1.0 request (RFC 9112 section 6.1: the framing is faulty).</summary>
    TransferEncodingInHttp10,

    /// <summary>Transfer-Encoding that is empty or applies chunked twice or not last (RFC 9112 section 6.1).</summary>
    BadTransferEncoding,

    /// <summary>A transfer coding other than chunked (501, RFC 9112 section 6.1).</summary>
    UnsupportedTransferEncoding,

    /// <summary>An HTTP/1.1 request without Host, or several Host fields (RFC 9112 section 3.2).</summary>
    BadHost,

    /// <summary>An Expect other than 100-continue (417, RFC 9110 section 10.1.1).</summary>
    UnsupportedExpectation,
}
