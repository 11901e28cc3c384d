using System.Net;
using System.Net.Sockets;
using System.Text;
using Unikernel.Boot.Image;
using Unikernel.Netboot;
using Unikernel.Tests.Netboot;
using Unikernel.Tool.HostStack;

namespace Unikernel.Tests.Image;

/// <summary>
/// The bootloader's side of an upload on a loopback address (docs/image-format.md): takes one
/// connection, reads what comes, answers as <see cref="Behaviour"/> says. An honest bootloader
/// is the real upload service (src/Netboot) on our network stack, the loopback connection
/// relayed to it over a <see cref="MemoryWire"/>; the others misbehave on purpose.
/// <see cref="Received"/> holds every byte it read.
/// </summary>
public sealed class FakeBootloader : IDisposable
{
    public enum Behaviour
    {
        /// <summary>The upload service: checks the header and hash, answers ok or error.</summary>
        Honest,
        /// <summary>The upload service with 1 MiB of memory: refuses a longer payload at its header, at once, then reads and drops the rest.</summary>
        RefuseAfterHeader,
        /// <summary>Reads to the end, answers ok with another hash.</summary>
        WrongHash,
        /// <summary>Reads to the end, closes without a word.</summary>
        Silent,
        /// <summary>Reads to the end, never answers nor closes.</summary>
        Hang,
        /// <summary>Reads the header, then resets the connection.</summary>
        ResetAfterHeader,
        /// <summary>Reads to the end, answers like a web server.</summary>
        NotABootloader,
    }

    private readonly TcpListener _listener;
    private readonly Task _serving;
    private readonly MemoryStream _received = new();
    private readonly TaskCompletionSource _release = new();

    public FakeBootloader(Behaviour behaviour, IPAddress? address = null, AddressRange[]? forbidden = null)
    {
        _listener = new TcpListener(address ?? IPAddress.Loopback, 0);
        _listener.Start();
        _serving = Task.Run(() => Serve(behaviour, forbidden ?? []));
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Address => ((IPEndPoint)_listener.LocalEndpoint).Address.ToString();

    /// <summary>Everything read from the uploader, after the connection is over.</summary>
    public byte[] Received
    {
        get
        {
            _release.TrySetResult();
            _serving.Wait(TimeSpan.FromSeconds(10));
            return _received.ToArray();
        }
    }

    private async Task Serve(Behaviour behaviour, AddressRange[] forbidden)
    {
        using var client = await _listener.AcceptTcpClientAsync();
        var socket = client.Client;
        var stream = client.GetStream();
        if (behaviour is Behaviour.Honest or Behaviour.RefuseAfterHeader)
        {
            Relay(socket, new AddressRange(0, behaviour == Behaviour.Honest ? ulong.MaxValue : 1 << 20), forbidden);
            return;
        }
        if (behaviour == Behaviour.ResetAfterHeader)
        {
            await ReadExactly(stream, KernelImage.FixedHeaderLength);
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
            return;
        }

        await ReadToEnd(stream);
        byte[] data = _received.ToArray();
        string reply;
        switch (behaviour)
        {
            case Behaviour.Silent:
                return;
            case Behaviour.Hang:
                await _release.Task;
                return;
            case Behaviour.NotABootloader:
                reply = "HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n";
                break;
            default:
                // WrongHash: an ok for what came, with a hash of zeros.
                KernelImage.TryParse(data, uint.MaxValue, forbidden, out var image, out _);
                reply = $"ok {data.Length - image.HeaderLength} sha256 {new string('0', 64)}, jumping to 0x{image.EntryPoint:x}\n";
                break;
        }
        await stream.WriteAsync(Encoding.ASCII.GetBytes(reply));
        socket.Shutdown(SocketShutdown.Send);
    }

    /// <summary>
    /// The loopback connection relayed to the upload service on our stack: what the uploader
    /// sends goes out from the peer's stack, what the service answers comes back, until the
    /// service closes. The stacks' clock moves a millisecond a turn, no faster than real time
    /// when nothing moves, so the service's idle timeout keeps its meaning.
    /// </summary>
    private void Relay(Socket socket, AddressRange memory, AddressRange[] forbidden)
    {
        var link = new UploadLink<DiscardedPayload, RecordedReport>(stack => new NetbootService<DiscardedPayload, RecordedReport>(
            stack, new KernelReceiver<DiscardedPayload>(memory, forbidden, default) { StartsLinux = true }, new RecordedReport([])), boardReceiveBuffer: 64 * 1024);
        var connection = link.Connect();
        var buffer = new byte[16 * 1024];
        int pending = 0;
        bool uploaderDone = false;
        while (true)
        {
            bool moved = false;
            if (pending == 0 && !uploaderDone && socket.Poll(0, SelectMode.SelectRead))
            {
                pending = socket.Receive(buffer);
                uploaderDone = pending == 0;
                _received.Write(buffer, 0, pending);
                if (uploaderDone)
                    link.Peer.Tcp.Close(connection);
            }
            if (pending > 0)
            {
                int sent = link.Peer.Tcp.Send(connection, buffer.AsSpan(0, pending));
                buffer.AsSpan(sent, pending - sent).CopyTo(buffer);
                pending -= sent;
                moved = sent > 0;
            }
            link.Step();
            string reply = link.ReplySoFar(connection);
            if (reply.Length > 0)
            {
                socket.Send(Encoding.ASCII.GetBytes(reply));
                moved = true;
            }
            if (link.Peer.Tcp.IsReceiveFinished(connection))
                break;
            if (!moved)
                Thread.Sleep(1);
        }
        socket.Shutdown(SocketShutdown.Send);
    }

    private async Task ReadExactly(NetworkStream stream, int count)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer);
        _received.Write(buffer);
    }

    private async Task ReadToEnd(NetworkStream stream)
    {
        var buffer = new byte[65536];
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
            _received.Write(buffer, 0, read);
    }

    public void Dispose()
    {
        _release.TrySetResult();
        _listener.Stop();
        try
        {
            _serving.Wait(TimeSpan.FromSeconds(10));
        }
        catch (AggregateException)
        {
            // A connection the test broke on purpose.
        }
    }
}
