namespace Unikernel.Net.Http;

/// <summary>
/// A view of a request head (RFC 9112 sections 2 to 6): the request line and the header fields,
/// up to and including the empty line that ends them. <see cref="TryParse"/> checks all of it
/// once, strictly (CRLF line endings only, no obs-fold, no whitespace before a colon, one
/// Content-Length value, a transfer coding we know), and reads the fields that frame the
/// message; after it, no getter can fault. Nothing is copied or allocated: the view lends the
/// bytes it was given, so it lives no longer than they do.
/// </summary>
public ref struct HttpRequest
{
    /// <summary>The longest method taken; the registered ones are all shorter.</summary>
    public const int MaxMethodLength = 24;

    /// <summary>The longest request target taken (RFC 9112 section 3 asks for at least 8000 octets of request line from general-purpose servers; a small server's pages need less).</summary>
    public const int MaxTargetLength = 2048;

    private ReadOnlySpan<byte> _head;
    private int _methodLength;
    private int _targetStart;
    private int _targetLength;
    private int _pathStart;
    private int _pathLength;
    private int _fieldsStart;

    /// <summary>The request's method, <see cref="HttpMethod.Other"/> for one not in the enumeration.</summary>
    public HttpMethod Method { get; private set; }

    public HttpVersion Version { get; private set; }

    /// <summary>The body's length from Content-Length; -1 without one (then the body is chunked, or empty).</summary>
    public long ContentLength { get; private set; }

    /// <summary>The body comes in chunks (Transfer-Encoding: chunked, RFC 9112 section 7.1).</summary>
    public bool IsChunked { get; private set; }

    /// <summary>
    /// The connection stays open after the response (RFC 9112 section 9.3): HTTP/1.1 unless it
    /// says <c>Connection: close</c>, HTTP/1.0 only with <c>Connection: keep-alive</c>.
    /// </summary>
    public bool KeepAlive { get; private set; }

    /// <summary>The client waits for 100 Continue before it sends the body (RFC 9110 section 10.1.1; ignored in HTTP/1.0 requests, as it says).</summary>
    public bool ExpectsContinue { get; private set; }

    /// <summary>The method as sent (case-sensitive, RFC 9110 section 9.1).</summary>
    public readonly ReadOnlySpan<byte> MethodName => _head.Slice(0, _methodLength);

    /// <summary>The request target as sent (RFC 9112 section 3.2).</summary>
    public readonly ReadOnlySpan<byte> Target => _head.Slice(_targetStart, _targetLength);

    /// <summary>The target's path: before the <c>?</c>, and without scheme and authority in absolute form; <c>*</c> for an asterisk-form OPTIONS.</summary>
    public readonly ReadOnlySpan<byte> Path => _pathLength > 0 ? _head.Slice(_pathStart, _pathLength) : "/"u8;

    /// <summary>The target's query: what follows the first <c>?</c>, without it; empty for none.</summary>
    public readonly ReadOnlySpan<byte> Query
    {
        get
        {
            int queryStart = _pathStart + _pathLength + 1;
            int end = _targetStart + _targetLength;
            return queryStart <= end ? _head.Slice(queryStart, end - queryStart) : default;
        }
    }

    /// <summary>The Host field's value (empty for an HTTP/1.0 request without one).</summary>
    public readonly ReadOnlySpan<byte> Host => TryGetHeader("host"u8, out var host) ? host : default;

    /// <summary>The request has a body: a Content-Length above zero, or chunked.</summary>
    public readonly bool HasBody => IsChunked || ContentLength > 0;

    /// <summary>The header fields in order.</summary>
    public readonly HttpHeaderEnumerator Headers => new HttpHeaderEnumerator(_head.Slice(_fieldsStart));

    /// <summary>The head as given to <see cref="TryParse"/>.</summary>
    public readonly ReadOnlySpan<byte> Bytes => _head;

    /// <summary>The first field called <paramref name="name"/> (any case), its value trimmed; false when there is none.</summary>
    public readonly bool TryGetHeader(ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        foreach (var header in Headers)
        {
            if (header.Is(name))
            {
                value = header.Value;
                return true;
            }
        }
        value = default;
        return false;
    }

    /// <summary>
    /// Checks a head: the request line, then each field line, then what the framing fields say
    /// together. <paramref name="head"/> runs to the empty line that ends the head (bytes after
    /// it are not looked at); one empty line before the request line is skipped (RFC 9112
    /// section 2.2).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> head, out HttpRequest request, out HttpRequestError error)
    {
        request = default;
        error = Parse(head, ref request);
        if (error != HttpRequestError.None)
            request = default;
        return error == HttpRequestError.None;
    }

    private static HttpRequestError Parse(ReadOnlySpan<byte> head, ref HttpRequest request)
    {
        int start = head.Length >= 2 && head[0] == '\r' && head[1] == '\n' ? 2 : 0;
        request._head = head;
        int lineEnd = LineEnd(head, start, out var error);
        if (error != HttpRequestError.None)
            return error;
        error = ParseRequestLine(head.Slice(start, lineEnd - start), start, ref request);
        if (error != HttpRequestError.None)
            return error;
        request._fieldsStart = lineEnd + 2;
        return ParseFields(head, request._fieldsStart, ref request);
    }

    /// <summary>Where the line starting at <paramref name="start"/> ends (its CR); a bare LF or CR anywhere before is an error.</summary>
    private static int LineEnd(ReadOnlySpan<byte> head, int start, out HttpRequestError error)
    {
        for (int i = start; i < head.Length; i++)
        {
            if (head[i] == '\n')
            {
                error = HttpRequestError.BareLineEnding;
                return -1;
            }
            if (head[i] == '\r')
            {
                if (i + 1 >= head.Length)
                    break;
                error = head[i + 1] == '\n' ? HttpRequestError.None : HttpRequestError.BareLineEnding;
                return i;
            }
        }
        error = HttpRequestError.Incomplete;
        return -1;
    }

    /// <summary>method SP request-target SP HTTP-version, single spaces (RFC 9112 section 3).</summary>
    private static HttpRequestError ParseRequestLine(ReadOnlySpan<byte> line, int offset, ref HttpRequest request)
    {
        int firstSpace = line.IndexOf((byte)' ');
        if (firstSpace < 0)
            return HttpRequestError.BadRequestLine;
        if (firstSpace == 0 || firstSpace > MaxMethodLength)
            return HttpRequestError.BadMethod;
        var method = line.Slice(0, firstSpace);
        for (int i = 0; i < method.Length; i++)
        {
            if (!HttpText.IsTokenChar(method[i]))
                return HttpRequestError.BadMethod;
        }
        request._methodLength = firstSpace;
        request.Method = MethodOf(method);

        var rest = line.Slice(firstSpace + 1);
        int secondSpace = rest.IndexOf((byte)' ');
        if (secondSpace < 0)
            return HttpRequestError.BadRequestLine;
        var target = rest.Slice(0, secondSpace);
        var version = rest.Slice(secondSpace + 1);
        if (target.IsEmpty)
            return HttpRequestError.BadRequestLine;
        if (target.Length > MaxTargetLength)
            return HttpRequestError.TargetTooLong;
        var versionError = ParseVersion(version, ref request);
        if (versionError != HttpRequestError.None)
            return versionError;
        request._targetStart = offset + firstSpace + 1;
        request._targetLength = target.Length;
        return ParseTarget(target, ref request);
    }

    private static HttpMethod MethodOf(ReadOnlySpan<byte> method)
    {
        if (method.SequenceEqual("GET"u8))
            return HttpMethod.Get;
        if (method.SequenceEqual("HEAD"u8))
            return HttpMethod.Head;
        if (method.SequenceEqual("POST"u8))
            return HttpMethod.Post;
        if (method.SequenceEqual("PUT"u8))
            return HttpMethod.Put;
        if (method.SequenceEqual("DELETE"u8))
            return HttpMethod.Delete;
        if (method.SequenceEqual("OPTIONS"u8))
            return HttpMethod.Options;
        return HttpMethod.Other;
    }

    /// <summary>HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 section 2.3), case-sensitive.</summary>
    private static HttpRequestError ParseVersion(ReadOnlySpan<byte> version, ref HttpRequest request)
    {
        if (version.Length != 8 || !version.Slice(0, 5).SequenceEqual("HTTP/"u8) || version[6] != '.'
            || version[5] < '0' || version[5] > '9' || version[7] < '0' || version[7] > '9')
            return HttpRequestError.BadVersion;
        if (version[5] != '1')
            return HttpRequestError.UnsupportedVersion;
        request.Version = version[7] == '0' ? HttpVersion.Http10 : HttpVersion.Http11;
        return HttpRequestError.None;
    }

    /// <summary>
    /// origin-form (<c>/path?query</c>), absolute-form (<c>http://host/path</c>, which a server
    /// must take, RFC 9112 section 3.2.2) or asterisk-form for OPTIONS; visible ASCII only and no
    /// fragment (a request target has none).
    /// </summary>
    private static HttpRequestError ParseTarget(ReadOnlySpan<byte> target, ref HttpRequest request)
    {
        for (int i = 0; i < target.Length; i++)
        {
            byte c = target[i];
            if (c <= 0x20 || c >= 0x7F || c == '#')
                return HttpRequestError.BadTarget;
        }
        int pathStart;
        if (target[0] == '/')
            pathStart = 0;
        else if (target.Length == 1 && target[0] == '*')
        {
            if (request.Method != HttpMethod.Options)
                return HttpRequestError.BadTarget;
            pathStart = 0;
        }
        else
        {
            int schemeEnd = target.IndexOf((byte)':');
            if (schemeEnd < 0 || !(HttpText.EqualsIgnoringCase(target.Slice(0, schemeEnd), "http"u8) || HttpText.EqualsIgnoringCase(target.Slice(0, schemeEnd), "https"u8))
                || target.Length < schemeEnd + 3 || target[schemeEnd + 1] != '/' || target[schemeEnd + 2] != '/')
                return HttpRequestError.BadTarget;
            int authorityStart = schemeEnd + 3;
            pathStart = authorityStart;
            while (pathStart < target.Length && target[pathStart] != '/' && target[pathStart] != '?')
                pathStart++;
            if (pathStart == authorityStart)
                return HttpRequestError.BadTarget;
        }
        int pathEnd = pathStart;
        while (pathEnd < target.Length && target[pathEnd] != '?')
            pathEnd++;
        request._pathStart = request._targetStart + pathStart;
        request._pathLength = pathEnd - pathStart;
        return HttpRequestError.None;
    }

    /// <summary>Each field line (RFC 9112 section 5), then the framing they give together (section 6).</summary>
    private static HttpRequestError ParseFields(ReadOnlySpan<byte> head, int position, ref HttpRequest request)
    {
        long contentLength = -1;
        int hosts = 0;
        int chunkedCodings = 0;
        bool otherCoding = false;
        bool transferEncoding = false;
        bool chunkedLast = false;
        bool close = false;
        bool keepAlive = false;
        bool expectsContinue = false;
        while (true)
        {
            int lineEnd = LineEnd(head, position, out var error);
            if (error != HttpRequestError.None)
                return error;
            if (lineEnd == position)
                break;
            var line = head.Slice(position, lineEnd - position);
            position = lineEnd + 2;
            if (HttpText.IsWhitespace(line[0]))
                return HttpRequestError.ObsoleteLineFolding;
            int colon = line.IndexOf((byte)':');
            if (colon <= 0)
                return HttpRequestError.BadHeaderName;
            var name = line.Slice(0, colon);
            for (int i = 0; i < name.Length; i++)
            {
                if (!HttpText.IsTokenChar(name[i]))
                    return HttpText.IsWhitespace(name[i]) ? HttpRequestError.WhitespaceBeforeColon : HttpRequestError.BadHeaderName;
            }
            var raw = line.Slice(colon + 1);
            for (int i = 0; i < raw.Length; i++)
            {
                if (!HttpText.IsFieldValueChar(raw[i]))
                    return HttpRequestError.BadHeaderValue;
            }
            var value = HttpText.Trim(raw);

            if (HttpText.EqualsIgnoringCase(name, "content-length"u8))
            {
                var lengthError = ReadContentLength(value, ref contentLength);
                if (lengthError != HttpRequestError.None)
                    return lengthError;
            }
            else if (HttpText.EqualsIgnoringCase(name, "transfer-encoding"u8))
            {
                transferEncoding = true;
                for (int at = 0; HttpText.NextListElement(value, ref at, out var coding);)
                {
                    if (coding.IsEmpty)
                        continue;
                    if (HttpText.EqualsIgnoringCase(coding, "chunked"u8))
                    {
                        chunkedCodings++;
                        chunkedLast = true;
                    }
                    else
                    {
                        otherCoding = true;
                        chunkedLast = false;
                    }
                }
            }
            else if (HttpText.EqualsIgnoringCase(name, "connection"u8))
            {
                for (int at = 0; HttpText.NextListElement(value, ref at, out var option);)
                {
                    close |= HttpText.EqualsIgnoringCase(option, "close"u8);
                    keepAlive |= HttpText.EqualsIgnoringCase(option, "keep-alive"u8);
                }
            }
            else if (HttpText.EqualsIgnoringCase(name, "host"u8))
                hosts++;
            else if (HttpText.EqualsIgnoringCase(name, "expect"u8))
            {
                if (!HttpText.EqualsIgnoringCase(value, "100-continue"u8))
                    return HttpRequestError.UnsupportedExpectation;
                expectsContinue = true;
            }
        }

        bool http11 = request.Version == HttpVersion.Http11;
        if (hosts > 1 || (http11 && hosts == 0))
            return HttpRequestError.BadHost;
        if (transferEncoding)
        {
            if (!http11)
                return HttpRequestError.TransferEncodingInHttp10;
            if (contentLength >= 0)
                return HttpRequestError.ContentLengthWithTransferEncoding;
            if (otherCoding)
                return HttpRequestError.UnsupportedTransferEncoding;
            if (chunkedCodings != 1 || !chunkedLast)
                return HttpRequestError.BadTransferEncoding;
        }
        request.ContentLength = contentLength;
        request.IsChunked = transferEncoding;
        request.KeepAlive = http11 ? !close : keepAlive && !close;
        request.ExpectsContinue = http11 && expectsContinue;
        return HttpRequestError.None;
    }

    /// <summary>
    /// One Content-Length field: digits, or a list of the same digits repeated (RFC 9110 section
    /// 8.6 lets a recipient take that); a value that differs from one seen before is an error.
    /// </summary>
    private static HttpRequestError ReadContentLength(ReadOnlySpan<byte> value, ref long contentLength)
    {
        bool any = false;
        for (int at = 0; HttpText.NextListElement(value, ref at, out var element);)
        {
            if (!HttpText.TryParseDecimal(element, out long length))
                return HttpRequestError.BadContentLength;
            if (contentLength >= 0 && contentLength != length)
                return HttpRequestError.ConflictingContentLength;
            contentLength = length;
            any = true;
        }
        return any ? HttpRequestError.None : HttpRequestError.BadContentLength;
    }

    /// <summary>The status a request refused for <paramref name="error"/> is answered with.</summary>
    public static HttpStatus StatusFor(HttpRequestError error) => error switch
    {
        HttpRequestError.None => HttpStatus.Ok,
        HttpRequestError.TargetTooLong => HttpStatus.UriTooLong,
        HttpRequestError.UnsupportedVersion => HttpStatus.HttpVersionNotSupported,
        HttpRequestError.UnsupportedTransferEncoding => HttpStatus.NotImplemented,
        HttpRequestError.UnsupportedExpectation => HttpStatus.ExpectationFailed,
        _ => HttpStatus.BadRequest,
    };

    /// <summary>What went wrong, for the error page.</summary>
    public static ReadOnlySpan<byte> Describe(HttpRequestError error) => error switch
    {
        HttpRequestError.None => "no error"u8,
        HttpRequestError.Incomplete => "the head does not end with an empty line"u8,
        HttpRequestError.HeadTooLarge => "request head too large"u8,
        HttpRequestError.BareLineEnding => "a line not ended by CRLF"u8,
        HttpRequestError.BadRequestLine => "malformed request line"u8,
        HttpRequestError.BadMethod => "malformed method"u8,
        HttpRequestError.BadTarget => "malformed request target"u8,
        HttpRequestError.TargetTooLong => "request target too long"u8,
        HttpRequestError.BadVersion => "malformed HTTP version"u8,
        HttpRequestError.UnsupportedVersion => "only HTTP/1.0 and HTTP/1.1 are served"u8,
        HttpRequestError.ObsoleteLineFolding => "obsolete line folding in a header"u8,
        HttpRequestError.WhitespaceBeforeColon => "whitespace between a header name and its colon"u8,
        HttpRequestError.BadHeaderName => "malformed header name"u8,
        HttpRequestError.BadHeaderValue => "control character in a header value"u8,
        HttpRequestError.BadContentLength => "malformed Content-Length"u8,
        HttpRequestError.ConflictingContentLength => "Content-Length values differ"u8,
        HttpRequestError.ContentLengthWithTransferEncoding => "both Content-Length and Transfer-Encoding"u8,
        HttpRequestError.TransferEncodingInHttp10 => "Transfer-Encoding in an HTTP/1.0 request"u8,
        HttpRequestError.BadTransferEncoding => "malformed Transfer-Encoding"u8,
        HttpRequestError.UnsupportedTransferEncoding => "only the chunked transfer coding is supported"u8,
        HttpRequestError.BadHost => "missing or repeated Host"u8,
        HttpRequestError.UnsupportedExpectation => "only Expect: 100-continue is supported"u8,
        _ => "bad request"u8,
    };
}
