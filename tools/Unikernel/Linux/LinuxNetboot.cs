using System.Globalization;
using Unikernel.Tool.Build;
using Unikernel.Tool.Emulate;
using Unikernel.Tool.Upload;

namespace Unikernel.Tool.Linux;

/// <summary>
/// Linux netbooted by our bootloader (issue 18): the board boots in QEMU on a TAP in a namespace
/// of its own with dnsmasq leasing DHCPv4, `upload --linux` sends the pinned kernel, device tree
/// and initramfs over TCP as soon as the board answers, and the console is followed to /init's
/// last line. What the Linux boot tests and `bench --linux`'s row for ours run.
/// </summary>
public static class LinuxNetboot
{
    private static readonly TimeSpan BoardTimeout = TimeSpan.FromSeconds(60);

    /// <summary>What the upload printed and what Linux showed, timed from QEMU's start.</summary>
    public sealed record Run(LinuxBootResult Boot, string Upload, double UploadSeconds);

    /// <summary>
    /// The device tree to send: the pinned package's (orangepi-pc), or the one QEMU makes for the
    /// machine <paramref name="bootloader"/> boots on (qemu-virt), kept beside it.
    /// </summary>
    public static string DeviceTree(BuiltImage bootloader, LinuxParts parts) =>
        parts.DeviceTree ?? QemuDeviceTree.Dump(bootloader, Path.Combine(bootloader.Directory, "qemu.dtb"));

    /// <summary>
    /// Boots <paramref name="bootloader"/>, uploads Linux with <paramref name="append"/> (or the
    /// pinned console line), and waits for /init's first line within <paramref name="toInit"/> of
    /// QEMU's start and its last within <paramref name="afterInit"/>. <paramref name="prepare"/>
    /// may turn the image file before it is sent (sign it, say). Throws when a step does not come
    /// (a <see cref="TimeoutException"/> with the console).
    /// </summary>
    public static Run Boot(BuiltImage bootloader, LinuxParts parts, TimeSpan toInit, TimeSpan afterInit,
        string? append = null, Func<string, string>? prepare = null)
    {
        string directory = Directory.CreateTempSubdirectory("unikernel-linux-").FullName;
        try
        {
            string tree = DeviceTree(bootloader, parts);
            string image = Path.Combine(directory, "linux.uki");
            var quiet = new StringWriter();
            var request = new UploadCommand.UploadRequest(null, null, 1337, null, null, 30, parts.Kernel, tree, parts.Initrd,
                append ?? parts.CommandLine, bootloader.Board.Name, image);
            if (UploadCommand.Run(ToolConsole.Create(quiet, outputRedirected: true, noColor: "1"), request) != 0)
                throw new BuildFailure("upload --linux could not make the image:\n" + quiet);
            if (prepare is not null)
                image = prepare(image);

            using var network = EmulatedNetwork.Start(bootloader, "ukl");
            network.ServeDhcpv4();
            string address = network.WaitForLinkLocal(BoardTimeout);
            var output = new StringWriter();
            int exit = 1;
            double sendFrom = Seconds(network);
            network.Inside(() => exit = UploadCommand.Run(ToolConsole.Create(output, outputRedirected: true, noColor: "1"),
                new UploadCommand.UploadRequest(image, EmulatedNetwork.Scoped(address), 1337, null, null, 30)));
            double uploadSeconds = Seconds(network) - sendFrom;
            if (exit != 0)
                throw new BuildFailure($"the bootloader did not take Linux:\n{output}\nconsole:\n{Tail(network.Qemu.Output)}");
            var left = toInit - (network.Clock.Elapsed - network.Started);
            network.WaitForConsole(InitConsole.UpPattern, left > TimeSpan.Zero ? left : TimeSpan.Zero);
            double init = Seconds(network);
            network.WaitForConsole(InitConsole.DonePattern, afterInit);
            string console = network.Qemu.Output;
            return new Run(new LinuxBootResult(init, InitConsole.Cpus(console), InitConsole.Lease(console), console), output.ToString(), uploadSeconds);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static double Seconds(EmulatedNetwork network) => (network.Clock.Elapsed - network.Started).TotalSeconds;

    private static string Tail(string text) => text.Length > 4000 ? text[^4000..] : text;
}
