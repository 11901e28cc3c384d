using System.Diagnostics;
using Unikernel.Tool;
using Unikernel.Tool.Linux;
using Xunit.Abstractions;

namespace Unikernel.Tests.Linux;

/// <summary>
/// The reference Linux boots (issue 18): QEMU loads the pinned Debian kernel, device tree and our
/// initramfs itself, no bootloader involved, the board on a TAP in a namespace of the test's own
/// with dnsmasq serving DHCPv4. /init must print its marker, see every CPU, and get a lease over
/// the board's own Ethernet (dwmac-sun8i on orangepi-pc, virtio-net on qemu-virt). What validates
/// the parts the bootloader's Linux boots and the U-Boot peer use.
/// In one collection with the U-Boot peer's test: Linux boots run one at a time, so they are timed fairly.
/// </summary>
[Collection("Linux boots")]
public sealed class DirectLinuxBootTests(ITestOutputHelper log)
{
    private static readonly string Root = Repository.FindRoot();

    public static TheoryData<string, int> Boards => new() { { "orangepi-pc", 4 }, { "qemu-virt", 4 } };

    [LongRunTheory]
    [MemberData(nameof(Boards))]
    public void Linux_booted_by_qemu_reaches_init_sees_every_cpu_and_gets_a_lease(string board, int cpus)
    {
        var parts = LinuxParts.Prepare(Root, board);
        using var network = new LinuxNetwork(Path.Combine(Root, "build", "linux", "run"));
        var (program, arguments) = DirectLinuxBoot.Command(board, parts);
        var clock = Stopwatch.StartNew();
        using var qemu = network.StartQemu(program, arguments);
        var result = LinuxBootWatch.Watch(qemu, clock, toInit: TimeSpan.FromSeconds(90), afterInit: TimeSpan.FromSeconds(60));
        log.WriteLine($"{board}: {parts.Pin.Package.AptSpecification}, /init {result.InitSeconds:0.00} s after QEMU's start, {result.Cpus} CPUs, lease {result.Lease ?? "none"}");
        log.WriteLine(string.Join('\n', result.Console.Split('\n').Where(line => line.StartsWith(InitConsole.Prefix, StringComparison.Ordinal))));

        Assert.Equal(cpus, result.Cpus);
        Assert.NotNull(result.Lease);
        Assert.StartsWith("169.254.20.", result.Lease);
        Assert.DoesNotContain("modprobe", result.Console.Split('\n').Where(line => line.Contains("failed", StringComparison.Ordinal)));
    }
}
