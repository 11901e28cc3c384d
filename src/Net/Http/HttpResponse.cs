namespace Unikernel.Net.Http;

/// <summary>
/// The response on one connection of an <see cref="HttpServer{THandler}"/>, written by the
/// handler into buffers made once with the server: the status line and header fields, then
/// the body appended from spans and numbers. The server adds the framing (Content-Length, or
/// chunked for a streamed body of unknown length, RFC 9112 section 6) and Connection, and
/// sends it across as many steps as the connection's send buffer needs. Nothing allocates.
/// </summary>
public sealed class HttpResponse
{
    /// <summary>Bytes for the status line and the header fields, the server's framing fields included.</summary>
    public const int HeadCapacity = 1024;

    /// <summary>Head room kept for the fields the server adds: Content-Length or Transfer-Encoding, Connection, and the empty line.</summary>
    private const int FramingRoom = 80;

    /// <summary>Body room before the data for a chunk's size line, so a chunk is sent without a copy.</summary>
    private const int Prefix = ChunkedBodyWriter.MaxSizeLineLength;

    /// <summary>Body room after the data: the chunk's CRLF and the last chunk.</summary>
    private const int Suffix = 7;

    private enum Mode : byte
    {
        None,
        Buffered,
        Streamed,
    }

    private enum Framing : byte
    {
        Length,
        Chunked,
        UntilClose,
    }

    private readonly byte[] _head = new byte[HeadCapacity];
    private readonly byte[] _body;
    private readonly int _capacity;
    private int _headLength;
    private int _headSent;
    private int _continueSent;
    private bool _continuePending;
    private int _bodyLength;
    private int _sendFrom;
    private int _sendTo;
    private Mode _mode;
    private Framing _framing;
    private long _declaredLength;
    private long _bodyWritten;
    private bool _bodyEnded;
    private bool _omitBody;
    private bool _overflowed;
    private bool _misused;

    internal HttpResponse(int connection, int bodyCapacity)
    {
        Connection = connection;
        _capacity = bodyCapacity;
        _body = new byte[Prefix + bodyCapacity + Suffix];
    }

    /// <summary>Which of the server's connections this is (0 to the connection count - 1): where a handler keeps per-connection state.</summary>
    public int Connection { get; }

    /// <summary>The client's address and port (IPv4 mapped), set when the connection is accepted.</summary>
    public IpEndpoint Peer { get; internal set; }

    /// <summary>The handler's own note for this exchange (a route chosen in Request, read back in Body and BodyEnd); 0 at each new request.</summary>
    public int Tag { get; set; }

    /// <summary>The method of the request being answered.</summary>
    public HttpMethod Method { get; private set; }

    /// <summary>The version of the request being answered.</summary>
    public HttpVersion Version { get; private set; }

    /// <summary>Body bytes of the request received so far.</summary>
    public long BodyReceived { get; internal set; }

    /// <summary>The status given, 0 before <see cref="Start"/> or <see cref="StartStreamed"/>.</summary>
    public HttpStatus Status { get; private set; }

    /// <summary>A response has been started.</summary>
    public bool IsStarted => _mode != Mode.None;

    /// <summary>The connection is closed after this response (the handler asked, the request did, or the framing needs it).</summary>
    public bool ClosesConnection { get; private set; }

    /// <summary>Body bytes that may be appended now: the buffer's room, within a streamed body's declared length.</summary>
    public int Room
    {
        get
        {
            int room = _capacity - _bodyLength;
            if (_mode == Mode.Streamed && _framing == Framing.Length)
                room = (int)Math.Min(room, Math.Max(0, _declaredLength - _bodyWritten - _bodyLength));
            return room;
        }
    }

    /// <summary>Starts a response whose body (if any) is appended before the call returns; the server sends it with its Content-Length.</summary>
    public void Start(HttpStatus status, ReadOnlySpan<byte> contentType) => Begin(Mode.Buffered, status, contentType);

    /// <summary>
    /// Starts a response whose body comes in pieces: what is appended now, then more in each
    /// <see cref="IHttpHandler.WriteBody"/> until <see cref="EndBody"/>. With a
    /// <paramref name="contentLength"/> of -1 the body is chunked (HTTP/1.1) or ends with the
    /// connection (HTTP/1.0).
    /// </summary>
    public void StartStreamed(HttpStatus status, ReadOnlySpan<byte> contentType, long contentLength = -1)
    {
        Begin(Mode.Streamed, status, contentType);
        _declaredLength = contentLength;
    }

    /// <summary>One more header field; a name or value with CR or LF, or more than the head holds, makes the response a 500.</summary>
    public void Header(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        if (_mode == Mode.None || name.IsEmpty)
        {
            _misused = true;
            return;
        }
        for (int i = 0; i < name.Length; i++)
        {
            if (!HttpText.IsTokenChar(name[i]))
            {
                _misused = true;
                return;
            }
        }
        for (int i = 0; i < value.Length; i++)
        {
            if (value[i] == '\r' || value[i] == '\n')
            {
                _misused = true;
                return;
            }
        }
        if (_headLength + name.Length + value.Length + 4 > HeadCapacity - FramingRoom)
        {
            _overflowed = true;
            return;
        }
        AppendHead(name);
        AppendHead(": "u8);
        AppendHead(value);
        AppendHead("\r\n"u8);
    }

    /// <summary>Closes the connection after this response (Connection: close).</summary>
    public void CloseConnection() => ClosesConnection = true;

    /// <summary>Appends body bytes; more than <see cref="Room"/> makes a buffered response a 500 and breaks a streamed one off.</summary>
    public void Append(ReadOnlySpan<byte> text)
    {
        if (_mode == Mode.None)
        {
            _misused = true;
            return;
        }
        int count = Math.Min(text.Length, Room);
        text.Slice(0, count).CopyTo(_body.AsSpan(Prefix + _bodyLength));
        _bodyLength += count;
        if (count < text.Length)
            _overflowed = true;
    }

    /// <summary>Appends <paramref name="value"/> in decimal.</summary>
    public void AppendDecimal(long value)
    {
        Span<byte> text = stackalloc byte[21];
        int length = 0;
        ulong magnitude = (ulong)value;
        if (value < 0)
        {
            text[length++] = (byte)'-';
            magnitude = (ulong)(-(value + 1)) + 1;
        }
        length += HttpText.WriteDecimal(text.Slice(length), magnitude);
        Append(text.Slice(0, length));
    }

    /// <summary>Appends <paramref name="value"/> in lower-case hex, with leading zeros to at least <paramref name="minimumDigits"/> digits.</summary>
    public void AppendHex(ulong value, int minimumDigits = 1)
    {
        Span<byte> digits = stackalloc byte[16];
        int start = digits.Length;
        do
        {
            digits[--start] = HttpText.HexDigit((int)(value & 0xF));
            value >>= 4;
        }
        while (start > 0 && (value != 0 || digits.Length - start < minimumDigits));
        Append(digits.Slice(start));
    }

    /// <summary>Appends each byte as two lower-case hex digits (a digest).</summary>
    public void AppendHex(ReadOnlySpan<byte> bytes)
    {
        Span<byte> pair = stackalloc byte[2];
        for (int i = 0; i < bytes.Length; i++)
        {
            pair[0] = HttpText.HexDigit(bytes[i] >> 4);
            pair[1] = HttpText.HexDigit(bytes[i] & 0xF);
            Append(pair);
        }
    }

    /// <summary>Appends text with HTML's special characters escaped (text from a request shown on a page).</summary>
    public void AppendHtmlEscaped(ReadOnlySpan<byte> text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            byte c = text[i];
            if (c == '<')
                Append("&lt;"u8);
            else if (c == '>')
                Append("&gt;"u8);
            else if (c == '&')
                Append("&amp;"u8);
            else if (c == '"')
                Append("&quot;"u8);
            else if (c == '\'')
                Append("&#39;"u8);
            else
                Append(text.Slice(i, 1));
        }
    }

    /// <summary>The streamed body is complete with what has been appended.</summary>
    public void EndBody()
    {
        if (_mode != Mode.Streamed)
        {
            _misused = true;
            return;
        }
        _bodyEnded = true;
    }

    private void Begin(Mode mode, HttpStatus status, ReadOnlySpan<byte> contentType)
    {
        if (_mode != Mode.None || (int)status < 100 || (int)status > 999)
        {
            _misused = true;
            return;
        }
        _mode = mode;
        Status = status;
        _headLength = 0;
        AppendHead("HTTP/1.1 "u8);
        Span<byte> code = stackalloc byte[3];
        HttpText.WriteDecimal(code, (ulong)status);
        AppendHead(code);
        AppendHead(" "u8);
        AppendHead(HttpReasonPhrase.Of(status));
        AppendHead("\r\n"u8);
        if (!contentType.IsEmpty)
            Header("Content-Type"u8, contentType);
    }

    private void AppendHead(ReadOnlySpan<byte> text)
    {
        text.CopyTo(_head.AsSpan(_headLength));
        _headLength += text.Length;
    }

    // What the server does with the response: internal.

    /// <summary>A new exchange on the connection: nothing written, nothing pending.</summary>
    internal void Reset(HttpMethod method, HttpVersion version)
    {
        Method = method;
        Version = version;
        Tag = 0;
        BodyReceived = 0;
        Status = 0;
        ClosesConnection = false;
        _mode = Mode.None;
        _headLength = _headSent = _continueSent = 0;
        _continuePending = false;
        _bodyLength = _sendFrom = _sendTo = 0;
        _declaredLength = -1;
        _bodyWritten = 0;
        _bodyEnded = _omitBody = _overflowed = _misused = false;
    }

    /// <summary>Queues the interim 100 Continue (RFC 9110 section 15.2.1), sent before anything else.</summary>
    internal void QueueContinue()
    {
        _continuePending = true;
        _continueSent = 0;
    }

    /// <summary>
    /// The server's fixed error page: the status, its phrase and <paramref name="reason"/> as
    /// plain text, and a close. Replaces whatever the handler wrote.
    /// </summary>
    internal void WriteErrorPage(HttpStatus status, ReadOnlySpan<byte> reason)
    {
        bool continuePending = _continuePending;
        int continueSent = _continueSent;
        Reset(Method, Version);
        _continuePending = continuePending;
        _continueSent = continueSent;
        Start(status, "text/plain; charset=utf-8"u8);
        AppendDecimal((long)status);
        Append(" "u8);
        Append(HttpReasonPhrase.Of(status));
        Append(": "u8);
        Append(reason);
        Append("\n"u8);
        ClosesConnection = true;
    }

    /// <summary>
    /// Ends the head with the framing fields and makes the first body bytes ready to send; a
    /// response the handler got wrong (none, too large, misused) becomes a 500 first.
    /// </summary>
    internal void Seal(bool keepAlive, bool omitBody)
    {
        if (_mode == Mode.None)
            WriteErrorPage(HttpStatus.InternalServerError, "the handler gave no response"u8);
        else if (_misused)
            WriteErrorPage(HttpStatus.InternalServerError, "the handler wrote a malformed response"u8);
        else if (_overflowed && _mode == Mode.Buffered)
            WriteErrorPage(HttpStatus.InternalServerError, "the response is larger than the response buffer"u8);
        // RFC 9110 sections 6.4.1 and 8.6: no content and no Content-Length in 1xx, 204 and 304.
        bool noContent = (int)Status < 200 || Status == HttpStatus.NoContent || Status == HttpStatus.NotModified;
        _omitBody = omitBody || noContent;
        if (!keepAlive)
            ClosesConnection = true;
        if (_mode == Mode.Streamed && _declaredLength < 0)
        {
            _framing = Version == HttpVersion.Http11 ? Framing.Chunked : Framing.UntilClose;
            if (_framing == Framing.UntilClose)
                ClosesConnection = true;
        }
        else
            _framing = Framing.Length;

        if (!noContent)
        {
            if (_framing == Framing.Chunked)
                AppendHead("Transfer-Encoding: chunked\r\n"u8);
            else if (_framing == Framing.Length)
            {
                AppendHead("Content-Length: "u8);
                Span<byte> digits = stackalloc byte[20];
                int count = HttpText.WriteDecimal(digits, (ulong)(_mode == Mode.Streamed ? _declaredLength : _bodyLength));
                AppendHead(digits.Slice(0, count));
                AppendHead("\r\n"u8);
            }
        }
        if (ClosesConnection)
            AppendHead("Connection: close\r\n"u8);
        else if (Version == HttpVersion.Http10)
            AppendHead("Connection: keep-alive\r\n"u8);
        AppendHead("\r\n"u8);
        _headSent = 0;

        if (_mode == Mode.Buffered)
            _bodyEnded = true;
        if (_omitBody)
        {
            _bodyEnded = true;
            _bodyLength = 0;
            _sendFrom = _sendTo = 0;
            return;
        }
        FrameBody();
    }

    /// <summary>A streamed response that wants more body: everything before is sent and the body is not ended.</summary>
    internal bool WantsBody => _mode == Mode.Streamed && !_bodyEnded && !HasPendingSend;

    /// <summary>A streamed response the handler broke: more than it declared, less at its end, or more than the room.</summary>
    internal bool IsBroken { get; private set; }

    /// <summary>Everything of the response is queued on the connection.</summary>
    internal bool IsComplete => _bodyEnded && !HasPendingSend;

    private bool HasPendingSend => _continuePending || _headSent < _headLength || _sendFrom < _sendTo;

    /// <summary>The body appended since the last framing, framed (a chunk, or as it is) and ready to send.</summary>
    internal void FrameBody()
    {
        int end = Prefix;
        _sendFrom = Prefix;
        int length = _bodyLength;
        if (length > 0)
        {
            if (_framing == Framing.Chunked)
            {
                _sendFrom = Prefix - ChunkedBodyWriter.WriteSizeLineBefore(_body.AsSpan(0, Prefix), length);
                end = Prefix + length;
                ChunkedBodyWriter.ChunkEnd.CopyTo(_body.AsSpan(end));
                end += ChunkedBodyWriter.ChunkEnd.Length;
            }
            else
                end = Prefix + length;
            _bodyWritten += length;
        }
        if (_mode == Mode.Streamed)
        {
            if (_overflowed || (_framing == Framing.Length && _bodyWritten > _declaredLength)
                || (_bodyEnded && _framing == Framing.Length && _bodyWritten != _declaredLength))
                IsBroken = true;
            if (_bodyEnded && _framing == Framing.Chunked)
            {
                ChunkedBodyWriter.LastChunk.CopyTo(_body.AsSpan(end));
                end += ChunkedBodyWriter.LastChunk.Length;
            }
        }
        _sendTo = end;
        _bodyLength = 0;
    }

    /// <summary>Queues what is pending (the interim response, the head, the body) on the connection as far as its send buffer takes it.</summary>
    internal HttpSendResult Send(TcpSocketSet tcp, TcpHandle connection, out bool progressed)
    {
        progressed = false;
        if (_continuePending)
        {
            var line = "HTTP/1.1 100 Continue\r\n\r\n"u8;
            if (!SendRun(tcp, connection, line, ref _continueSent, ref progressed))
                return _continueSent < 0 ? HttpSendResult.Failed : HttpSendResult.Pending;
            _continuePending = false;
        }
        if (!SendRun(tcp, connection, _head.AsSpan(0, _headLength), ref _headSent, ref progressed))
            return _headSent < 0 ? HttpSendResult.Failed : HttpSendResult.Pending;
        int sent = 0;
        bool done = SendRun(tcp, connection, _body.AsSpan(_sendFrom, _sendTo - _sendFrom), ref sent, ref progressed);
        if (sent < 0)
            return HttpSendResult.Failed;
        _sendFrom += sent;
        return done ? HttpSendResult.Done : HttpSendResult.Pending;
    }

    /// <summary>Sends <paramref name="bytes"/> from <paramref name="sent"/> on; true when all are queued; <paramref name="sent"/> is -1 when the connection can send no more.</summary>
    private static bool SendRun(TcpSocketSet tcp, TcpHandle connection, ReadOnlySpan<byte> bytes, ref int sent, ref bool progressed)
    {
        if (sent >= bytes.Length)
            return true;
        int taken = tcp.Send(connection, bytes.Slice(sent));
        if (taken < 0)
        {
            sent = -1;
            return false;
        }
        if (taken > 0)
            progressed = true;
        sent += taken;
        return sent >= bytes.Length;
    }
}
