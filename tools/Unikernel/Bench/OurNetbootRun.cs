using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;
using Unikernel.Boot.Image;
using Unikernel.Tool.Build;
using Unikernel.Tool.Emulate;
using Unikernel.Tool.Upload;

namespace Unikernel.Tool.Bench;

/// <summary>
/// One boot of our bootloader in `bench --netboot`: QEMU on a TAP in a namespace of its own; the
/// time from QEMU's start to the first ping6 reply; the payload sent to the discard service (TCP
/// 9) and then uploaded to TCP 1337 as a kernel, the way `unikernel upload` does, which the
/// bootloader must answer with ok and the payload's SHA-256. The board then jumps into the
/// random payload: the boot ends there, and the next run boots again.
/// </summary>
public static class OurNetbootRun
{
    /// <summary>Where the payload is loaded: above the bootloader on both emulated boards, as the end-to-end test loads it.</summary>
    public const ulong LoadAddress = 0x4400_0000;

    private static readonly TimeSpan BootTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);

    public sealed record Result(double FirstPing, double DiscardSeconds, long DiscardFrames, long DiscardMilliseconds, double UploadSeconds);

    /// <summary>The kernel image the upload sends: <paramref name="payload"/> loaded and entered at <see cref="LoadAddress"/>.</summary>
    public static UploadImage Image(byte[] payload)
    {
        var header = new byte[KernelImage.FixedHeaderLength];
        KernelImage.Emit(header, LoadAddress, LoadAddress, payload);
        return new UploadImage(header, payload, LoadAddress, LoadAddress, Convert.ToHexStringLower(SHA256.HashData(payload)), Wrapped: true);
    }

    public static Result Measure(BuiltImage bootloader, UploadImage image)
    {
        using var space = new BenchNamespace();
        space.Run("ip", "tuntap", "add", "dev", EmulatedNetwork.Tap, "mode", "tap");
        space.Run("ip", "link", "set", EmulatedNetwork.Tap, "up");
        // A neighbour solicitation the board misses is sent again after 0.1 s, not Linux's 1 s (RFC 4861 RetransTimer).
        space.Run("sysctl", "-q", "-w", $"net.ipv6.neigh.{EmulatedNetwork.Tap}.retrans_time_ms=100");
        var (program, arguments) = QemuCommand.For(bootloader, EmulatedNetwork.TapArguments(bootloader.Board, EmulatedNetwork.Tap));
        var clock = Stopwatch.StartNew();
        var qemu = space.Start([program, .. arguments]);
        string scoped = EmulatedNetwork.Scoped(qemu.WaitForLine(@"\[ OK \] IPv6 (fe80::[0-9a-f:]+) \(link-local\)", BootTimeout).Groups[1].Value);

        // Echo requests every 10 ms until the first reply, which ends ping (-c 1 with a deadline):
        // the time is the first reply's within 10 ms, not a lost request's timeout.
        var ping = ExternalProcess.TryRun("ip", ["netns", "exec", space.Name, "ping", "-6", "-c", "1", "-i", "0.01", "-w", "30", scoped]);
        double firstPing = clock.Elapsed.TotalSeconds;
        if (ping.ExitCode != 0)
            throw new BenchFailure($"no ping6 reply from {scoped} within 30 s: {ping.Output}{ping.Error}");

        double discardSeconds = 0, uploadSeconds = 0;
        BootloaderReply? reply = null;
        NamespaceThread.Run(space.Name, () =>
        {
            discardSeconds = Discard(UploadTarget.Parse(scoped, DiscardPort).EndPoint.Address, image.Payload);
            var target = UploadTarget.Parse(scoped, UploadTarget.DefaultPort);
            var watch = Stopwatch.StartNew();
            reply = new UploadClient(StepTimeout).Send(target, image);
            uploadSeconds = watch.Elapsed.TotalSeconds;
        });
        if (reply!.Mismatch(image) is { } mismatch || !reply.IsOk)
            throw new BenchFailure($"upload of {image.Payload.Length} bytes: {reply.Mismatch(image) ?? reply.Verdict}");
        var discard = qemu.WaitForLine(@"discard: \d+ bytes, \d+ frames in \d+ ms", StepTimeout).Value;
        var (bytes, frames, milliseconds) = NetbootFigures.Discard(discard)!.Value;
        if (bytes != image.Payload.Length)
            throw new BenchFailure($"the board's discard service counted {bytes} bytes; {image.Payload.Length} were sent");
        return new Result(firstPing, discardSeconds, frames, milliseconds, uploadSeconds);
    }

    private const int DiscardPort = HostStack.HostStackCommand.DiscardPort;

    /// <summary>Sends <paramref name="payload"/> to the discard service, half-closes, and waits for the board's close: seconds from connect on.</summary>
    private static double Discard(System.Net.IPAddress address, byte[] payload)
    {
        var watch = Stopwatch.StartNew();
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
        {
            SendTimeout = (int)StepTimeout.TotalMilliseconds,
            ReceiveTimeout = (int)StepTimeout.TotalMilliseconds,
        };
        socket.Connect(new System.Net.IPEndPoint(address, DiscardPort));
        for (int offset = 0; offset < payload.Length;)
            offset += socket.Send(payload, offset, Math.Min(UploadClient.ChunkLength, payload.Length - offset), SocketFlags.None);
        socket.Shutdown(SocketShutdown.Send);
        var buffer = new byte[256];
        // RFC 863: nothing comes back; the close (0) says every byte was read.
        if (socket.Receive(buffer) != 0)
            throw new BenchFailure("the discard service sent data back");
        return watch.Elapsed.TotalSeconds;
    }
}
