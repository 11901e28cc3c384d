namespace Unikernel.Net.Http;

/// <summary>
/// An HTTP/1.1 server (RFC 9112) on a TCP port of a <see cref="NetworkInterface"/>, both
/// families, serving up to a fixed number of connections at once, driven by
/// <see cref="Step"/> from the main loop. Each connection is a small state machine: read the
/// head (in place in the receive buffer when it lies there in one piece, else gathered into
/// the connection's head buffer), hand it to <typeparamref name="THandler"/>, stream the body
/// to it as it arrives (Content-Length or chunked), send its response across as many steps as
/// it takes, then the next request (keep-alive, pipelining) or the close. Everything is made by
/// the constructor: nothing is allocated per request. A bad client is answered with a small
/// error page and closed; the other connections go on.
/// </summary>
/// <typeparam name="THandler">The application: routes requests and writes responses (<see cref="IHttpHandler"/>).</typeparam>
public sealed class HttpServer<THandler>
    where THandler : struct, IHttpHandler
{
    /// <summary>How many phase changes one connection may make in a step, so pipelined requests cannot hold the loop.</summary>
    private const int TurnsPerStep = 16;

    private readonly TcpSocketSet _tcp;
    private readonly HttpServerOptions _options;
    private readonly HttpConnection[] _connections;
    private THandler _handler;
    private long _now;

    /// <summary>A connection used up its turns in the last step with work left (pipelined requests): step again at once.</summary>
    private bool _turnsRanOut;

    /// <summary>
    /// Listens on <paramref name="options"/>' port with room for <paramref name="connections"/>
    /// at once (each with its head and response buffers); false from <see cref="IsListening"/>
    /// if no listener slot was free. Limits below a sane minimum are raised to it.
    /// </summary>
    public HttpServer(NetworkInterface stack, THandler handler, int connections, HttpServerOptions options)
    {
        _tcp = stack.Tcp;
        _handler = handler;
        // The error pages must fit: a head of at least a request line, a body of at least a page.
        options.MaxHeadBytes = Math.Max(options.MaxHeadBytes, 256);
        options.ResponseBufferBytes = Math.Max(options.ResponseBufferBytes, 256);
        options.MaxBodyBytes = Math.Max(options.MaxBodyBytes, 0);
        _options = options;
        _connections = new HttpConnection[Math.Max(connections, 1)];
        for (int i = 0; i < _connections.Length; i++)
            _connections[i] = new HttpConnection(i, in _options);
        IsListening = _tcp.Listen(options.Port);
    }

    /// <summary>A server on port 80 with the default limits.</summary>
    public HttpServer(NetworkInterface stack, THandler handler, int connections)
        : this(stack, handler, connections, HttpServerOptions.Default)
    {
    }

    public bool IsListening { get; }

    public ushort Port => _options.Port;

    /// <summary>The handler, with whatever state it keeps.</summary>
    public ref THandler Handler => ref _handler;

    /// <summary>Connections being served now.</summary>
    public int ActiveConnections
    {
        get
        {
            int count = 0;
            for (int i = 0; i < _connections.Length; i++)
            {
                if (_connections[i].State != HttpConnection.Phase.Free)
                    count++;
            }
            return count;
        }
    }

    /// <summary>
    /// True while <paramref name="connection"/> (<see cref="HttpResponse.Connection"/>) is open:
    /// a response is not known to have reached the client until the connection it closed is free
    /// (the client closed too, or the linger ended).
    /// </summary>
    public bool IsServing(int connection) =>
        (uint)connection < (uint)_connections.Length && _connections[connection].State != HttpConnection.Phase.Free;

    /// <summary>Requests answered with an error page by the server itself (malformed, too large, timed out).</summary>
    public ulong Refused { get; private set; }

    /// <summary>Requests handed to the handler.</summary>
    public ulong Requests { get; private set; }

    /// <summary>
    /// When <see cref="Step"/> must run by the clock alone: the earliest timeout, or the next
    /// millisecond while a streamed response waits for its handler; <see cref="long.MaxValue"/>
    /// with no connection (only a frame brings work then).
    /// </summary>
    public long NextStepAt
    {
        get
        {
            if (_turnsRanOut)
                return _now;
            long next = long.MaxValue;
            for (int i = 0; i < _connections.Length; i++)
            {
                ref HttpConnection connection = ref _connections[i];
                if (connection.State == HttpConnection.Phase.Free)
                    continue;
                long due = connection.State == HttpConnection.Phase.Responding && connection.Response.WantsBody ? _now + 1 : connection.Deadline;
                if (due < next)
                    next = due;
            }
            return next;
        }
    }

    /// <summary>One turn of the main loop: accept what waits, read, answer and send on every connection.</summary>
    public void Step(long now)
    {
        _now = now;
        _turnsRanOut = false;
        for (int i = 0; i < _connections.Length; i++)
        {
            ref HttpConnection connection = ref _connections[i];
            if (connection.State == HttpConnection.Phase.Free)
            {
                if (!_tcp.TryAccept(_options.Port, out connection.Handle))
                    continue;
                connection.FirstRequest = true;
                connection.Response.Peer = _tcp.RemoteOf(connection.Handle);
                StartReadingHead(ref connection, now + _options.RequestTimeoutMilliseconds);
            }
            Advance(ref connection, now);
        }
        if (_options.RefuseWhenFull)
            RefuseTheRest();
    }

    /// <summary>Every slot taken: what still waits for the port is told so and closed (<see cref="HttpServerOptions.RefuseWhenFull"/>).</summary>
    private void RefuseTheRest()
    {
        while (_tcp.TryAccept(_options.Port, out TcpHandle waiting))
        {
            _tcp.Send(waiting, Busy);
            _tcp.Close(waiting);
            Refused++;
        }
    }

    /// <summary>The whole answer to a connection refused for want of a slot (RFC 9110 15.6.4).</summary>
    private static ReadOnlySpan<byte> Busy => "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 27\r\nRetry-After: 5\r\nConnection: close\r\n\r\nbusy: too many connections\n"u8;

    private void Advance(ref HttpConnection connection, long now)
    {
        if (_tcp.WasReset(connection.Handle) || _tcp.StateOf(connection.Handle) == TcpState.Closed)
        {
            Abandon(ref connection);
            return;
        }
        for (int turn = 0; turn < TurnsPerStep; turn++)
        {
            var before = connection.State;
            switch (connection.State)
            {
                case HttpConnection.Phase.ReadingHead:
                    ReadHead(ref connection, now);
                    break;
                case HttpConnection.Phase.ReadingBody:
                    ReadBody(ref connection, now);
                    break;
                case HttpConnection.Phase.Responding:
                    Respond(ref connection, now);
                    break;
                case HttpConnection.Phase.Draining:
                    Drain(ref connection, now);
                    break;
            }
            if (connection.State == before || connection.State == HttpConnection.Phase.Free)
                return;
        }
        _turnsRanOut = true;
    }

    private void StartReadingHead(ref HttpConnection connection, long deadline)
    {
        connection.State = HttpConnection.Phase.ReadingHead;
        connection.HeadLength = 0;
        connection.Scanner.Reset();
        connection.Deadline = deadline;
        // Nothing of the last exchange may shape an error page sent before the next head is read.
        connection.OmitBody = false;
        connection.Response.Reset(HttpMethod.Other, HttpVersion.Http11);
    }

    /// <summary>Reads until the head is complete; parsed in place when it came in one run, else from the head buffer.</summary>
    private void ReadHead(ref HttpConnection connection, long now)
    {
        while (_tcp.TryPeekReceived(connection.Handle, out var data) && data.Length > 0)
        {
            if (connection.Scanner.Scanned == 0 && !connection.FirstRequest)
                connection.Deadline = now + _options.RequestTimeoutMilliseconds;
            int end = connection.Scanner.Scan(data, out bool bareLineEnding);
            if (bareLineEnding)
            {
                Refuse(ref connection, now, HttpRequestError.BareLineEnding);
                return;
            }
            if (connection.Scanner.Scanned > _options.MaxHeadBytes)
            {
                Refuse(ref connection, now, HttpRequestError.HeadTooLarge);
                return;
            }
            if (end < 0)
            {
                data.CopyTo(connection.Head.AsSpan(connection.HeadLength));
                connection.HeadLength += data.Length;
                _tcp.Consume(connection.Handle, data.Length);
                continue;
            }
            if (connection.HeadLength == 0)
            {
                // The whole head in one run of the receive buffer: read where it lies.
                BeginRequest(ref connection, data.Slice(0, end), now);
            }
            else
            {
                data.Slice(0, end).CopyTo(connection.Head.AsSpan(connection.HeadLength));
                connection.HeadLength += end;
                BeginRequest(ref connection, connection.Head.AsSpan(0, connection.HeadLength), now);
            }
            _tcp.Consume(connection.Handle, end);
            return;
        }
        if (_tcp.IsReceiveFinished(connection.Handle))
        {
            // The peer closed: a head it began is answered, an idle connection just closed.
            if (connection.Scanner.Scanned > 0)
                Refuse(ref connection, now, HttpRequestError.Incomplete);
            else
                CloseQuietly(ref connection, now);
        }
        else if (now >= connection.Deadline)
        {
            if (connection.Scanner.Scanned > 0 || connection.FirstRequest)
                RefuseWith(ref connection, now, HttpStatus.RequestTimeout, "no complete request head in time"u8);
            else
                CloseQuietly(ref connection, now);
        }
    }

    /// <summary>A complete head: checked, then to the handler; its framing says what is read next.</summary>
    private void BeginRequest(ref HttpConnection connection, ReadOnlySpan<byte> head, long now)
    {
        connection.FirstRequest = false;
        var response = connection.Response;
        if (!HttpRequest.TryParse(head, out var request, out var error))
        {
            Refuse(ref connection, now, error);
            return;
        }
        response.Reset(request.Method, request.Version);
        connection.KeepAlive = request.KeepAlive;
        connection.OmitBody = request.Method == HttpMethod.Head;
        if (request.ContentLength > _options.MaxBodyBytes)
        {
            RefuseWith(ref connection, now, HttpStatus.ContentTooLarge, "the request body is larger than the server takes"u8);
            return;
        }
        connection.Body = request.IsChunked ? HttpConnection.BodyFraming.Chunked
            : request.ContentLength > 0 ? HttpConnection.BodyFraming.Length : HttpConnection.BodyFraming.None;
        connection.BodyLeft = request.ContentLength;
        connection.Decoder.Reset();
        connection.HandlerInvolved = true;
        Requests++;
        _handler.Request(in request, response);
        if (response.IsStarted || connection.Body == HttpConnection.BodyFraming.None)
        {
            FinishReading(ref connection, now);
            return;
        }
        if (request.ExpectsContinue)
            response.QueueContinue();
        connection.State = HttpConnection.Phase.ReadingBody;
        connection.Deadline = now + _options.BodyTimeoutMilliseconds;
    }

    /// <summary>Hands the body to the handler as it arrives, in the pieces the receive buffer holds.</summary>
    private void ReadBody(ref HttpConnection connection, long now)
    {
        var response = connection.Response;
        // The 100 Continue goes first: the client sends the body only once it has it.
        if (response.Send(_tcp, connection.Handle, out _) == HttpSendResult.Failed)
        {
            Abort(ref connection);
            return;
        }
        while (_tcp.TryPeekReceived(connection.Handle, out var data) && data.Length > 0)
        {
            connection.Deadline = now + _options.BodyTimeoutMilliseconds;
            int used;
            if (connection.Body == HttpConnection.BodyFraming.Length)
            {
                used = (int)Math.Min(data.Length, connection.BodyLeft);
                connection.BodyLeft -= used;
                response.BodyReceived += used;
                _handler.Body(data.Slice(0, used), response);
            }
            else
            {
                used = connection.Decoder.Decode(data, out var run);
                if (connection.Decoder.DataLength > _options.MaxBodyBytes)
                {
                    _tcp.Consume(connection.Handle, used);
                    RefuseWith(ref connection, now, HttpStatus.ContentTooLarge, "the request body is larger than the server takes"u8);
                    return;
                }
                response.BodyReceived += run.Length;
                if (!run.IsEmpty)
                    _handler.Body(run, response);
                if (connection.Decoder.Error != ChunkedBodyError.None)
                {
                    _tcp.Consume(connection.Handle, used);
                    RefuseWith(ref connection, now, HttpStatus.BadRequest, "malformed chunked body"u8);
                    return;
                }
            }
            _tcp.Consume(connection.Handle, used);
            bool ended = connection.Body == HttpConnection.BodyFraming.Length ? connection.BodyLeft == 0 : connection.Decoder.IsFinished;
            if (ended)
                connection.Body = HttpConnection.BodyFraming.None;
            if (ended || response.IsStarted)
            {
                FinishReading(ref connection, now);
                return;
            }
        }
        if (_tcp.IsReceiveFinished(connection.Handle))
            RefuseWith(ref connection, now, HttpStatus.BadRequest, "the connection closed before the body was complete"u8);
        else if (now >= connection.Deadline)
            RefuseWith(ref connection, now, HttpStatus.RequestTimeout, "the request body stalled"u8);
    }

    /// <summary>The request is read (or answered before its body was): the handler's last word, then the response.</summary>
    private void FinishReading(ref HttpConnection connection, long now)
    {
        var response = connection.Response;
        if (!response.IsStarted)
            _handler.BodyEnd(response);
        // A body not read to its end leaves the connection's framing unknown: close after the response (RFC 9110 section 10.1.1 for 100-continue).
        if (connection.Body != HttpConnection.BodyFraming.None)
            connection.KeepAlive = false;
        StartResponding(ref connection, now);
    }

    private void StartResponding(ref HttpConnection connection, long now)
    {
        connection.Response.Seal(connection.KeepAlive && !connection.Response.ClosesConnection, connection.OmitBody);
        connection.State = HttpConnection.Phase.Responding;
        connection.Deadline = now + _options.SendTimeoutMilliseconds;
    }

    /// <summary>Sends the response, asking a streamed one's handler for more whenever all before is queued.</summary>
    private void Respond(ref HttpConnection connection, long now)
    {
        var response = connection.Response;
        while (true)
        {
            var result = response.Send(_tcp, connection.Handle, out bool progressed);
            if (progressed)
                connection.Deadline = now + _options.SendTimeoutMilliseconds;
            if (result == HttpSendResult.Failed || response.IsBroken)
            {
                Abort(ref connection);
                return;
            }
            if (result == HttpSendResult.Pending)
            {
                if (now >= connection.Deadline)
                    Abort(ref connection);
                return;
            }
            if (response.IsComplete)
            {
                FinishExchange(ref connection, now);
                return;
            }
            _handler.WriteBody(response);
            response.FrameBody();
            if (!response.IsBroken && response.WantsBody)
                return; // the handler had nothing now: asked again next step
        }
    }

    private void FinishExchange(ref HttpConnection connection, long now)
    {
        connection.HandlerInvolved = false;
        if (connection.Response.ClosesConnection)
        {
            CloseQuietly(ref connection, now);
            return;
        }
        StartReadingHead(ref connection, now + _options.KeepAliveTimeoutMilliseconds);
    }

    /// <summary>
    /// After our close: read and drop until the peer closes too, or the linger runs out. While
    /// the peer has not acknowledged all we sent (FIN-WAIT-1), the send timeout is added: a reset
    /// would throw away the end of the response.
    /// </summary>
    private void Drain(ref HttpConnection connection, long now)
    {
        while (_tcp.TryPeekReceived(connection.Handle, out var data) && data.Length > 0)
            _tcp.Consume(connection.Handle, data.Length);
        if (_tcp.IsReceiveFinished(connection.Handle))
        {
            connection.State = HttpConnection.Phase.Free;
            return;
        }
        var state = _tcp.StateOf(connection.Handle);
        bool unacknowledged = state is TcpState.FinWait1 or TcpState.Closing or TcpState.LastAck;
        connection.Deadline = connection.ClosedAt + _options.LingerMilliseconds + (unacknowledged ? _options.SendTimeoutMilliseconds : 0);
        if (now >= connection.Deadline)
            Abort(ref connection);
    }

    private void Refuse(ref HttpConnection connection, long now, HttpRequestError error) =>
        RefuseWith(ref connection, now, HttpRequest.StatusFor(error), HttpRequest.Describe(error));

    /// <summary>The server's own answer to a request it will not serve: an error page, then the close.</summary>
    private void RefuseWith(ref HttpConnection connection, long now, HttpStatus status, ReadOnlySpan<byte> reason)
    {
        if (connection.HandlerInvolved)
        {
            _handler.Aborted(connection.Response);
            connection.HandlerInvolved = false;
        }
        Refused++;
        connection.Response.WriteErrorPage(status, reason);
        connection.KeepAlive = false;
        StartResponding(ref connection, now);
    }

    private void CloseQuietly(ref HttpConnection connection, long now)
    {
        _tcp.Close(connection.Handle);
        connection.State = HttpConnection.Phase.Draining;
        connection.ClosedAt = now;
        connection.Deadline = now + _options.LingerMilliseconds;
    }

    private void Abort(ref HttpConnection connection)
    {
        _tcp.Abort(connection.Handle);
        Abandon(ref connection);
    }

    /// <summary>The connection is gone: the handler hears of an exchange it did not finish, the slot is free.</summary>
    private void Abandon(ref HttpConnection connection)
    {
        if (connection.HandlerInvolved)
        {
            _handler.Aborted(connection.Response);
            connection.HandlerInvolved = false;
        }
        connection.State = HttpConnection.Phase.Free;
    }
}
