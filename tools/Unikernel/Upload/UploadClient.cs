using System.Net.Sockets;
using System.Text;

namespace Unikernel.Tool.Upload;

/// <summary>
/// One upload over TCP: connect, send header and payload, half-close, then read the
/// bootloader's reply until it closes (docs/image-format.md, "The upload reply").
/// </summary>
/// <param name="timeout">For the connection, for each send and for each wait for reply bytes.</param>
public sealed class UploadClient(TimeSpan timeout)
{
    /// <summary>Bytes handed to the socket per send, and between progress reports.</summary>
    public const int ChunkLength = 64 * 1024;

    /// <summary>Sends <paramref name="image"/>, reporting bytes sent so far; throws <see cref="UploadFailure"/> on a network failure.</summary>
    public BootloaderReply Send(UploadTarget target, UploadImage image, Action<long>? progress = null)
    {
        using var socket = Connect(target);
        socket.SendTimeout = (int)timeout.TotalMilliseconds;
        socket.ReceiveTimeout = (int)timeout.TotalMilliseconds;

        long sent = 0;
        SocketException? sendError = null;
        try
        {
            sent += SendAll(socket, image.Header);
            for (int offset = 0; offset < image.Payload.Length; offset += ChunkLength)
            {
                sent += SendAll(socket, image.Payload.AsSpan(offset, Math.Min(ChunkLength, image.Payload.Length - offset)));
                progress?.Invoke(sent);
            }
            progress?.Invoke(sent);
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException error)
        {
            // The bootloader may have refused the image and closed: its reply says why, if it came.
            sendError = error;
        }

        string text = ReadReply(socket, target, sendError is null);
        var reply = BootloaderReply.Parse(text);
        if (sendError is not null && reply.Lines.Count == 0)
        {
            throw new UploadFailure(sendError.SocketErrorCode == SocketError.TimedOut
                ? $"{target} stopped taking data after {sent} of {image.Length} bytes (no progress for {timeout.TotalSeconds:0.#} s)"
                : $"{target} broke the connection after {sent} of {image.Length} bytes ({Describe(sendError)}), without a reply");
        }
        return reply;
    }

    private Socket Connect(UploadTarget target)
    {
        var socket = new Socket(target.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = false };
        try
        {
            using var cancel = new CancellationTokenSource(timeout);
            socket.ConnectAsync(target.EndPoint, cancel.Token).AsTask().GetAwaiter().GetResult();
            return socket;
        }
        catch (OperationCanceledException)
        {
            socket.Dispose();
            throw new UploadFailure($"no answer from {target} within {timeout.TotalSeconds:0.#} s: is the board up, on this link and with this address? (--timeout waits longer)");
        }
        catch (SocketException error)
        {
            socket.Dispose();
            throw new UploadFailure(error.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => $"{target} refused the connection: nothing listens there (the bootloader listens on port {UploadTarget.DefaultPort} once it has an address)",
                SocketError.NetworkUnreachable or SocketError.HostUnreachable or SocketError.AddressNotAvailable or SocketError.NetworkDown =>
                    $"{target} is unreachable ({Describe(error)}): check the address{(target.EndPoint.Address.IsIPv6LinkLocal ? " and the interface after %" : " and this machine's route to it")}",
                SocketError.TimedOut => $"no answer from {target} within {timeout.TotalSeconds:0.#} s: is the board up, on this link and with this address?",
                _ => $"cannot connect to {target}: {Describe(error)}",
            });
        }
    }

    private static int SendAll(Socket socket, ReadOnlySpan<byte> data)
    {
        int total = 0;
        while (total < data.Length)
            total += socket.Send(data[total..]);
        return total;
    }

    /// <summary>Everything the bootloader sends until it closes; what came before a reset or a timeout when it does not.</summary>
    private string ReadReply(Socket socket, UploadTarget target, bool complain)
    {
        var text = new StringBuilder();
        var buffer = new byte[4096];
        var decoder = Encoding.UTF8.GetDecoder();
        var chars = new char[Encoding.UTF8.GetMaxCharCount(buffer.Length)];
        while (true)
        {
            int read;
            try
            {
                read = socket.Receive(buffer);
            }
            catch (SocketException error)
            {
                if (!complain || text.Length > 0)
                    break;
                throw new UploadFailure(error.SocketErrorCode == SocketError.TimedOut
                    ? $"no reply from {target} within {timeout.TotalSeconds:0.#} s after the upload"
                    : $"{target} broke the connection before replying ({Describe(error)})");
            }
            if (read == 0)
                break;
            int count = decoder.GetChars(buffer, 0, read, chars, 0);
            text.Append(chars, 0, count);
        }
        return text.ToString();
    }

    private static string Describe(SocketException error) => $"{error.SocketErrorCode}: {error.Message}";
}
