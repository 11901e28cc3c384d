using Unikernel.Tool;
using Unikernel.Tool.Bench;
using Unikernel.Tool.Linux;
using Xunit.Abstractions;

namespace Unikernel.Tests.Linux;

/// <summary>
/// The Linux bench's peer (issue 18): Debian's U-Boot 2023.01 boots the same zImage, device tree
/// and initramfs from an SD card with extlinux.conf, its default boot command untouched, and
/// /init comes up on all four cores (U-Boot's PSCI) with a lease over dwmac-sun8i.
/// </summary>
[Collection("Linux boots")]
public sealed class UBootLinuxPeerTests(ITestOutputHelper log)
{
    private static readonly string Root = Repository.FindRoot();

    [LongRunFact]
    public void U_boot_boots_the_pinned_linux_from_an_sd_card_to_init_on_four_cpus_with_a_lease()
    {
        var parts = LinuxParts.Prepare(Root, "orangepi-pc");
        var peer = new UBootLinuxPeer(Root, parts);
        var boot = peer.Boot();
        log.WriteLine($"U-Boot: Starting kernel {boot.StartingKernel:0.00} s, first Linux line {boot.FirstLinuxLine:0.00} s, /init {boot.Linux.InitSeconds:0.00} s after QEMU's start; {boot.Linux.Cpus} CPUs, lease {boot.Linux.Lease ?? "none"}");

        Assert.Contains("Retrieving file: /extlinux/extlinux.conf", boot.Linux.Console);
        Assert.True(boot.StartingKernel < boot.Linux.InitSeconds);
        Assert.Equal(4, boot.Linux.Cpus);
        Assert.StartsWith("169.254.20.", boot.Linux.Lease);
    }
}
