using Unikernel.Tool;
using Unikernel.Tool.Linux;
using Unikernel.Tool.Signing;
using Xunit.Abstractions;

namespace Unikernel.Tests.Linux;

/// <summary>
/// Linux netbooted by our bootloader (issue 18), on each emulated board: the pinned Debian
/// kernel, its device tree (the package's, or QEMU's own for virt) and the initramfs sent with
/// `upload --linux` as soon as the board answers; the board edits the tree (command line,
/// initrd, /memory, PSCI), parks cores 1-3 in its secure monitor and enters Linux in the normal
/// world. /init must print its marker, see all four CPUs (brought up through our PSCI), and get a
/// DHCP lease over the board's own Ethernet (dwmac-sun8i, virtio-net). On qemu-virt the board is
/// built with a key and the image is signed.
/// </summary>
[Collection("Images")]
public sealed class LinuxNetbootTests(ImageFixture images, ITestOutputHelper log)
{
    private static readonly TimeSpan ToInit = TimeSpan.FromSeconds(150);
    private static readonly TimeSpan AfterInit = TimeSpan.FromSeconds(90);

    public static TheoryData<string> Boards => new() { "orangepi-pc", "qemu-virt" };

    [Net.InteropTheory]
    [MemberData(nameof(Boards))]
    public void Linux_sent_with_upload_linux_reaches_init_on_four_cpus_under_our_psci_and_gets_a_lease(string board)
    {
        var parts = LinuxParts.Prepare(images.Root, board);
        bool signed = board == "qemu-virt";
        var bootloader = signed ? images.SignedOnlyBootloaders[board] : images.Bootloaders[board];
        var run = LinuxNetboot.Boot(bootloader, parts, ToInit, AfterInit,
            prepare: signed ? file => Sign(file, images.SigningKey.Seed) : null);
        string console = run.Boot.Console;
        log.WriteLine($"{board}: {parts.Pin.Package.AptSpecification}{(signed ? ", signed" : "")}; upload {run.UploadSeconds:0.00} s; /init {run.Boot.InitSeconds:0.00} s after QEMU's start; {run.Boot.Cpus} CPUs; lease {run.Boot.Lease ?? "none"}");
        log.WriteLine(run.Upload);

        Assert.Contains("bootloader: ok linux kernel ", run.Upload);
        Assert.Contains("netboot: starting Linux at 0x42000000", console);
        Assert.Contains("4 cores under PSCI", console);
        Assert.Contains("psci: PSCIv1.0 detected in firmware.", console);
        Assert.Contains(board == "qemu-virt" ? "CPU: All CPU(s) started at EL2" : "CPU: All CPU(s) started in HYP mode.", console);
        Assert.Equal(4, run.Boot.Cpus);
        Assert.NotNull(run.Boot.Lease);
        Assert.StartsWith("169.254.", run.Boot.Lease);
    }

    /// <summary>Signs an image file in place with the test run's key, as `unikernel sign --key` does.</summary>
    internal static string Sign(string file, byte[] seed)
    {
        File.WriteAllBytes(file, ImageSigner.Sign(File.ReadAllBytes(file), seed));
        return file;
    }
}
