using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Unikernel.Boot.Image;
using Unikernel.Net;

namespace Unikernel.Tool.HostStack;

/// <summary>
/// hoststack's TCP services: echo on port 7 (RFC 862) and the upload service on port 1337,
/// which reads a stream until the peer closes and prints its length and SHA-256 (what the
/// bootloader does with a kernel before running it).
/// </summary>
/// <remarks>With <c>hash</c> false the upload service only counts, as the lwIP sink of the bench does.</remarks>
public sealed class TcpServices(NetworkInterface stack, Action<string> say, bool hash = true)
{
    private readonly List<Upload> _uploads = [];
    private readonly List<TcpHandle> _echoes = [];
    private readonly byte[] _buffer = new byte[256 * 1024];

    private sealed class Upload(TcpHandle connection)
    {
        public TcpHandle Connection { get; } = connection;
        public IncrementalHash Hash { get; } = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        public long Length { get; set; }
        public Stopwatch Clock { get; } = Stopwatch.StartNew();

        /// <summary>The first bytes, kept to tell a kernel image (docs/image-format.md) from a raw stream.</summary>
        public byte[] Head { get; } = new byte[KernelImage.FixedHeaderLength];

        /// <summary>The SHA-256 of everything after those first bytes: an image's payload.</summary>
        public IncrementalHash PayloadHash { get; } = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    }

    /// <summary>
    /// A kernel image (docs/image-format.md) is checked as the bootloader checks it: header, length,
    /// SHA-256 of the payload; the verdict goes back on the connection and to the console. The
    /// host does not jump to it, of course.
    /// </summary>
    private void AnswerImage(Upload upload)
    {
        string verdict;
        if (!KernelImage.Check(upload.Head, uint.MaxValue, [], out var error))
            verdict = $"error: {Encoding.UTF8.GetString(KernelImage.Describe(error))}";
        else if (new KernelImage(upload.Head).HeaderLength != KernelImage.FixedHeaderLength)
            verdict = "error: a header longer than version 1's, which hoststack does not check";
        else
        {
            var image = new KernelImage(upload.Head);
            long payload = upload.Length - image.HeaderLength;
            string sha = Convert.ToHexStringLower(upload.PayloadHash.GetHashAndReset());
            if (payload < image.PayloadLength)
                verdict = $"error: truncated payload: {payload} of {image.PayloadLength} bytes";
            else if (payload > image.PayloadLength)
                verdict = "error: data after the payload";
            else if (!string.Equals(sha, Convert.ToHexStringLower(image.PayloadSha256), StringComparison.Ordinal))
                verdict = $"error: sha256 mismatch: received {sha}";
            else
                verdict = $"ok {payload} sha256 {sha}, jumping to 0x{image.EntryPoint:x}";
        }
        say($"tcp {HostStackCommand.UploadPort} image: {verdict}");
        stack.Tcp.Send(upload.Connection, System.Text.Encoding.ASCII.GetBytes(verdict + "\n"));
    }

    /// <summary>One line per upload not finished yet: how far it got, for a report when hoststack stops.</summary>
    public IEnumerable<string> PendingUploads()
    {
        foreach (var upload in _uploads)
        {
            yield return $"tcp {HostStackCommand.UploadPort} upload not finished: {upload.Length} bytes read in {upload.Clock.ElapsedMilliseconds} ms, " +
                $"state {stack.Tcp.StateOf(upload.Connection)}, reset {stack.Tcp.WasReset(upload.Connection)}, peer closed and all read {stack.Tcp.IsReceiveFinished(upload.Connection)}";
        }
    }

    public void Run(long now)
    {
        while (stack.Tcp.TryAccept(HostStackCommand.UploadPort, out TcpHandle connection))
        {
            _uploads.Add(new Upload(connection));
            say($"tcp {HostStackCommand.UploadPort} accepted an upload");
        }
        while (stack.Tcp.TryAccept(HostStackCommand.EchoPort, out TcpHandle connection))
            _echoes.Add(connection);

        for (int i = _uploads.Count - 1; i >= 0; i--)
        {
            var upload = _uploads[i];
            // Straight from the receive buffer, without copying it out first.
            while (stack.Tcp.TryPeekReceived(upload.Connection, out var data) && data.Length > 0)
            {
                // The first 64 bytes are kept aside: with the image magic they are a header, not payload.
                int head = 0;
                if (upload.Length < upload.Head.Length)
                {
                    head = (int)Math.Min(data.Length, upload.Head.Length - upload.Length);
                    data[..head].CopyTo(upload.Head.AsSpan((int)upload.Length));
                }
                if (hash)
                {
                    upload.Hash.AppendData(data);
                    upload.PayloadHash.AppendData(data[head..]);
                }
                upload.Length += data.Length;
                stack.Tcp.Consume(upload.Connection, data.Length);
            }

            if (!stack.Tcp.IsReceiveFinished(upload.Connection))
                continue;
            if (stack.Tcp.WasReset(upload.Connection))
                say($"tcp {HostStackCommand.UploadPort} reset by the peer after {upload.Length} bytes");
            else if (hash && upload.Length >= upload.Head.Length && KernelImage.StartsWithMagic(upload.Head))
                AnswerImage(upload);
            else if (hash)
                say($"tcp {HostStackCommand.UploadPort} received {upload.Length} bytes sha256 {Convert.ToHexStringLower(upload.Hash.GetHashAndReset())} in {upload.Clock.ElapsedMilliseconds} ms");
            else
                say($"tcp {HostStackCommand.UploadPort} received {upload.Length} bytes in {upload.Clock.ElapsedMilliseconds} ms");
            stack.Tcp.Close(upload.Connection);
            upload.Hash.Dispose();
            upload.PayloadHash.Dispose();
            _uploads.RemoveAt(i);
        }

        for (int i = _echoes.Count - 1; i >= 0; i--)
        {
            TcpHandle connection = _echoes[i];
            // Only what the send buffer takes is read, so nothing is lost when the peer reads slowly.
            while (stack.Tcp.TryPeekReceived(connection, out var data) && data.Length > 0)
            {
                int sent = stack.Tcp.Send(connection, data);
                if (sent <= 0)
                    break;
                stack.Tcp.Consume(connection, sent);
            }
            if (stack.Tcp.IsReceiveFinished(connection))
            {
                stack.Tcp.Close(connection);
                _echoes.RemoveAt(i);
            }
        }
        _ = now;
    }
}
