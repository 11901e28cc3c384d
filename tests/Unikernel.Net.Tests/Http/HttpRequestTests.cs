using System.Text;
using Unikernel.Net.Http;

namespace Unikernel.Net.Tests.Http;

public class HttpRequestTests
{
    private static byte[] Bytes(string head) => Encoding.Latin1.GetBytes(head);

    private static string Text(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    private static HttpRequestError ErrorOf(string head)
    {
        Assert.False(HttpRequest.TryParse(Bytes(head), out _, out var error), $"accepted: {head}");
        return error;
    }

    [Fact]
    public void A_get_with_fields_is_read_in_place()
    {
        byte[] head = Bytes("GET /status/page?verbose=1&x=2 HTTP/1.1\r\nHost: [fe80::2]:80\r\nUser-Agent: curl/8.5.0\r\naccept:  */* \r\n\r\n");
        Assert.True(HttpRequest.TryParse(head, out var request, out var error));
        Assert.Equal(HttpRequestError.None, error);
        Assert.Equal(HttpMethod.Get, request.Method);
        Assert.Equal("GET", Text(request.MethodName));
        Assert.Equal("/status/page?verbose=1&x=2", Text(request.Target));
        Assert.Equal("/status/page", Text(request.Path));
        Assert.Equal("verbose=1&x=2", Text(request.Query));
        Assert.Equal(HttpVersion.Http11, request.Version);
        Assert.Equal("[fe80::2]:80", Text(request.Host));
        Assert.True(request.KeepAlive);
        Assert.False(request.HasBody);
        Assert.Equal(-1, request.ContentLength);
        Assert.True(request.TryGetHeader("ACCEPT"u8, out var accept));
        Assert.Equal("*/*", Text(accept));
        Assert.False(request.TryGetHeader("cookie"u8, out _));
        var names = new List<string>();
        foreach (var header in request.Headers)
            names.Add(Text(header.Name) + "=" + Text(header.Value));
        Assert.Equal(["Host=[fe80::2]:80", "User-Agent=curl/8.5.0", "accept=*/*"], names);
    }

    [Theory]
    [InlineData("GET", HttpMethod.Get)]
    [InlineData("HEAD", HttpMethod.Head)]
    [InlineData("POST", HttpMethod.Post)]
    [InlineData("PUT", HttpMethod.Put)]
    [InlineData("DELETE", HttpMethod.Delete)]
    [InlineData("OPTIONS", HttpMethod.Options)]
    [InlineData("PATCH", HttpMethod.Other)]
    [InlineData("get", HttpMethod.Other)]
    public void Methods_are_named_case_sensitively(string method, HttpMethod expected)
    {
        Assert.True(HttpRequest.TryParse(Bytes($"{method} / HTTP/1.1\r\nHost: a\r\n\r\n"), out var request, out _));
        Assert.Equal(expected, request.Method);
        Assert.Equal(method, Text(request.MethodName));
    }

    [Fact]
    public void Absolute_and_asterisk_forms_give_a_path()
    {
        Assert.True(HttpRequest.TryParse(Bytes("GET http://example.org:8080/a/b?c HTTP/1.1\r\nHost: example.org\r\n\r\n"), out var absolute, out _));
        Assert.Equal("/a/b", Text(absolute.Path));
        Assert.Equal("c", Text(absolute.Query));
        Assert.True(HttpRequest.TryParse(Bytes("GET http://example.org HTTP/1.1\r\nHost: example.org\r\n\r\n"), out var bare, out _));
        Assert.Equal("/", Text(bare.Path));
        Assert.True(HttpRequest.TryParse(Bytes("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n"), out var asterisk, out _));
        Assert.Equal("*", Text(asterisk.Path));
        Assert.Equal(HttpRequestError.BadTarget, ErrorOf("GET * HTTP/1.1\r\nHost: a\r\n\r\n"));
    }

    [Theory]
    [InlineData("HTTP/1.1", "", true)]
    [InlineData("HTTP/1.1", "Connection: close\r\n", false)]
    [InlineData("HTTP/1.1", "Connection: Upgrade, CLOSE\r\n", false)]
    [InlineData("HTTP/1.0", "", false)]
    [InlineData("HTTP/1.0", "Connection: keep-alive\r\n", true)]
    [InlineData("HTTP/1.0", "Connection: Keep-Alive, close\r\n", false)]
    public void Keep_alive_follows_the_version_and_connection_options(string version, string field, bool keepAlive)
    {
        Assert.True(HttpRequest.TryParse(Bytes($"GET / {version}\r\nHost: a\r\n{field}\r\n"), out var request, out _));
        Assert.Equal(keepAlive, request.KeepAlive);
    }

    [Fact]
    public void Http10_needs_no_host_and_a_higher_minor_version_reads_as_11()
    {
        Assert.True(HttpRequest.TryParse(Bytes("GET / HTTP/1.0\r\n\r\n"), out var old, out _));
        Assert.Equal(HttpVersion.Http10, old.Version);
        Assert.True(old.Host.IsEmpty);
        Assert.True(HttpRequest.TryParse(Bytes("GET / HTTP/1.7\r\nHost: a\r\n\r\n"), out var newer, out _));
        Assert.Equal(HttpVersion.Http11, newer.Version);
    }

    [Theory]
    [InlineData("Content-Length: 0\r\n", 0)]
    [InlineData("Content-Length: 1234\r\n", 1234)]
    [InlineData("Content-Length: 5\r\nContent-Length: 5\r\n", 5)]
    [InlineData("Content-Length: 7, 7\r\n", 7)]
    [InlineData("Content-Length: 9223372036854775807\r\n", long.MaxValue)]
    public void Content_length_is_read_strictly(string fields, long length)
    {
        Assert.True(HttpRequest.TryParse(Bytes($"PUT /upload HTTP/1.1\r\nHost: a\r\n{fields}\r\n"), out var request, out var error), error.ToString());
        Assert.Equal(length, request.ContentLength);
        Assert.False(request.IsChunked);
        Assert.Equal(length > 0, request.HasBody);
    }

    [Fact]
    public void Chunked_expect_and_framing_fields_are_read()
    {
        Assert.True(HttpRequest.TryParse(Bytes("PUT /u HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\nExpect: 100-Continue\r\n\r\n"), out var request, out _));
        Assert.True(request.IsChunked);
        Assert.True(request.HasBody);
        Assert.True(request.ExpectsContinue);
        Assert.True(HttpRequest.TryParse(Bytes("PUT /u HTTP/1.0\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n"), out var old, out _));
        Assert.False(old.ExpectsContinue); // RFC 9110 section 10.1.1: ignored in HTTP/1.0
    }

    [Fact]
    public void One_empty_line_before_the_request_line_is_skipped()
    {
        Assert.True(HttpRequest.TryParse(Bytes("\r\nGET /x HTTP/1.1\r\nHost: a\r\n\r\n"), out var request, out _));
        Assert.Equal("/x", Text(request.Path));
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\n", HttpRequestError.Incomplete, 400)]
    [InlineData("GET / HTTP/1.1\nHost: a\r\n\r\n", HttpRequestError.BareLineEnding, 400)]
    [InlineData("GET / HTTP/1.1\r\nHost: a\n\r\n", HttpRequestError.BareLineEnding, 400)]
    [InlineData("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", HttpRequestError.BareLineEnding, 400)]
    [InlineData("GET /\r\nHost: a\r\n\r\n", HttpRequestError.BadRequestLine, 400)]
    [InlineData("GET\r\nHost: a\r\n\r\n", HttpRequestError.BadRequestLine, 400)]
    [InlineData("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", HttpRequestError.BadRequestLine, 400)]
    [InlineData(" GET / HTTP/1.1\r\nHost: a\r\n\r\n", HttpRequestError.BadMethod, 400)]
    [InlineData("G(T / HTTP/1.1\r\nHost: a\r\n\r\n", HttpRequestError.BadMethod, 400)]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXYZ / HTTP/1.1\r\nHost: a\r\n\r\n", HttpRequestError.BadMethod, 400)]
    [InlineData("GET / HTTP/1.1 \r\nHost: a\r\n\r\n", HttpRequestError.BadVersion, 400)]
    [InlineData("GET / http/1.1\r\nHost: a\r\n\r\n", HttpRequestError.BadVersion, 400)]
    [InlineData("GET / HTTP/1\r\nHost: a\r\n\r\n", HttpRequestError.BadVersion, 400)]
    [InlineData("GET / HTTP/2.0\r\nHost: a\r\n\r\n", HttpRequestError.UnsupportedVersion, 505)]
    [InlineData("GET / HTTP/0.9\r\nHost: a\r\n\r\n", HttpRequestError.UnsupportedVersion, 505)]
    [InlineData("GET a/b HTTP/1.1\r\nHost: a\r\n\r\n", HttpRequestError.BadTarget, 400)]
    [InlineData("GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n", HttpRequestError.BadTarget, 400)]
    [InlineData("GET /\x7f HTTP/1.1\r\nHost: a\r\n\r\n", HttpRequestError.BadTarget, 400)]
    [InlineData("GET /\xe9 HTTP/1.1\r\nHost: a\r\n\r\n", HttpRequestError.BadTarget, 400)]
    [InlineData("GET ftp://a/b HTTP/1.1\r\nHost: a\r\n\r\n", HttpRequestError.BadTarget, 400)]
    [InlineData("GET http:///b HTTP/1.1\r\nHost: a\r\n\r\n", HttpRequestError.BadTarget, 400)]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", HttpRequestError.ObsoleteLineFolding, 400)]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\n\tfolded\r\n\r\n", HttpRequestError.ObsoleteLineFolding, 400)]
    [InlineData("GET / HTTP/1.1\r\nHost : a\r\n\r\n", HttpRequestError.WhitespaceBeforeColon, 400)]
    [InlineData("GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", HttpRequestError.WhitespaceBeforeColon, 400)]
    [InlineData("GET / HTTP/1.1\r\nHost a\r\n\r\n", HttpRequestError.BadHeaderName, 400)]
    [InlineData("GET / HTTP/1.1\r\n: a\r\n\r\n", HttpRequestError.BadHeaderName, 400)]
    [InlineData("GET / HTTP/1.1\r\nHo(st: a\r\n\r\n", HttpRequestError.BadHeaderName, 400)]
    [InlineData("GET / HTTP/1.1\r\nHost: a\x01\r\n\r\n", HttpRequestError.BadHeaderValue, 400)]
    [InlineData("GET / HTTP/1.1\r\nHost: a\0b\r\n\r\n", HttpRequestError.BadHeaderValue, 400)]
    [InlineData("PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\n", HttpRequestError.BadContentLength, 400)]
    [InlineData("PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", HttpRequestError.BadContentLength, 400)]
    [InlineData("PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x10\r\n\r\n", HttpRequestError.BadContentLength, 400)]
    [InlineData("PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: 5 5\r\n\r\n", HttpRequestError.BadContentLength, 400)]
    [InlineData("PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: \r\n\r\n", HttpRequestError.BadContentLength, 400)]
    [InlineData("PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: 9223372036854775808\r\n\r\n", HttpRequestError.BadContentLength, 400)]
    [InlineData("PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n", HttpRequestError.BadContentLength, 400)]
    [InlineData("PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", HttpRequestError.ConflictingContentLength, 400)]
    [InlineData("PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 6\r\n\r\n", HttpRequestError.ConflictingContentLength, 400)]
    [InlineData("PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", HttpRequestError.ContentLengthWithTransferEncoding, 400)]
    [InlineData("PUT / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", HttpRequestError.TransferEncodingInHttp10, 400)]
    [InlineData("PUT / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", HttpRequestError.BadTransferEncoding, 400)]
    [InlineData("PUT / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n\r\n", HttpRequestError.BadTransferEncoding, 400)]
    [InlineData("PUT / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", HttpRequestError.UnsupportedTransferEncoding, 501)]
    [InlineData("PUT / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", HttpRequestError.UnsupportedTransferEncoding, 501)]
    [InlineData("GET / HTTP/1.1\r\n\r\n", HttpRequestError.BadHost, 400)]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", HttpRequestError.BadHost, 400)]
    [InlineData("PUT / HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\n\r\n", HttpRequestError.UnsupportedExpectation, 417)]
    [InlineData("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", HttpRequestError.BadRequestLine, 400)]
    public void Malformed_heads_are_refused_with_their_status(string head, HttpRequestError expected, int status)
    {
        Assert.Equal(expected, ErrorOf(head));
        Assert.Equal(status, (int)HttpRequest.StatusFor(expected));
        Assert.False(HttpRequest.Describe(expected).IsEmpty);
    }

    [Fact]
    public void A_target_over_the_limit_is_414()
    {
        string target = "/" + new string('a', HttpRequest.MaxTargetLength);
        var error = ErrorOf($"GET {target} HTTP/1.1\r\nHost: a\r\n\r\n");
        Assert.Equal(HttpRequestError.TargetTooLong, error);
        Assert.Equal(HttpStatus.UriTooLong, HttpRequest.StatusFor(error));
        Assert.True(HttpRequest.TryParse(Bytes($"GET {target[..^1]} HTTP/1.1\r\nHost: a\r\n\r\n"), out _, out _));
    }

    [Fact]
    public void Random_and_mutated_heads_never_fault()
    {
        var random = new Random(9112);
        byte[][] seeds =
        [
            Bytes("GET /a?b HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"),
            Bytes("PUT /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\nExpect: 100-continue\r\n\r\n"),
            Bytes("POST http://h/p HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"),
        ];
        byte[] buffer = new byte[256];
        int accepted = 0;
        for (int n = 0; n < 100_000; n++)
        {
            byte[] seed = seeds[random.Next(seeds.Length)];
            int length;
            if (random.Next(8) == 0)
            {
                length = random.Next(buffer.Length);
                random.NextBytes(buffer.AsSpan(0, length));
            }
            else
            {
                seed.CopyTo(buffer, 0);
                length = seed.Length;
                for (int i = random.Next(1, 4); i > 0; i--)
                    buffer[random.Next(length)] = random.Next(2) == 0 ? (byte)random.Next(256) : (byte)" :\r\n\t,0"[random.Next(7)];
                if (random.Next(4) == 0)
                    length = random.Next(length + 1);
            }
            if (HttpRequest.TryParse(buffer.AsSpan(0, length), out var request, out var error))
            {
                accepted++;
                Assert.Equal(HttpRequestError.None, error);
                _ = request.Path.Length + request.Query.Length + request.Host.Length;
                foreach (var header in request.Headers)
                    Assert.False(header.Name.IsEmpty);
            }
            else
                Assert.NotEqual(HttpRequestError.None, error);
        }
        Assert.True(accepted > 1000, $"only {accepted} accepted: the mutations never reach the field checks");
    }
}
