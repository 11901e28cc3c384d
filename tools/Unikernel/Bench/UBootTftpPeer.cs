using System.Diagnostics;
using Unikernel.Tool.Emulate;

namespace Unikernel.Tool.Bench;

/// <summary>
/// The peer of `bench --netboot`: U-Boot 2023.01 (<see cref="UBootSdCard"/>) on QEMU's orangepi-pc,
/// on a TAP in a namespace of its own with dnsmasq serving DHCP and TFTP
/// (../shared/refs/peers-uboot-tap/). IPv6 is off in the namespace before the TAP exists: Linux's
/// first IPv6 frames would otherwise reach the emulated EMAC before U-Boot enabled its receive
/// DMA and stall QEMU's queue (docs/qemu-h3.md §6). Each <see cref="Measure"/> boots U-Boot afresh.
/// </summary>
public sealed class UBootTftpPeer : IDisposable
{
    public const string Tap = "ubtap0";
    public const string ServerAddress = "169.254.10.1";
    public const string LoadAddress = "0x42000000";

    /// <summary>U-Boot 2023.01's default tftpblocksize: the payload of each TFTP data frame.</summary>
    public const int BlockSize = 1468;

    private static readonly TimeSpan BootTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan DhcpTimeout = TimeSpan.FromSeconds(30);

    private readonly BenchNamespace _space;
    private readonly string _card;
    private readonly string _file;

    /// <param name="directory">Served by TFTP; holds <paramref name="file"/>.</param>
    public UBootTftpPeer(string root, string directory, string file)
    {
        _card = UBootSdCard.Prepare(root);
        _file = file;
        _space = new BenchNamespace();
        try
        {
            _space.Run("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
            _space.Run("sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1");
            _space.Run("ip", "tuntap", "add", "dev", Tap, "mode", "tap");
            _space.Address(Tap, ServerAddress + "/16");
            var dnsmasq = _space.Start("dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--user=root", "--port=0",
                "--log-facility=-", $"--pid-file={Path.Combine(directory, "dnsmasq.pid")}", $"--dhcp-leasefile={Path.Combine(directory, "dnsmasq.leases")}",
                "--enable-tftp", $"--tftp-root={directory}", $"--interface={Tap}", "--bind-interfaces",
                "--dhcp-range=169.254.10.100,169.254.10.200,255.255.0.0");
            dnsmasq.WaitForLine("TFTP root is", TimeSpan.FromSeconds(10));
        }
        catch
        {
            _space.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Boots U-Boot, stops its autoboot, runs <c>dhcp</c> and then <c>tftpboot</c> of the file:
    /// seconds from QEMU's start to the DHCP bound line, seconds of the transfer (from typing the
    /// command to its "Bytes transferred" line), the bytes it reports and U-Boot's own rate.
    /// </summary>
    public (double Bound, double Transfer, long Bytes, double? OwnRate) Measure()
    {
        var clock = Stopwatch.StartNew();
        using var qemu = QemuSession.Start("ip", ["netns", "exec", _space.Name, "qemu-system-arm", "-M", IdleBench.Board, "-nographic", "-no-reboot",
            "-drive", $"file={_card},format=raw,if=sd,snapshot=on", "-netdev", $"tap,id=net0,ifname={Tap},script=no,downscript=no", "-net", "nic,netdev=net0"]);
        // "Hit any key to stop autoboot" counts down on one line: wait for the line before it, then press Enter until a prompt comes.
        if (qemu.WaitForLine(line => line.StartsWith("Net:", StringComparison.Ordinal), BootTimeout) is null)
            throw new BenchFailure($"U-Boot did not start within {BootTimeout.TotalSeconds:0} s:\n{qemu.Output}");
        while (qemu.WaitForLine(line => line.StartsWith("=>", StringComparison.Ordinal), TimeSpan.FromMilliseconds(100)) is null)
        {
            if (clock.Elapsed > BootTimeout)
                throw new BenchFailure($"U-Boot gave no prompt:\n{qemu.Output}");
            qemu.Send("\r");
        }
        // autoload no: dhcp only configures; serverip after it, which DHCP may set.
        qemu.Send($"setenv autoload no; dhcp; setenv serverip {ServerAddress}\r");
        if (qemu.WaitForLine(line => NetbootFigures.DhcpBoundAddress(line) is not null || line.Contains("Retry count exceeded", StringComparison.Ordinal), DhcpTimeout) is not { } bound
            || NetbootFigures.DhcpBoundAddress(bound) is null)
            throw new BenchFailure($"U-Boot's dhcp got no lease within {DhcpTimeout.TotalSeconds:0} s:\n{qemu.Output}");
        double boundAt = clock.Elapsed.TotalSeconds;

        // Back at the prompt when an echo answers (an empty line would repeat the last repeatable command).
        qemu.Send("echo ready\r");
        if (qemu.WaitForLine(line => line == "ready", TimeSpan.FromSeconds(10)) is null)
            throw new BenchFailure($"no U-Boot prompt after dhcp:\n{qemu.Output}");
        var transfer = Stopwatch.StartNew();
        qemu.Send($"tftpboot {LoadAddress} {_file}\r");
        var limit = TimeSpan.FromSeconds(120);
        if (qemu.WaitForLine(line => line.StartsWith("Bytes transferred", StringComparison.Ordinal) || line.Contains("Retry count exceeded", StringComparison.Ordinal)
                || line.Contains("TFTP error", StringComparison.Ordinal), limit) is null || NetbootFigures.TftpBytes(qemu.Output) is not { } bytes)
            throw new BenchFailure($"U-Boot's tftpboot did not finish within {limit.TotalSeconds:0} s:\n{Tail(qemu.Output)}");
        double seconds = transfer.Elapsed.TotalSeconds;
        return (boundAt, seconds, bytes, NetbootFigures.TftpOwnRate(qemu.Output));
    }

    private static string Tail(string text) => text.Length > 2000 ? text[^2000..] : text;

    public void Dispose() => _space.Dispose();
}
