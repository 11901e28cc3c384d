using Unikernel.Boot.Image;
using Unikernel.Net;
using Unikernel.Net.Http;

namespace Unikernel.Netboot.Web;

/// <summary>
/// The bootloader's web page on TCP port 80, both families: the board's status and a form that
/// uploads a kernel (<see cref="WebPageHandler{TDestination, TBoard}"/>), beside the upload
/// service on port 1337, which it never stops: it serves a few connections at a time with their
/// own limits (a malformed, too large or too slow request gets 400, 413 or 408 and is closed),
/// and shares the receiver with port 1337 through an <see cref="UploadSlot"/>, one upload at a time.
/// </summary>
public sealed class WebPageService<TDestination, TBoard>
    where TDestination : struct, IPayloadDestination
    where TBoard : struct, IWebPageBoard
{
    /// <summary>Connections served at once; more are answered 503 and closed.</summary>
    public const int Connections = 3;

    /// <summary>How long, after a good kernel's answer, to wait for the browser or curl to take it before the jump anyway.</summary>
    public const long AnswerTimeoutMilliseconds = 1_000;

    private readonly HttpServer<WebPageHandler<TDestination, TBoard>> _server;

    /// <summary>
    /// Listens on <paramref name="options"/>' port (80 by default); the largest upload it takes
    /// is <paramref name="memoryBytes"/> (the receiver refuses what does not fit where it goes).
    /// </summary>
    public WebPageService(NetworkInterface stack, KernelReceiver<TDestination> receiver, UploadSlot slot, UploadHistory history, ulong memoryBytes, HttpServerOptions options)
    {
        options.MaxBodyBytes = (long)Math.Min(memoryBytes, (ulong)long.MaxValue);
        // Idle clients beyond the few served must not fill the connection table port 1337 needs.
        options.RefuseWhenFull = true;
        _server = new HttpServer<WebPageHandler<TDestination, TBoard>>(stack, new WebPageHandler<TDestination, TBoard>(stack, receiver, slot, history, memoryBytes), Connections, options);
    }

    /// <summary>With the default limits on port 80.</summary>
    public WebPageService(NetworkInterface stack, KernelReceiver<TDestination> receiver, UploadSlot slot, UploadHistory history, ulong memoryBytes)
        : this(stack, receiver, slot, history, memoryBytes, HttpServerOptions.Default)
    {
    }

    public bool IsListening => _server.IsListening;

    /// <summary>The HTTP server (its counters).</summary>
    public HttpServer<WebPageHandler<TDestination, TBoard>> Server => _server;

    /// <summary>When <see cref="Step"/> must run by the clock alone.</summary>
    public long NextStepAt
    {
        get
        {
            long next = _server.NextStepAt;
            ref var handler = ref _server.Handler;
            if (handler.ReadyConnection >= 0 && handler.ReadyAt + AnswerTimeoutMilliseconds < next)
                next = handler.ReadyAt + AnswerTimeoutMilliseconds;
            return next;
        }
    }

    /// <summary>
    /// One turn of the main loop; true when a kernel uploaded through the page is in place and
    /// its answer has reached the client (its connection closed) or the wait for that ran out:
    /// jump to the receiver's entry point.
    /// </summary>
    public bool Step(long now)
    {
        _server.Step(now);
        ref var handler = ref _server.Handler;
        int ready = handler.ReadyConnection;
        return ready >= 0 && (!_server.IsServing(ready) || now - handler.ReadyAt >= AnswerTimeoutMilliseconds);
    }
}
