using System.Text;
using Unikernel.Net.Http;

namespace Unikernel.Net.Tests.Http;

[Collection("Allocation")]
public class HttpFuzzAndAllocationTests
{
    private static readonly byte[][] Seeds =
    [
        Bytes("GET /hello HTTP/1.1\r\nHost: b\r\n\r\n"),
        Bytes("HEAD /hello HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n"),
        Bytes("GET /echo?a=1&b=<x> HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"),
        Bytes("PUT /upload HTTP/1.1\r\nHost: b\r\nContent-Length: 11\r\n\r\nhello world"),
        Bytes("PUT /upload HTTP/1.1\r\nHost: b\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhello"),
        Bytes("PUT /upload HTTP/1.1\r\nHost: b\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n0\r\nT: v\r\n\r\n"),
        Bytes("GET /big?3000 HTTP/1.1\r\nHost: b\r\n\r\nGET /stream?2000 HTTP/1.1\r\nHost: b\r\n\r\n"),
        Bytes("GET /hello HTTP/1.1\r\nHost: b\r\n\r\nGET /hello HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n"),
    ];

    private static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);

    /// <summary>Short timeouts so that a request the fuzzer left incomplete is over soon.</summary>
    private static HttpServerOptions FuzzOptions()
    {
        var options = HttpServerOptions.Default;
        options.RequestTimeoutMilliseconds = 300;
        options.BodyTimeoutMilliseconds = 300;
        options.KeepAliveTimeoutMilliseconds = 200;
        options.LingerMilliseconds = 200;
        options.MaxBodyBytes = 4096;
        options.ResponseBufferBytes = 2048;
        return options;
    }

    private static byte[] Mutate(Random random)
    {
        if (random.Next(10) == 0)
        {
            byte[] junk = new byte[random.Next(1, 300)];
            random.NextBytes(junk);
            return junk;
        }
        var bytes = new List<byte>(Seeds[random.Next(Seeds.Length)]);
        ReadOnlySpan<byte> specials = " :\r\n\t;,0fF-"u8;
        for (int i = random.Next(0, 4); i > 0 && bytes.Count > 0; i--)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes[at] = specials[random.Next(specials.Length)];
                    break;
                case 2:
                    bytes.RemoveAt(at);
                    break;
                case 3:
                    bytes.Insert(at, specials[random.Next(specials.Length)]);
                    break;
                case 4:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                default:
                    int length = Math.Min(random.Next(1, 40), bytes.Count - at);
                    bytes.InsertRange(at, bytes.GetRange(at, length));
                    break;
            }
        }
        return [.. bytes];
    }

    /// <summary>
    /// 1,500 connections, each sending a random or mutated request (or two), in random pieces:
    /// the server never throws, every reply starts with a status line, and each connection is
    /// answered or closed; at the end every slot is free.
    /// </summary>
    [Fact]
    public void Random_and_mutated_requests_are_answered_or_closed()
    {
        var random = new Random(9110);
        var log = new TestSiteLog();
        var link = new HttpLink<TestSite>(new TestSite(log), 2, FuzzOptions());
        int answered = 0;
        int closedSilently = 0;
        for (int n = 0; n < 1_500; n++)
        {
            var connection = link.Connect(ipv6: random.Next(2) == 0);
            byte[] request = Mutate(random);
            for (int at = 0; at < request.Length;)
            {
                int piece = Math.Min(random.Next(1, 64), request.Length - at);
                link.Send(connection, request.AsSpan(at, piece));
                at += piece;
                if (random.Next(3) == 0)
                    link.Step();
            }
            var received = new List<byte>();
            try
            {
                link.RunUntil(() =>
                {
                    link.Read(connection, received);
                    return link.IsClosedByServer(connection) || HttpTestResponse.ParseAll([.. received]).Any(r => r.Status >= 200);
                }, $"request {n} ({Convert.ToHexString(request)}) is answered or closed");
            }
            catch (Exception exception) when (exception is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"request {n} ({Convert.ToHexString(request)}) threw {exception}");
            }
            if (received.Count > 0)
            {
                Assert.True(Encoding.Latin1.GetString([.. received]).StartsWith("HTTP/1.1 ", StringComparison.Ordinal),
                    $"request {n} got {Encoding.Latin1.GetString([.. received])}");
                answered++;
            }
            else
                closedSilently++;
            link.Client.Tcp.Abort(connection);
        }
        link.RunUntil(() => link.Http.ActiveConnections == 0, "every connection is over");
        Assert.True(answered > 1_000, $"{answered} answered, {closedSilently} closed without an answer");
        Assert.True(link.Http.Refused > 100, $"only {link.Http.Refused} refusals: the mutations do not reach the checks");
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes into <paramref name="buffer"/>, stepping, without allocating.</summary>
    private static void ReadExactly(HttpLink<TestSite> link, TcpHandle connection, byte[] buffer, int count)
    {
        int have = 0;
        for (int i = 0; have < count; i++)
        {
            Assert.True(i < 10_000, "the response did not arrive");
            have += link.Client.Tcp.Receive(connection, buffer.AsSpan(have, count - have));
            if (have < count)
                link.Step();
        }
    }

    [Fact]
    public void Serving_allocates_nothing_per_request_after_warm_up()
    {
        var log = new TestSiteLog();
        var link = new HttpLink<TestSite>(new TestSite(log), 2);
        var connection = link.Connect();
        byte[] get = Bytes("GET /hello HTTP/1.1\r\nHost: b\r\n\r\n");
        byte[] put = Bytes("PUT /upload HTTP/1.1\r\nHost: b\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n" + new string('u', 1024) + "\r\n0\r\n\r\n");
        byte[] big = Bytes("GET /stream?20000 HTTP/1.1\r\nHost: b\r\n\r\n");
        byte[] buffer = new byte[64 * 1024];

        // The length of each response, from one read the allocating way.
        int Length(byte[] request)
        {
            link.Send(connection, request);
            var response = link.ReadResponses(connection, 1).Single();
            int bodyLength = response.Headers.ContainsKey("Transfer-Encoding") ? 20000 + 5 * 8 + 5 : response.Body.Length;
            return response.Head.Length + 4 + bodyLength;
        }
        int getLength = Length(get);
        int putLength = Length(put);
        link.Send(connection, big);
        var streamed = new List<byte>();
        link.RunUntil(() =>
        {
            link.Read(connection, streamed);
            return Encoding.Latin1.GetString([.. streamed]).EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal);
        }, "the streamed response");
        int bigLength = streamed.Count;

        void Once()
        {
            link.Send(connection, get);
            ReadExactly(link, connection, buffer, getLength);
            link.Send(connection, put);
            ReadExactly(link, connection, buffer, putLength);
            link.Send(connection, big);
            ReadExactly(link, connection, buffer, bigLength);
        }
        for (int i = 0; i < 20; i++)
            Once();
        int requestsBefore = log.Requests;
        long allocated = AllocationMeter.LeastOfThree(_ =>
        {
            for (int i = 0; i < 200; i++)
                Once();
        });
        Assert.Equal(0, allocated);
        // One to three runs of 200 rounds of three requests, each answered.
        Assert.True(log.Requests > requestsBefore && (log.Requests - requestsBefore) % 600 == 0, $"{log.Requests - requestsBefore} requests");
        Assert.Equal(0UL, link.Http.Refused);
        Assert.False(link.IsClosedByServer(connection));
    }
}
