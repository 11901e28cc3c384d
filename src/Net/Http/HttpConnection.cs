namespace Unikernel.Net.Http;

/// <summary>
/// What an <see cref="HttpServer{THandler}"/> keeps for one connection, made once with the server.
/// A struct in an array, as TCP's sockets: an array of classes would need the runtime's
/// covariant store check, which our corelib does not have.
/// </summary>
internal struct HttpConnection
{
    public enum Phase : byte
    {
        /// <summary>No connection: the next one accepted comes here.</summary>
        Free,
        ReadingHead,
        ReadingBody,
        Responding,
        /// <summary>Our side closed: what the peer still sends is read and dropped until it closes too.</summary>
        Draining,
    }

    public enum BodyFraming : byte
    {
        None,
        Length,
        Chunked,
    }

    public HttpConnection(int index, in HttpServerOptions options)
    {
        Head = new byte[options.MaxHeadBytes];
        Response = new HttpResponse(index, options.ResponseBufferBytes);
    }

    public TcpHandle Handle;
    public Phase State;

    /// <summary>When the phase under way times out.</summary>
    public long Deadline;

    /// <summary>When our side was closed (the linger counts from it).</summary>
    public long ClosedAt;

    /// <summary>The head gathered here when it does not arrive in one contiguous run of the receive buffer.</summary>
    public byte[] Head;
    public int HeadLength;
    public HttpHeadScanner Scanner;

    /// <summary>No request has been read on the connection yet (an idle first connection gets a 408, a kept-alive one a quiet close).</summary>
    public bool FirstRequest;

    public BodyFraming Body;
    public long BodyLeft;
    public ChunkedBodyDecoder Decoder;

    public bool KeepAlive;
    public bool OmitBody;

    /// <summary>The handler has seen the request and not yet a complete response or <see cref="IHttpHandler.Aborted"/>.</summary>
    public bool HandlerInvolved;

    public HttpResponse Response;
}
