using System.Text;
using Unikernel.Net.Http;

namespace Unikernel.Net.Tests.Http;

/// <summary>The server end to end: a client socket of our own stack on one in-memory interface, the server on the other.</summary>
public class HttpServerTests
{
    private static HttpLink<TestSite> NewLink(out TestSiteLog log, HttpServerOptions? options = null, int connections = 4, int receiveBuffer = 4096)
    {
        log = new TestSiteLog();
        return new HttpLink<TestSite>(new TestSite(log), connections, options, receiveBuffer);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_get_is_answered_and_the_connection_kept_for_the_next(bool ipv6)
    {
        var link = NewLink(out var log);
        var connection = link.Connect(ipv6);
        link.Send(connection, "GET /hello HTTP/1.1\r\nHost: board\r\n\r\n");
        var first = link.ReadResponses(connection, 1).Single();
        Assert.Equal(200, first.Status);
        Assert.Equal("hello world\n", first.Text);
        Assert.Equal("12", first.Headers["Content-Length"]);
        Assert.Equal("text/plain", first.Headers["Content-Type"]);
        Assert.False(first.Headers.ContainsKey("Connection"));

        link.Send(connection, "GET /missing HTTP/1.1\r\nHost: board\r\n\r\n");
        var second = link.ReadResponses(connection, 1).Single();
        Assert.Equal(404, second.Status);
        Assert.False(link.IsClosedByServer(connection));
        Assert.Equal(2, log.Requests);
    }

    [Fact]
    public void Pipelined_requests_are_answered_in_order()
    {
        var link = NewLink(out var log);
        var connection = link.Connect();
        link.Send(connection, "GET /hello HTTP/1.1\r\nHost: b\r\n\r\nGET /echo?a<b HTTP/1.1\r\nHost: b\r\n\r\nHEAD /hello HTTP/1.1\r\nHost: b\r\n\r\n");
        var responses = link.ReadResponses(connection, 2);
        Assert.Equal("hello world\n", responses[0].Text);
        Assert.Equal("<p>a&lt;b 9 0x0000beef</p>", responses[1].Text);
        Assert.Equal(3, log.Requests);
    }

    [Fact]
    public void Many_pipelined_requests_in_one_segment_are_all_answered()
    {
        var link = NewLink(out var log);
        var connection = link.Connect();
        link.Send(connection, string.Concat(Enumerable.Repeat("GET /hello HTTP/1.1\r\nHost: b\r\n\r\n", 20)));
        // One step may not serve them all (turns are bounded); the server then asks to be stepped again at once.
        link.RunUntil(() => log.Requests > 0, "the first request is read");
        if (log.Requests < 20)
            Assert.Equal(link.Now, link.Http.NextStepAt);
        var responses = link.ReadResponses(connection, 20);
        Assert.All(responses, response => Assert.Equal("hello world\n", response.Text));
        Assert.Equal(20, log.Requests);
    }

    [Fact]
    public void Head_gets_the_fields_of_a_get_without_the_body()
    {
        var link = NewLink(out _);
        var connection = link.Connect();
        link.Send(connection, "HEAD /hello HTTP/1.1\r\nHost: b\r\n\r\nGET /hello HTTP/1.1\r\nHost: b\r\n\r\n");
        var received = new List<byte>();
        link.RunUntil(() =>
        {
            link.Read(connection, received);
            return Encoding.Latin1.GetString([.. received]).EndsWith("hello world\n", StringComparison.Ordinal);
        }, "both responses arrive");
        string text = Encoding.Latin1.GetString([.. received]);
        // The HEAD's response is the head alone, with the GET's length; the GET's follows at once.
        Assert.StartsWith("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\nHTTP/1.1 200 OK\r\n", text);
    }

    [Fact]
    public void An_error_after_a_head_request_still_has_its_page()
    {
        var link = NewLink(out _);
        var connection = link.Connect();
        link.Send(connection, "HEAD /hello HTTP/1.1\r\nHost: b\r\n\r\nGET / HTTP/1.1\nHost: b\n\n");
        string text = link.ReadUntilClosed(connection);
        Assert.EndsWith("\r\n\r\n400 Bad Request: a line not ended by CRLF\n", text);
    }

    [Fact]
    public void Connection_close_is_answered_then_closed()
    {
        var link = NewLink(out _);
        var connection = link.Connect();
        link.Send(connection, "GET /hello HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n");
        string text = link.ReadUntilClosed(connection);
        Assert.Contains("Connection: close\r\n", text);
        Assert.EndsWith("hello world\n", text);
    }

    [Fact]
    public void Http10_closes_unless_asked_to_keep_alive()
    {
        var link = NewLink(out _);
        var kept = link.Connect();
        link.Send(kept, "GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        var response = link.ReadResponses(kept, 1).Single();
        Assert.Equal("keep-alive", response.Headers["Connection"]);
        Assert.False(link.IsClosedByServer(kept));

        var closed = link.Connect();
        link.Send(closed, "GET /hello HTTP/1.0\r\n\r\n");
        Assert.EndsWith("hello world\n", link.ReadUntilClosed(closed));
    }

    [Fact]
    public void A_put_with_content_length_is_streamed_to_the_handler_in_pieces()
    {
        var link = NewLink(out var log);
        var connection = link.Connect();
        byte[] body = new byte[200_000];
        new Random(1).NextBytes(body);
        link.Send(connection, $"PUT /upload HTTP/1.1\r\nHost: b\r\nContent-Length: {body.Length}\r\n\r\n");
        link.Send(connection, body);
        var response = link.ReadResponses(connection, 1).Single();
        Assert.Equal(201, response.Status);
        Assert.Equal($"stored 200000 bytes, hash {TestSiteLog.Hash(2166136261, body):x8}\n", response.Text);
        // A 4 KiB receive buffer: the body went to the handler in many pieces, never whole.
        Assert.True(log.BodyPieces >= 200_000 / 4096, $"{log.BodyPieces} pieces");
        Assert.False(link.IsClosedByServer(connection));
    }

    [Fact]
    public void A_chunked_put_is_decoded_and_streamed_to_the_handler()
    {
        var link = NewLink(out var log);
        var connection = link.Connect();
        var random = new Random(2);
        byte[] body = new byte[50_000];
        random.NextBytes(body);
        var chunked = new MemoryStream();
        for (int at = 0; at < body.Length;)
        {
            int size = Math.Min(random.Next(1, 9000), body.Length - at);
            chunked.Write(Encoding.Latin1.GetBytes($"{size:x};ext=1\r\n"));
            chunked.Write(body, at, size);
            chunked.Write("\r\n"u8);
            at += size;
        }
        chunked.Write("0\r\nX-Checksum: none\r\n\r\n"u8);
        link.Send(connection, "PUT /upload HTTP/1.1\r\nHost: b\r\nTransfer-Encoding: chunked\r\n\r\n");
        link.Send(connection, chunked.ToArray());
        link.Send(connection, "GET /hello HTTP/1.1\r\nHost: b\r\n\r\n");
        var responses = link.ReadResponses(connection, 2);
        Assert.Equal($"stored 50000 bytes, hash {TestSiteLog.Hash(2166136261, body):x8}\n", responses[0].Text);
        Assert.Equal("hello world\n", responses[1].Text);
        Assert.True(log.BodyPieces > 5);
    }

    [Fact]
    public void Expect_100_continue_is_answered_before_the_body_is_sent()
    {
        var link = NewLink(out var log);
        var connection = link.Connect();
        link.Send(connection, "PUT /upload HTTP/1.1\r\nHost: b\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
        var interim = link.ReadResponses(connection, 1).Single();
        Assert.Equal(100, interim.Status);
        Assert.Equal(0, log.BodyPieces);
        link.Send(connection, "hello");
        var final = link.ReadResponses(connection, 1).Single();
        Assert.Equal(201, final.Status);
        Assert.StartsWith("stored 5 bytes", final.Text);
    }

    [Fact]
    public void An_early_refusal_skips_100_continue_and_closes()
    {
        var link = NewLink(out _);
        var connection = link.Connect();
        link.Send(connection, "PUT /reject HTTP/1.1\r\nHost: b\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n");
        string text = link.ReadUntilClosed(connection);
        Assert.StartsWith("HTTP/1.1 403 Forbidden\r\n", text);
        Assert.Contains("Connection: close", text);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: b\r\n folded\r\n\r\n", "400 Bad Request", "obsolete line folding")]
    [InlineData("GET / HTTP/1.1\r\nHost : b\r\n\r\n", "400 Bad Request", "whitespace between a header name and its colon")]
    [InlineData("GET / HTTP/1.1\nHost: b\n\n", "400 Bad Request", "a line not ended by CRLF")]
    [InlineData("GET / HTTP/3.0\r\nHost: b\r\n\r\n", "505 HTTP Version Not Supported", "only HTTP/1.0 and HTTP/1.1")]
    [InlineData("PUT /upload HTTP/1.1\r\nHost: b\r\nTransfer-Encoding: gzip\r\n\r\n", "501 Not Implemented", "only the chunked transfer coding")]
    [InlineData("PUT /upload HTTP/1.1\r\nHost: b\r\nContent-Length: 2000000\r\n\r\n", "413 Content Too Large", "the request body is larger than the server takes")]
    [InlineData("PUT /upload HTTP/1.1\r\nHost: b\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "400 Bad Request", "malformed chunked body")]
    [InlineData("PUT /upload HTTP/1.1\r\nHost: b\r\nExpect: 200-ok\r\nContent-Length: 1\r\n\r\n", "417 Expectation Failed", "only Expect: 100-continue")]
    [InlineData("GET /overflow HTTP/1.1\r\nHost: b\r\n\r\n", "500 Internal Server Error", "the response is larger than the response buffer")]
    [InlineData("PUT /silent HTTP/1.1\r\nHost: b\r\nContent-Length: 3\r\n\r\nabc", "500 Internal Server Error", "the handler gave no response")]
    public void Bad_requests_get_a_small_error_page_and_a_close(string request, string status, string reason)
    {
        var link = NewLink(out _);
        var connection = link.Connect();
        link.Send(connection, request);
        string text = link.ReadUntilClosed(connection);
        Assert.StartsWith($"HTTP/1.1 {status}\r\n", text);
        Assert.Contains("Connection: close\r\n", text);
        Assert.Contains($"\r\n\r\n{status}: {reason}", text);
    }

    [Fact]
    public void A_head_larger_than_the_limit_is_400()
    {
        var options = HttpServerOptions.Default;
        options.MaxHeadBytes = 1024;
        var link = NewLink(out var log, options);
        var connection = link.Connect();
        link.Send(connection, "GET / HTTP/1.1\r\nHost: b\r\nX-Filler: " + new string('x', 2000) + "\r\n\r\n");
        string text = link.ReadUntilClosed(connection);
        Assert.StartsWith("HTTP/1.1 400 Bad Request\r\n", text);
        Assert.Contains("request head too large", text);
        Assert.Equal(0, log.Requests);
    }

    [Fact]
    public void A_chunked_body_growing_past_the_limit_is_413_and_the_handler_hears_of_it()
    {
        var options = HttpServerOptions.Default;
        options.MaxBodyBytes = 10_000;
        var link = NewLink(out var log, options);
        var connection = link.Connect();
        link.Send(connection, "PUT /upload HTTP/1.1\r\nHost: b\r\nTransfer-Encoding: chunked\r\n\r\n");
        var chunk = Encoding.Latin1.GetBytes("1000\r\n" + new string('a', 4096) + "\r\n");
        for (int i = 0; i < 3; i++)
            link.Send(connection, chunk);
        string text = link.ReadUntilClosed(connection);
        Assert.StartsWith("HTTP/1.1 413 Content Too Large\r\n", text);
        Assert.Equal(1, log.Aborted);
        Assert.True(log.UploadBytes <= 10_000);
    }

    [Fact]
    public void A_head_that_does_not_complete_in_time_is_408()
    {
        var link = NewLink(out _);
        var connection = link.Connect();
        link.Send(connection, "GET /hello HTTP/1.1\r\nHo");
        link.Run(5_000);
        Assert.False(link.IsClosedByServer(connection));
        string text = link.ReadUntilClosed(connection);
        Assert.StartsWith("HTTP/1.1 408 Request Timeout\r\n", text);
        Assert.True(link.Now >= HttpServerOptions.Default.RequestTimeoutMilliseconds);
    }

    [Fact]
    public void A_stalled_body_is_408_and_the_handler_hears_of_it()
    {
        var link = NewLink(out var log);
        var connection = link.Connect();
        link.Send(connection, "PUT /upload HTTP/1.1\r\nHost: b\r\nContent-Length: 100\r\n\r\nonly a part");
        string text = link.ReadUntilClosed(connection);
        Assert.StartsWith("HTTP/1.1 408 Request Timeout\r\n", text);
        Assert.Contains("the request body stalled", text);
        Assert.Equal(1, log.Aborted);
    }

    [Fact]
    public void An_idle_kept_alive_connection_is_closed_quietly()
    {
        var link = NewLink(out _);
        var connection = link.Connect();
        link.Send(connection, "GET /hello HTTP/1.1\r\nHost: b\r\n\r\n");
        link.ReadResponses(connection, 1);
        Assert.Equal("", link.ReadUntilClosed(connection));
        Assert.Equal(0UL, link.Http.Refused);
    }

    [Fact]
    public void A_request_sent_byte_by_byte_is_gathered_and_answered()
    {
        var link = NewLink(out _);
        var connection = link.Connect();
        byte[] request = Encoding.Latin1.GetBytes("GET /echo?split HTTP/1.1\r\nHost: b\r\nAccept: */*\r\n\r\n");
        foreach (byte b in request)
        {
            link.Send(connection, [b]);
            link.Run(2);
        }
        var response = link.ReadResponses(connection, 1).Single();
        Assert.Equal("<p>split 11 0x0000beef</p>", response.Text);
    }

    [Theory]
    [InlineData("/big?40000", false)]
    [InlineData("/stream?40000", true)]
    [InlineData("/stream?0", true)]
    public void A_response_larger_than_the_send_buffer_goes_out_across_steps(string target, bool chunked)
    {
        var options = HttpServerOptions.Default;
        options.ResponseBufferBytes = 3000;
        var link = NewLink(out _, options);
        var connection = link.Connect();
        link.Send(connection, $"GET {target} HTTP/1.1\r\nHost: b\r\n\r\nGET /hello HTTP/1.1\r\nHost: b\r\n\r\n");
        var responses = link.ReadResponses(connection, 2);
        int length = int.Parse(target[(target.IndexOf('?') + 1)..]);
        Assert.Equal(chunked, responses[0].Headers.ContainsKey("Transfer-Encoding"));
        Assert.Equal(length, responses[0].Body.Length);
        for (int i = 0; i < length; i++)
            Assert.Equal(TestSiteLog.PatternAt(i), responses[0].Body[i]);
        Assert.Equal("hello world\n", responses[1].Text);
    }

    [Fact]
    public void A_streamed_response_of_unknown_length_to_http10_ends_with_the_close()
    {
        var link = NewLink(out _);
        var connection = link.Connect();
        link.Send(connection, "GET /stream?5000 HTTP/1.0\r\n\r\n");
        string text = link.ReadUntilClosed(connection);
        int bodyStart = text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
        Assert.DoesNotContain("Transfer-Encoding", text[..bodyStart]);
        Assert.Equal(5000, text.Length - bodyStart);
    }

    [Fact]
    public void A_bad_client_does_not_stop_the_others()
    {
        var link = NewLink(out _, connections: 2);
        var good = link.Connect();
        var bad = link.Connect(ipv6: true);
        link.Send(bad, "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 TLS hello\r\n\r\n");
        link.Send(good, "GET /hello HTTP/1.1\r\nHost: b\r\n\r\n");
        Assert.Equal("hello world\n", link.ReadResponses(good, 1).Single().Text);
        Assert.StartsWith("HTTP/1.1 400 Bad Request\r\n", link.ReadUntilClosed(bad));
        link.Send(good, "GET /hello HTTP/1.1\r\nHost: b\r\n\r\n");
        Assert.Equal("hello world\n", link.ReadResponses(good, 1).Single().Text);
    }

    [Fact]
    public void Connections_beyond_the_limit_wait_their_turn()
    {
        var link = NewLink(out _, connections: 1);
        var first = link.Connect();
        var second = link.Connect();
        link.Send(second, "GET /hello HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n");
        link.Run(50);
        var pending = new List<byte>();
        link.Read(second, pending);
        Assert.Empty(pending);
        link.Send(first, "GET /hello HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n");
        Assert.EndsWith("hello world\n", link.ReadUntilClosed(first));
        Assert.EndsWith("hello world\n", link.ReadUntilClosed(second));
    }

    [Fact]
    public void With_refuse_when_full_a_connection_beyond_the_limit_is_answered_503_at_once()
    {
        var options = HttpServerOptions.Default;
        options.RefuseWhenFull = true;
        var link = NewLink(out _, connections: 1, options: options);
        var first = link.Connect();
        link.RunUntil(() => link.Http.ActiveConnections == 1, "the server takes the first");
        var second = link.Connect();
        string refused = link.ReadUntilClosed(second);
        Assert.StartsWith("HTTP/1.1 503 Service Unavailable\r\n", refused);
        Assert.EndsWith("\r\n\r\nbusy: too many connections\n", refused);
        link.Send(first, "GET /hello HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n");
        Assert.EndsWith("hello world\n", link.ReadUntilClosed(first));
    }

    [Fact]
    public void A_reset_mid_upload_is_told_to_the_handler()
    {
        var link = NewLink(out var log);
        var connection = link.Connect();
        link.Send(connection, "PUT /upload HTTP/1.1\r\nHost: b\r\nContent-Length: 100000\r\n\r\nsome of it");
        link.Run(20);
        link.Client.Tcp.Abort(connection);
        link.RunUntil(() => link.Http.ActiveConnections == 0, "the server lets the connection go");
        Assert.Equal(1, log.Aborted);
    }

    [Fact]
    public void Next_step_at_follows_the_timeouts()
    {
        var link = NewLink(out _);
        Assert.Equal(long.MaxValue, link.Http.NextStepAt);
        var connection = link.Connect();
        link.RunUntil(() => link.Http.ActiveConnections == 1, "the server accepts");
        Assert.InRange(link.Http.NextStepAt, link.Now, link.Now + HttpServerOptions.Default.RequestTimeoutMilliseconds);
        link.Send(connection, "GET /hello HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n");
        link.ReadUntilClosed(connection);
        link.RunUntil(() => link.Http.ActiveConnections == 0, "the connection is over");
        Assert.Equal(long.MaxValue, link.Http.NextStepAt);
    }
}
