using Unikernel.Boot.Image;
using Unikernel.Net;
using Unikernel.Net.Http;
using Unikernel.Netboot;

namespace Unikernel.Tool.HostStack;

/// <summary>
/// hoststack's TCP services: echo on port 7 (RFC 862), discard on port 9 (RFC 863, as the
/// bootloader) and the bootloader's upload service on port 1337
/// (<see cref="NetbootService{TDestination, TReport}"/>), one instance per connection so uploads
/// run side by side; kernels are checked, other streams hashed (<see cref="UploadLog"/>); and
/// HTTP on port 80 (<see cref="HostStackSite"/>).
/// </summary>
public sealed class TcpServices
{
    private readonly NetworkInterface _stack;
    private readonly NetbootService<DiscardedPayload, UploadLog>[] _uploads;
    private readonly List<TcpHandle> _echoes = [];
    private readonly DiscardService<DiscardLog> _discard;
    private readonly HttpServer<HostStackSite> _http;

    /// <summary>HTTP connections served at once.</summary>
    private const int HttpConnections = 8;

    /// <param name="hash">false: streams that are not kernel images are only counted, as the lwIP sink of the bench does.</param>
    public TcpServices(NetworkInterface stack, int connections, Action<string> say, bool hash = true)
    {
        _stack = stack;
        _uploads = new NetbootService<DiscardedPayload, UploadLog>[connections];
        // The host has no DRAM map: any load range is fine, as long as it does not wrap.
        var memory = new AddressRange(0, ulong.MaxValue);
        for (int i = 0; i < connections; i++)
        {
            _uploads[i] = new(stack, new KernelReceiver<DiscardedPayload>(memory, [], default) { StartsLinux = true }, new UploadLog(say, hash));
            if (!_uploads[i].IsListening)
                throw new InvalidOperationException($"cannot listen on TCP port {HostStackCommand.UploadPort}");
        }
        if (!stack.Tcp.Listen(HostStackCommand.EchoPort))
            throw new InvalidOperationException($"cannot listen on TCP port {HostStackCommand.EchoPort}");
        _discard = new DiscardService<DiscardLog>(stack, new DiscardLog(say));
        if (!_discard.IsListening)
            throw new InvalidOperationException($"cannot listen on TCP port {HostStackCommand.DiscardPort}");
        var options = HttpServerOptions.Default;
        options.MaxBodyBytes = long.MaxValue;
        _http = new HttpServer<HostStackSite>(stack, new HostStackSite(say, HttpConnections), HttpConnections, options);
        if (!_http.IsListening)
            throw new InvalidOperationException($"cannot listen on TCP port {options.Port}");
    }

    /// <summary>One line per upload not finished yet: how far it got, for a report when hoststack stops.</summary>
    public IEnumerable<string> PendingUploads(long now)
    {
        foreach (var upload in _uploads)
        {
            if (upload.Busy)
            {
                yield return $"tcp {HostStackCommand.UploadPort} upload not finished: {upload.Receiver.Received} bytes read in {upload.Elapsed(now)} ms, " +
                    $"state {upload.ConnectionState}, peer closed and all read {upload.PeerFinished()}";
            }
        }
    }

    public void Run(long now)
    {
        foreach (var upload in _uploads)
            upload.Step(now);
        _discard.Step(now);
        _http.Step(now);

        while (_stack.Tcp.TryAccept(HostStackCommand.EchoPort, out TcpHandle connection))
            _echoes.Add(connection);
        for (int i = _echoes.Count - 1; i >= 0; i--)
        {
            TcpHandle connection = _echoes[i];
            // Only what the send buffer takes is read, so nothing is lost when the peer reads slowly.
            while (_stack.Tcp.TryPeekReceived(connection, out var data) && data.Length > 0)
            {
                int sent = _stack.Tcp.Send(connection, data);
                if (sent <= 0)
                    break;
                _stack.Tcp.Consume(connection, sent);
            }
            if (_stack.Tcp.IsReceiveFinished(connection))
            {
                _stack.Tcp.Close(connection);
                _echoes.RemoveAt(i);
            }
        }
    }
}
