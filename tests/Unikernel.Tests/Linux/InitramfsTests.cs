using System.Text;
using Unikernel.Tool.Build;
using Unikernel.Tool.Linux;

namespace Unikernel.Tests.Linux;

/// <summary>The initramfs's pieces without QEMU: the newc cpio bytes, module dependencies and modules.dep, and /init's console lines.</summary>
public sealed class InitramfsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("uk-initramfs-").FullName;

    [Fact]
    public void A_cpio_entry_is_a_newc_header_a_padded_name_and_padded_data_and_the_trailer_ends_it()
    {
        var stream = new MemoryStream();
        var cpio = new CpioArchive(stream);
        cpio.File("/init", "hi\n"u8, permissions: 0x1ED);
        cpio.Finish();
        string text = Encoding.ASCII.GetString(stream.ToArray());

        // inode 1, mode 0100755, uid, gid 0, 1 link, mtime 0, 3 bytes, devices 0, name "init\0" (5), check 0.
        string header = "070701" + "00000001" + "000081ED" + "00000000" + "00000000" + "00000001" + "00000000" + "00000003"
            + "00000000" + "00000000" + "00000000" + "00000000" + "00000005" + "00000000";
        // 110 + 5 name bytes pad to 116; 3 data bytes to 4.
        Assert.StartsWith(header + "init\0" + "\0" + "hi\n\0", text);
        int trailer = header.Length + 6 + 4;
        Assert.Equal(0, trailer % 4);
        Assert.Equal("070701" + "00000000", text.Substring(trailer, 14));
        Assert.Contains("TRAILER!!!\0", text[trailer..]);
        Assert.Equal(0, stream.Length % 4);
    }

    [Fact]
    public void Symbolic_links_carry_their_target_as_data_and_the_same_input_gives_the_same_bytes()
    {
        byte[] Archive()
        {
            var stream = new MemoryStream();
            var cpio = new CpioArchive(stream);
            cpio.Directory("bin");
            cpio.SymbolicLink("bin/sh", "busybox");
            cpio.Finish();
            return stream.ToArray();
        }
        string text = Encoding.ASCII.GetString(Archive());
        Assert.Contains("0000A1FF", text);
        Assert.Contains("bin/sh\0busybox", text);
        Assert.Equal(Archive(), Archive());
    }

    [Fact]
    public void Modules_load_after_their_dependencies_and_modules_dep_lists_them_deepest_last()
    {
        Module("drivers/net/virtio_net.ko", "net_failover");
        Module("drivers/net/net_failover.ko", "failover");
        Module("net/core/failover.ko", "");
        Module("drivers/virtio/virtio_mmio.ko", "");
        var modules = new KernelModules(_directory);

        Assert.Equal(["virtio_mmio", "failover", "net_failover", "virtio_net"], modules.LoadOrder(["virtio-mmio", "virtio_net"]));
        Assert.Equal(
            "kernel/drivers/virtio/virtio_mmio.ko:\n"
            + "kernel/net/core/failover.ko:\n"
            + "kernel/drivers/net/net_failover.ko: kernel/net/core/failover.ko\n"
            + "kernel/drivers/net/virtio_net.ko: kernel/drivers/net/net_failover.ko kernel/net/core/failover.ko\n",
            modules.ModulesDep(modules.LoadOrder(["virtio_mmio", "virtio_net"])));
    }

    [Fact]
    public void A_missing_module_or_one_without_depends_is_refused_by_name()
    {
        Module("drivers/net/broken.ko", null);
        var modules = new KernelModules(_directory);
        Assert.Contains("no module dwmac_sun8i", Assert.Throws<BuildFailure>(() => modules.LoadOrder(["dwmac-sun8i"])).Message);
        Assert.Contains("broken has no depends=", Assert.Throws<BuildFailure>(() => modules.LoadOrder(["broken"])).Message);
    }

    [Fact]
    public void Init_lines_give_the_cpu_count_and_the_lease_or_nothing()
    {
        const string console = "[    2.1] Run /init as init process\nUNIKERNEL-INIT: up 2.76 s after the kernel started\nUNIKERNEL-INIT: cpus 4 (online 0-3)\n"
            + "udhcpc: started\nUNIKERNEL-INIT: lease 169.254.20.158\nUNIKERNEL-INIT: done\n";
        Assert.Equal(4, InitConsole.Cpus(console));
        Assert.Equal("169.254.20.158", InitConsole.Lease(console));
        Assert.Null(InitConsole.Lease("UNIKERNEL-INIT: cpus 1 (online 0)\nUNIKERNEL-INIT: no lease\n"));
        Assert.Null(InitConsole.Cpus("UNIKERNEL-INIT: up 1 s"));
    }

    [Fact]
    public void Init_loads_the_boards_modules_and_reports_with_the_prefix_the_console_reader_expects()
    {
        string init = Initramfs.InitScript(["dwmac-sun8i"]);
        Assert.StartsWith("#!/bin/sh\n", init);
        Assert.Contains("for m in dwmac-sun8i; do modprobe $m", init);
        Assert.Contains("echo \"UNIKERNEL-INIT: up ", init);
        Assert.Contains("echo \"UNIKERNEL-INIT: no lease\"", init);
        Assert.EndsWith("poweroff -f\n", init);
        Assert.Contains("echo \"UNIKERNEL-INIT: lease $ip\"", Initramfs.LeaseScript);
    }

    /// <summary>A file standing in for a module: a .modinfo-like run of NUL-separated entries (or none, for null).</summary>
    private void Module(string path, string? depends)
    {
        string file = Path.Combine(_directory, "kernel", path);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, depends is null ? "\u007fELF\0license=GPL\0" : $"\u007fELF\0license=GPL\0depends={depends}\0name={Path.GetFileNameWithoutExtension(path)}\0");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
