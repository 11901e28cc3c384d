using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Unikernel.Boot.Image;

namespace Unikernel.Tests.Image;

/// <summary>
/// Plays the bootloader's side of an upload on a loopback address (docs/image-format.md): takes
/// one connection, reads what comes, answers as <see cref="Behaviour"/> says. <see cref="Received"/>
/// holds every byte it read.
/// </summary>
public sealed class FakeBootloader : IDisposable
{
    public enum Behaviour
    {
        /// <summary>Reads to the end, checks the header and hash, answers ok or error as the real one would.</summary>
        Honest,
        /// <summary>Reads the header, answers an error at once, then reads and drops the rest.</summary>
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
        if (behaviour is Behaviour.RefuseAfterHeader or Behaviour.ResetAfterHeader)
        {
            await ReadExactly(stream, KernelImage.FixedHeaderLength);
            if (behaviour == Behaviour.ResetAfterHeader)
            {
                socket.LingerState = new LingerOption(true, 0);
                socket.Close();
                return;
            }
            KernelImage.Check(_received.ToArray(), 1 << 20, forbidden, out var reason);
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"error: {Encoding.UTF8.GetString(KernelImage.Describe(reason == ImageError.None ? ImageError.TooLong : reason))}\n"));
            await ReadToEnd(stream);
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
                if (!KernelImage.TryParse(data, uint.MaxValue, forbidden, out var image, out var reason))
                {
                    reply = $"error: {Encoding.UTF8.GetString(KernelImage.Describe(reason))}\n";
                    break;
                }
                byte[] payload = data[image.HeaderLength..];
                string sha = Convert.ToHexStringLower(SHA256.HashData(payload));
                if (behaviour == Behaviour.WrongHash)
                    sha = new string('0', 64);
                reply = payload.Length != image.PayloadLength
                    ? $"error: truncated payload: {payload.Length} of {image.PayloadLength} bytes\n"
                    : behaviour == Behaviour.Honest && sha != Convert.ToHexStringLower(image.PayloadSha256)
                        ? $"error: sha256 mismatch: received {sha}\n"
                        : $"ok {payload.Length} sha256 {sha}, jumping to 0x{image.EntryPoint:x}\nstarting the kernel\n";
                break;
        }
        await stream.WriteAsync(Encoding.ASCII.GetBytes(reply));
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
