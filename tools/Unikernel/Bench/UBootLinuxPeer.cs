using System.Diagnostics;
using Unikernel.Tool.Linux;

namespace Unikernel.Tool.Bench;

/// <summary>U-Boot's Linux boot, timed from QEMU's start: its "Starting kernel" line, Linux's first line, and /init.</summary>
/// <param name="StartingKernel">Seconds to U-Boot's "Starting kernel ..." line.</param>
/// <param name="FirstLinuxLine">Seconds to Linux's "Booting Linux" line, or null if it did not print one (no early console).</param>
/// <param name="Linux">/init's report, its seconds from QEMU's start.</param>
public sealed record UBootLinuxBoot(double StartingKernel, double? FirstLinuxLine, LinuxBootResult Linux);

/// <summary>
/// The peer of the Linux boot bench (issue 18): U-Boot 2023.01 on QEMU's orangepi-pc booting the
/// pinned zImage, device tree and initramfs from an SD card (<see cref="UBootLinuxCard"/>) with
/// its default boot command, untouched. The board's Ethernet is on a <see cref="LinuxNetwork"/>
/// so that /init gets its lease as in every other Linux boot here; U-Boot itself does not use the
/// network (distro boot finds the card first). Each <see cref="Boot"/> starts QEMU afresh on a
/// snapshot of the card.
/// </summary>
public sealed class UBootLinuxPeer
{
    private static readonly TimeSpan ToInit = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan AfterInit = TimeSpan.FromSeconds(60);

    private readonly string _card;
    private readonly string _work;

    /// <summary>Writes the card for <paramref name="parts"/> under build/peers/u-boot/linux/.</summary>
    public UBootLinuxPeer(string root, LinuxParts parts)
    {
        _work = Path.Combine(root, "build", "peers", "u-boot", "linux");
        Directory.CreateDirectory(_work);
        _card = Path.Combine(_work, "sdcard.img");
        UBootLinuxCard.Write(root, parts, _work, _card);
    }

    /// <summary>The card image.</summary>
    public string Card => _card;

    /// <summary>Boots the card once and follows it until /init is done.</summary>
    public UBootLinuxBoot Boot()
    {
        using var network = new LinuxNetwork(_work);
        var clock = Stopwatch.StartNew();
        using var qemu = network.StartQemu("qemu-system-arm", ["-M", "orangepi-pc", "-m", "1024", "-nographic", "-no-reboot",
            "-drive", $"file={_card},format=raw,if=sd,snapshot=on", .. LinuxNetwork.NetdevArguments, "-net", "nic,netdev=net0"]);
        if (qemu.WaitForLine(line => line.StartsWith("Starting kernel", StringComparison.Ordinal), ToInit) is null)
            throw new BenchFailure($"U-Boot did not start the kernel within {ToInit.TotalSeconds:0} s:\n{Tail(qemu.Output)}");
        double startingKernel = clock.Elapsed.TotalSeconds;
        // Without an early console Linux's first line is /init's: then there is no such figure.
        string? first = qemu.WaitForLine(line => line.Contains("Booting Linux on physical CPU", StringComparison.Ordinal)
            || line.StartsWith(InitConsole.Prefix + " up ", StringComparison.Ordinal), ToInit - clock.Elapsed);
        double? firstLine = first is not null && first.Contains("Booting Linux", StringComparison.Ordinal) ? clock.Elapsed.TotalSeconds : null;
        return new UBootLinuxBoot(startingKernel, firstLine, LinuxBootWatch.Watch(qemu, clock, ToInit, AfterInit));
    }

    private static string Tail(string text) => text.Length > 3000 ? text[^3000..] : text;
}
