using Unikernel.Net;
using Unikernel.Net.Http;
using Unikernel.Net.Wire;
using Unikernel.Platform;
// The host test project's implicit usings bring System.Net.Http's too.
using HttpMethod = Unikernel.Net.Http.HttpMethod;

namespace Unikernel.Tests.Images;

/// <summary>
/// An <see cref="HttpServer{THandler}"/> on one of our stacks and a client on another, joined
/// by an in-memory wire, on a simulated clock so that the board and the host print the same
/// lines: a GET over IPv6, a chunked PUT with 100-continue, a streamed response larger than the
/// send buffer over IPv4, a browser form (multipart/form-data) split mid-delimiter, a malformed request; then keep-alive requests that must allocate nothing.
/// </summary>
public sealed class HttpChecks<TConsole> where TConsole : IConsole
{
    private const int WireSlots = 64;
    private const int SlotSize = 1536;
    private const ushort Port = 8080;

    private readonly NetworkInterface _server;
    private readonly NetworkInterface _client;
    private readonly HttpServer<ProbeSite> _http;
    private readonly byte[] _frames = new byte[2 * WireSlots * SlotSize];
    private readonly int[] _lengths = new int[2 * WireSlots];
    private readonly int[] _heads = new int[2];
    private readonly int[] _counts = new int[2];
    private readonly byte[] _frame = new byte[SlotSize];
    private readonly byte[] _reply = new byte[SlotSize];
    private readonly byte[] _received = new byte[64 * 1024];
    private readonly byte[] _piece = new byte[1024];
    private long _now;
    private TcpHandle _kept;

    public HttpChecks()
    {
        _server = NewStack(new MacAddress(0x02_00_5E_77_00_0AUL), new Ipv4Address(169, 254, 77, 10));
        _client = NewStack(new MacAddress(0x02_00_5E_77_00_0BUL), new Ipv4Address(169, 254, 77, 11));
        var options = HttpServerOptions.Default;
        options.Port = Port;
        options.MaxHeadBytes = 2048;
        options.ResponseBufferBytes = 4096;
        options.MaxBodyBytes = 1024 * 1024;
        _http = new HttpServer<ProbeSite>(_server, default, 2, options);
    }

    private static NetworkInterface NewStack(MacAddress mac, Ipv4Address ipv4)
    {
        var configuration = NetworkConfiguration.WithStaticIpv4(ipv4, 16);
        configuration.Ipv6Autoconfiguration = false;
        configuration.UdpSockets = 0;
        configuration.TransmitQueueDepth = 2;
        configuration.TcpConnections = 4;
        configuration.TcpListeners = 1;
        configuration.TcpReceiveBuffer = 8 * 1024;
        configuration.TcpSendBuffer = 8 * 1024;
        configuration.Seed = (uint)mac.Value;
        return new NetworkInterface(mac, configuration);
    }

    public void Run()
    {
        Line("listening", _http.IsListening ? 1UL : 0UL);

        var get = Connect(new IpEndpoint(_server.LinkLocalAddress, Port));
        Send(get, "GET /hello?name=board HTTP/1.1\r\nHost: [fe80::a]\r\n\r\n"u8);
        Report("get", get, ReadResponse(get));

        // A chunked upload of 64 KiB with 100-continue, as curl -T sends one.
        Send(get, "PUT /upload HTTP/1.1\r\nHost: b\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n"u8);
        int interim = ReadResponse(get);
        Line("continue-status", (ulong)Status(interim));
        uint generator = 0x9E37_79B9;
        for (int sent = 0; sent < 64 * 1024; sent += _piece.Length)
        {
            for (int i = 0; i < _piece.Length; i++)
            {
                generator ^= generator << 13;
                generator ^= generator >> 17;
                generator ^= generator << 5;
                _piece[i] = (byte)generator;
            }
            Send(get, "400;piece\r\n"u8);
            Send(get, _piece);
            Send(get, "\r\n"u8);
        }
        Send(get, "0\r\nX-Trailer: dropped\r\n\r\n"u8);
        Report("put", get, ReadResponse(get));
        Line("put-pieces", (ulong)_http.Handler.BodyPieces);

        // 40,000 bytes streamed in pieces of the 4 KiB response buffer through an 8 KiB send buffer.
        var streamed = Connect(new IpEndpoint(_server.Ipv4Address, Port));
        Send(streamed, "GET /stream HTTP/1.1\r\nHost: b\r\n\r\n"u8);
        Report("stream", streamed, ReadResponse(streamed));

        // A browser form with a file, its delimiter split across two writes.
        Send(streamed, "POST /form HTTP/1.1\r\nHost: b\r\nContent-Type: multipart/form-data; boundary=xYz\r\nContent-Length: 160\r\n\r\n"u8);
        Send(streamed, "--xYz\r\nContent-Disposition: form-data; name=\"image\"; filename=\"k.bin\"\r\n\r\nkernel\r\n--xY bytes\r\n-"u8);
        Run(5);
        Send(streamed, "-xYz\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n--xYz--\r\n"u8);
        Report("form", streamed, ReadResponse(streamed));

        var bad = Connect(new IpEndpoint(_server.Ipv4Address, Port));
        Send(bad, "GET / HTTP/1.1\r\nHost : b\r\n\r\n"u8);
        Report("bad", bad, ReadResponse(bad));
        Run(100);
        Line("bad-closed", _client.Tcp.IsReceiveFinished(bad) ? 1UL : 0UL);
        Line("refused", _http.Refused);
        Line("requests", _http.Requests);
        _kept = get;
    }

    /// <summary><paramref name="count"/> more GETs on the kept-alive connection.</summary>
    public void KeepAliveRequests(int count)
    {
        for (int i = 0; i < count; i++)
        {
            Send(_kept, "GET /hello HTTP/1.1\r\nHost: b\r\n\r\n"u8);
            ReadResponse(_kept);
        }
    }

    private TcpHandle Connect(IpEndpoint remote)
    {
        _client.Tcp.Connect(remote, out TcpHandle connection);
        for (int i = 0; i < 1000 && _client.Tcp.StateOf(connection) != TcpState.Established; i++)
            Step();
        return connection;
    }

    private void Send(TcpHandle connection, ReadOnlySpan<byte> data)
    {
        for (int i = 0; i < 10_000 && !data.IsEmpty; i++)
        {
            int taken = _client.Tcp.Send(connection, data);
            if (taken < 0)
                return;
            data = data.Slice(taken);
            if (!data.IsEmpty)
                Step();
        }
    }

    /// <summary>Reads one response (Content-Length, chunked or until the close) into the buffer; returns its length.</summary>
    private int ReadResponse(TcpHandle connection)
    {
        int length = 0;
        for (int i = 0; i < 20_000; i++)
        {
            Step();
            length += _client.Tcp.Receive(connection, _received.AsSpan(length));
            int complete = CompleteLength(_received.AsSpan(0, length));
            if (complete > 0)
                return complete;
            if (_client.Tcp.IsReceiveFinished(connection))
                return length;
        }
        return length;
    }

    /// <summary>The length of the response at the buffer's start if it is all there, else 0.</summary>
    private static int CompleteLength(ReadOnlySpan<byte> response)
    {
        int head = HeadLength(response);
        if (head == 0)
            return 0;
        int status = (response[9] - '0') * 100 + (response[10] - '0') * 10 + (response[11] - '0');
        if (status < 200)
            return head;
        long contentLength = FieldNumber(response.Slice(0, head), "Content-Length: "u8);
        if (contentLength >= 0)
            return response.Length - head >= contentLength ? head + (int)contentLength : 0;
        // Chunked: complete at the last chunk.
        var body = response.Slice(head);
        for (int i = 0; i + 5 <= body.Length; i++)
        {
            if (body[i] == '0' && (i == 0 || body[i - 1] == '\n') && body[i + 1] == '\r' && body[i + 2] == '\n' && body[i + 3] == '\r' && body[i + 4] == '\n')
                return head + i + 5;
        }
        return 0;
    }

    private static int HeadLength(ReadOnlySpan<byte> response)
    {
        for (int i = 0; i + 4 <= response.Length; i++)
        {
            if (response[i] == '\r' && response[i + 1] == '\n' && response[i + 2] == '\r' && response[i + 3] == '\n')
                return i + 4;
        }
        return 0;
    }

    private static long FieldNumber(ReadOnlySpan<byte> head, ReadOnlySpan<byte> field)
    {
        for (int i = 0; i + field.Length <= head.Length; i++)
        {
            if (!head.Slice(i, field.Length).SequenceEqual(field))
                continue;
            long value = 0;
            for (int j = i + field.Length; j < head.Length && head[j] >= '0' && head[j] <= '9'; j++)
                value = value * 10 + (head[j] - '0');
            return value;
        }
        return -1;
    }

    private int Status(int length) => length < 12 ? 0 : (_received[9] - '0') * 100 + (_received[10] - '0') * 10 + (_received[11] - '0');

    /// <summary>The response's status, length, and FNV-1a of all its bytes.</summary>
    private void Report(string name, TcpHandle connection, int length)
    {
        ulong hash = 14695981039346656037UL;
        for (int i = 0; i < length; i++)
            hash = (hash ^ _received[i]) * 1099511628211UL;
        Line(name, "-status", (ulong)Status(length));
        Line(name, "-bytes", (ulong)length);
        Line(name, "-fnv1a", hash);
    }

    private void Run(int milliseconds)
    {
        for (int i = 0; i < milliseconds; i++)
            Step();
    }

    private void Step()
    {
        _now++;
        Exchange(_server, 0);
        _http.Step(_now);
        Flush(_server, 0);
        Exchange(_client, 1);
        Flush(_client, 1);
    }

    private void Exchange(NetworkInterface stack, int side)
    {
        stack.AdvanceClock(_now);
        for (int length; (length = Take(side)) > 0;)
        {
            int answer = stack.Process(_frame.AsSpan(0, length), _reply);
            if (answer > 0)
                Put(1 - side, _reply.AsSpan(0, answer));
        }
    }

    private void Flush(NetworkInterface stack, int side)
    {
        for (int length; (length = stack.Poll(_now, _frame)) > 0;)
            Put(1 - side, _frame.AsSpan(0, length));
    }

    private void Put(int side, ReadOnlySpan<byte> frame)
    {
        if (_counts[side] == WireSlots)
            return; // lost: TCP sends it again
        int index = side * WireSlots + (_heads[side] + _counts[side]) % WireSlots;
        frame.CopyTo(_frames.AsSpan(index * SlotSize, SlotSize));
        _lengths[index] = frame.Length;
        _counts[side]++;
    }

    private int Take(int side)
    {
        if (_counts[side] == 0)
            return 0;
        int index = side * WireSlots + _heads[side];
        int length = _lengths[index];
        _frames.AsSpan(index * SlotSize, length).CopyTo(_frame);
        _heads[side] = (_heads[side] + 1) % WireSlots;
        _counts[side]--;
        return length;
    }

    private static void Line(string name, ulong value) => ProbeLines<TConsole>.Line(name, value);

    private static void Line(string family, string name, ulong value)
    {
        ConsoleText<TConsole>.Write(family);
        ProbeLines<TConsole>.Line(name, value);
    }

    /// <summary>The probe's site: a greeting, an upload it hashes, a streamed page, a form; a struct, so the server calls it without interface dispatch.</summary>
    private struct ProbeSite : IHttpHandler
    {
        private const int Upload = 1;
        private const int Streaming = 2;
        private const int Form = 3;
        private const int StreamLength = 40_000;

        private MultipartFormReader? _form;
        private bool _inFile;

        public int BodyPieces;
        private ulong _hash;
        private long _uploaded;
        private int _streamed;

        public void Request(in HttpRequest request, HttpResponse response)
        {
            if (request.Path.SequenceEqual("/hello"u8))
            {
                response.Start(HttpStatus.Ok, "text/html; charset=utf-8"u8);
                response.Append("<h1>hello, "u8);
                response.AppendHtmlEscaped(request.Query);
                response.Append("</h1>\n"u8);
            }
            else if (request.Method == HttpMethod.Put && request.Path.SequenceEqual("/upload"u8))
            {
                response.Tag = Upload;
                _hash = 14695981039346656037UL;
                _uploaded = 0;
                BodyPieces = 0;
            }
            else if (request.Method == HttpMethod.Post && request.Path.SequenceEqual("/form"u8))
            {
                _form ??= new MultipartFormReader();
                if (!request.TryGetHeader("content-type"u8, out var type) || !_form.Start(type))
                    response.Start(HttpStatus.UnsupportedMediaType, "text/plain"u8);
                response.Tag = Form;
                _hash = 14695981039346656037UL;
                _uploaded = 0;
                _inFile = false;
            }
            else if (request.Path.SequenceEqual("/stream"u8))
            {
                response.Tag = Streaming;
                _streamed = 0;
                response.StartStreamed(HttpStatus.Ok, "application/octet-stream"u8);
            }
            else
                response.Start(HttpStatus.NotFound, "text/plain"u8);
        }

        public void Body(ReadOnlySpan<byte> data, HttpResponse response)
        {
            if (response.Tag == Form)
            {
                ReadForm(data);
                return;
            }
            BodyPieces++;
            Hash(data);
        }

        private void ReadForm(ReadOnlySpan<byte> data)
        {
            while (!data.IsEmpty)
            {
                int used = _form!.Read(data, out var found, out var content);
                data = data.Slice(used);
                if (found == MultipartEvent.PartStarted)
                    _inFile = _form.PartFileName.SequenceEqual("k.bin"u8);
                else if (found == MultipartEvent.Data && _inFile)
                    Hash(content);
                else if (found == MultipartEvent.PartEnded)
                    _inFile = false;
            }
        }

        private void Hash(ReadOnlySpan<byte> data)
        {
            _uploaded += data.Length;
            for (int i = 0; i < data.Length; i++)
                _hash = (_hash ^ data[i]) * 1099511628211UL;
        }

        public void BodyEnd(HttpResponse response)
        {
            if (response.Tag == Form)
            {
                response.Start(_form!.IsFinished ? HttpStatus.Created : HttpStatus.BadRequest, "text/plain"u8);
                response.AppendDecimal(_uploaded);
                response.Append(" "u8);
                response.AppendHex(_hash, 16);
                return;
            }
            if (response.Tag != Upload)
                return;
            response.Start(HttpStatus.Created, "application/json"u8);
            response.Append("{\"bytes\":"u8);
            response.AppendDecimal(_uploaded);
            response.Append(",\"fnv1a\":\""u8);
            response.AppendHex(_hash, 16);
            response.Append("\"}\n"u8);
        }

        public void WriteBody(HttpResponse response)
        {
            int count = Math.Min(response.Room, StreamLength - _streamed);
            for (int i = 0; i < count; i++)
            {
                byte value = (byte)((_streamed + i) % 251);
                response.Append(new ReadOnlySpan<byte>(in value));
            }
            _streamed += count;
            if (_streamed == StreamLength)
                response.EndBody();
        }

        public void Aborted(HttpResponse response)
        {
        }
    }
}
