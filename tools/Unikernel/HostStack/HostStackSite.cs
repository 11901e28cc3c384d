using Unikernel.Boot.Image;
using Unikernel.Net.Http;
using HttpMethod = Unikernel.Net.Http.HttpMethod;

namespace Unikernel.Tool.HostStack;

/// <summary>
/// hoststack's web site on port 80 (<see cref="HttpServer{THandler}"/>), for curl and browsers
/// against our HTTP: <c>GET /</c> a small page, <c>GET /stream?N</c> N bytes streamed in chunks,
/// <c>PUT /upload</c> a body of any size hashed with SHA-256 as it arrives, answered and logged
/// with its length and digest; <c>POST /upload</c> of a form (multipart/form-data, as a browser
/// or <c>curl -F</c> sends it) hashes the content of its file part the same way.
/// </summary>
public readonly struct HostStackSite(Action<string> say, int connections) : IHttpHandler
{
    private const int Upload = 1;
    private const int Stream = 2;
    private const int Form = 3;

    private readonly Sha256[] _hashes = new Sha256[connections];
    private readonly long[] _left = new long[connections];
    private readonly long[] _offset = new long[connections];
    private readonly MultipartFormReader[] _forms = NewForms(connections);
    private readonly long[] _fileBytes = new long[connections];
    private readonly bool[] _inFile = new bool[connections];

    private static MultipartFormReader[] NewForms(int connections)
    {
        var forms = new MultipartFormReader[connections];
        for (int i = 0; i < connections; i++)
            forms[i] = new MultipartFormReader();
        return forms;
    }

    /// <summary>Byte <paramref name="offset"/> of a streamed body, which a test recomputes.</summary>
    public static byte StreamByte(long offset) => (byte)(offset % 251);

    public void Request(in HttpRequest request, HttpResponse response)
    {
        var path = request.Path;
        bool get = request.Method is HttpMethod.Get or HttpMethod.Head;
        if (get && path.SequenceEqual("/"u8))
        {
            response.Start(HttpStatus.Ok, "text/html; charset=utf-8"u8);
            response.Append("<!doctype html><title>hoststack</title><h1>hoststack</h1><p>connection "u8);
            response.AppendDecimal(response.Connection);
            response.Append(", host "u8);
            response.AppendHtmlEscaped(request.Host);
            response.Append("</p>\n"u8);
        }
        else if (get && path.SequenceEqual("/stream"u8))
        {
            long length = 0;
            foreach (byte c in request.Query)
                length = c is >= (byte)'0' and <= (byte)'9' && length < 1L << 40 ? length * 10 + (c - '0') : length;
            response.Tag = Stream;
            _left[response.Connection] = length;
            _offset[response.Connection] = 0;
            response.StartStreamed(HttpStatus.Ok, "application/octet-stream"u8);
        }
        else if (request.Method is HttpMethod.Put or HttpMethod.Post && path.SequenceEqual("/upload"u8))
        {
            int connection = response.Connection;
            response.Tag = Upload;
            _hashes[connection].Reset();
            _fileBytes[connection] = 0;
            _inFile[connection] = false;
            if (request.Method == HttpMethod.Post)
            {
                if (!request.TryGetHeader("content-type"u8, out var type) || !_forms[connection].Start(type))
                {
                    response.Start(HttpStatus.UnsupportedMediaType, "text/plain"u8);
                    response.Append("a POST takes multipart/form-data\n"u8);
                }
                else
                    response.Tag = Form;
            }
        }
        else
        {
            response.Start(HttpStatus.NotFound, "text/plain"u8);
            response.Append("no such page\n"u8);
        }
    }

    public void Body(ReadOnlySpan<byte> data, HttpResponse response)
    {
        int connection = response.Connection;
        if (response.Tag == Upload)
            _hashes[connection].Append(data);
        if (response.Tag != Form)
            return;
        var form = _forms[connection];
        while (!data.IsEmpty)
        {
            int used = form.Read(data, out var found, out var content);
            data = data[used..];
            if (found == MultipartEvent.PartStarted)
                _inFile[connection] = !form.PartFileName.IsEmpty;
            else if (found == MultipartEvent.Data && _inFile[connection])
            {
                _hashes[connection].Append(content);
                _fileBytes[connection] += content.Length;
            }
            else if (found == MultipartEvent.PartEnded)
                _inFile[connection] = false;
            else if (found == MultipartEvent.Failed)
            {
                response.Start(HttpStatus.BadRequest, "text/plain"u8);
                response.Append("malformed form\n"u8);
                return;
            }
        }
    }

    public void BodyEnd(HttpResponse response)
    {
        if (response.Tag is not (Upload or Form))
            return;
        int connection = response.Connection;
        if (response.Tag == Form && !_forms[connection].IsFinished)
        {
            response.Start(HttpStatus.BadRequest, "text/plain"u8);
            response.Append("the form ended before its close delimiter\n"u8);
            return;
        }
        long length = response.Tag == Form ? _fileBytes[connection] : response.BodyReceived;
        Span<byte> digest = stackalloc byte[Sha256.HashLength];
        _hashes[connection].Finish(digest);
        response.Start(HttpStatus.Created, "text/plain"u8);
        response.Append("stored "u8);
        response.AppendDecimal(length);
        response.Append(" bytes sha256 "u8);
        response.AppendHex(digest);
        response.Append("\n"u8);
        say($"http upload {length} bytes sha256 {Convert.ToHexStringLower(digest)}");
    }

    public void WriteBody(HttpResponse response)
    {
        int connection = response.Connection;
        int count = (int)Math.Min(response.Room, _left[connection]);
        Span<byte> piece = stackalloc byte[512];
        while (count > 0)
        {
            int n = Math.Min(count, piece.Length);
            for (int i = 0; i < n; i++)
                piece[i] = StreamByte(_offset[connection] + i);
            response.Append(piece[..n]);
            _offset[connection] += n;
            _left[connection] -= n;
            count -= n;
        }
        if (_left[connection] == 0)
            response.EndBody();
    }

    public void Aborted(HttpResponse response) => say($"http exchange on connection {response.Connection} aborted after {response.BodyReceived} body bytes");
}
