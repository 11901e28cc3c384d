namespace Unikernel.Net.Http;

/// <summary>The limits of an <see cref="HttpServer{THandler}"/>; <see cref="Default"/> for a small server's, then change what differs.</summary>
public struct HttpServerOptions
{
    /// <summary>The TCP port, both families.</summary>
    public ushort Port;

    /// <summary>The longest request head (request line and fields) taken; a longer one is answered 400.</summary>
    public int MaxHeadBytes;

    /// <summary>The largest request body taken; a larger Content-Length, or a chunked body that grows past it, is answered 413.</summary>
    public long MaxBodyBytes;

    /// <summary>Bytes of response body each connection can hold: the largest buffered response, and the most a streamed one writes per <see cref="IHttpHandler.WriteBody"/>.</summary>
    public int ResponseBufferBytes;

    /// <summary>How long a request head may take from its first byte (or from the connection's start) before a 408.</summary>
    public long RequestTimeoutMilliseconds;

    /// <summary>How long a request body may pause before a 408.</summary>
    public long BodyTimeoutMilliseconds;

    /// <summary>How long a kept-alive connection may wait, idle, for its next request before it is closed without a word.</summary>
    public long KeepAliveTimeoutMilliseconds;

    /// <summary>How long a response may wait for the peer to take any of it before the connection is aborted.</summary>
    public long SendTimeoutMilliseconds;

    /// <summary>How long, after our close, what the peer still sends is read and dropped (so an unread request body does not end in a reset that loses the answer), waiting for its close.</summary>
    public long LingerMilliseconds;

    /// <summary>
    /// With every connection busy, a new one is answered 503 and closed at once instead of waiting
    /// in TCP's backlog, where a crowd of idle clients would hold the interface's connection
    /// table that other services (a bootloader's upload port) need too. Off by default.
    /// </summary>
    public bool RefuseWhenFull;

    /// <summary>Port 80, 8 KiB heads, 1 MiB bodies, 16 KiB response buffers, 10 s for a head or a stalled body, 5 s of keep-alive, 30 s to send, 2 s of linger.</summary>
    public static HttpServerOptions Default => new HttpServerOptions
    {
        Port = 80,
        MaxHeadBytes = 8 * 1024,
        MaxBodyBytes = 1024 * 1024,
        ResponseBufferBytes = 16 * 1024,
        RequestTimeoutMilliseconds = 10_000,
        BodyTimeoutMilliseconds = 10_000,
        KeepAliveTimeoutMilliseconds = 5_000,
        SendTimeoutMilliseconds = 30_000,
        LingerMilliseconds = 2_000,
    };
}
