using Unikernel.Net.Http;

namespace Unikernel.Net.Tests.Http;

/// <summary>What the test handler saw, shared by the server's copy of it and the test.</summary>
internal sealed class TestSiteLog
{
    public int Requests;
    public int Aborted;
    public int BodyPieces;
    public long UploadBytes;
    public uint UploadHash = 2166136261;
    public long[] StreamLeft = new long[16];
    public long[] StreamOffset = new long[16];

    /// <summary>FNV-1a over the upload, so a test checks every byte arrived, in order.</summary>
    public static uint Hash(uint hash, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data)
            hash = (hash ^ b) * 16777619;
        return hash;
    }

    public static byte PatternAt(long offset) => (byte)(offset % 251);
}

/// <summary>
/// A handler as an application would write one: routes by method and path, writes small pages
/// from spans, streams large ones, takes an upload in pieces. Allocates nothing.
/// </summary>
internal readonly struct TestSite(TestSiteLog log) : IHttpHandler
{
    private const int Upload = 1;
    private const int Streaming = 2;

    public void Request(in HttpRequest request, HttpResponse response)
    {
        log.Requests++;
        var path = request.Path;
        bool get = request.Method is HttpMethod.Get or HttpMethod.Head;
        if (get && path.SequenceEqual("/hello"u8))
        {
            response.Start(HttpStatus.Ok, "text/plain"u8);
            response.Append("hello world\n"u8);
        }
        else if (get && path.SequenceEqual("/echo"u8))
        {
            response.Start(HttpStatus.Ok, "text/html"u8);
            response.Append("<p>"u8);
            response.AppendHtmlEscaped(request.Query);
            response.Append(" "u8);
            response.AppendDecimal(request.Target.Length);
            response.Append(" 0x"u8);
            response.AppendHex(0xBEEF, 8);
            response.Append("</p>"u8);
        }
        else if (get && (path.SequenceEqual("/big"u8) || path.SequenceEqual("/stream"u8)))
        {
            long n = Number(request.Query);
            bool known = path.SequenceEqual("/big"u8);
            response.StartStreamed(HttpStatus.Ok, "application/octet-stream"u8, known ? n : -1);
            response.Tag = Streaming;
            log.StreamLeft[response.Connection] = n;
            log.StreamOffset[response.Connection] = 0;
            WriteBody(response);
        }
        else if (get && path.SequenceEqual("/overflow"u8))
        {
            response.Start(HttpStatus.Ok, "text/plain"u8);
            for (int i = 0; i < 100_000; i += 10)
                response.Append("0123456789"u8);
        }
        else if (request.Method == HttpMethod.Put && path.SequenceEqual("/upload"u8))
        {
            response.Tag = Upload;
            log.UploadBytes = 0;
            log.BodyPieces = 0;
            log.UploadHash = 2166136261;
        }
        else if (request.Method == HttpMethod.Put && path.SequenceEqual("/reject"u8))
        {
            response.Start(HttpStatus.Forbidden, "text/plain"u8);
            response.Append("not here\n"u8);
        }
        else if (request.Method == HttpMethod.Put)
        {
            // Read the body and say nothing: the server answers 500 for a handler without a response.
        }
        else
        {
            response.Start(HttpStatus.NotFound, "text/plain"u8);
            response.Append("no such page\n"u8);
        }
    }

    public void Body(ReadOnlySpan<byte> data, HttpResponse response)
    {
        if (response.Tag != Upload)
            return;
        log.BodyPieces++;
        log.UploadBytes += data.Length;
        log.UploadHash = TestSiteLog.Hash(log.UploadHash, data);
    }

    public void BodyEnd(HttpResponse response)
    {
        if (response.Tag != Upload)
            return;
        response.Start(HttpStatus.Created, "text/plain"u8);
        response.Append("stored "u8);
        response.AppendDecimal(log.UploadBytes);
        response.Append(" bytes, hash "u8);
        response.AppendHex(log.UploadHash, 8);
        response.Append("\n"u8);
    }

    public void WriteBody(HttpResponse response)
    {
        if (response.Tag != Streaming)
            return;
        int connection = response.Connection;
        int count = (int)Math.Min(response.Room, log.StreamLeft[connection]);
        Span<byte> piece = stackalloc byte[256];
        while (count > 0)
        {
            int n = Math.Min(count, piece.Length);
            for (int i = 0; i < n; i++)
                piece[i] = TestSiteLog.PatternAt(log.StreamOffset[connection] + i);
            response.Append(piece.Slice(0, n));
            log.StreamOffset[connection] += n;
            log.StreamLeft[connection] -= n;
            count -= n;
        }
        if (log.StreamLeft[connection] == 0)
            response.EndBody();
    }

    public void Aborted(HttpResponse response) => log.Aborted++;

    private static long Number(ReadOnlySpan<byte> text)
    {
        long value = 0;
        foreach (byte c in text)
        {
            if (c < '0' || c > '9')
                break;
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
