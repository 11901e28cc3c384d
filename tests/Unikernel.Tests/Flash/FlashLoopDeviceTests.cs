using Unikernel.Tests.Image;
using Unikernel.Tests.Net;
using Unikernel.Tool.Build;
using Unikernel.Tool.Flash;

namespace Unikernel.Tests.Flash;

/// <summary>
/// `flash` on real block devices of this machine: a loop device stands in for the SD card
/// (written, then read back through its backing file), the same device mounted is refused, and
/// so is the disk this machine runs from. Needs root, as CI is.
/// </summary>
public class FlashLoopDeviceTests
{
    [LoopDeviceFact]
    public void The_card_image_lands_at_the_start_of_the_device()
    {
        using var files = new TemporaryDirectory();
        var image = new byte[3 << 20];
        Random.Shared.NextBytes(image);
        File.WriteAllBytes(files.File("sdcard.img"), image);
        File.WriteAllBytes(files.File("card"), new byte[8 << 20]);
        using var loop = LoopDevice.Attach(files.File("card"));

        var output = new StringWriter();
        int exit = FlashCommand.Run(PlainConsole.Create(output), files.File("sdcard.img"), loop.Path, yes: true, HostDisks.Linux());

        Assert.True(exit == 0, output.ToString());
        Assert.Contains($"flashed {image.Length} bytes to {loop.Path}", output.ToString());
        loop.Dispose();
        byte[] card = File.ReadAllBytes(files.File("card"));
        Assert.Equal(image, card[..image.Length]);
        Assert.All(card[image.Length..], b => Assert.Equal(0, b));
    }

    [LoopDeviceFact]
    public void A_mounted_device_is_refused_and_left_untouched()
    {
        using var files = new TemporaryDirectory();
        var image = new byte[1 << 20];
        Array.Fill(image, (byte)0xA5);
        File.WriteAllBytes(files.File("sdcard.img"), image);
        File.WriteAllBytes(files.File("card"), new byte[16 << 20]);
        using var loop = LoopDevice.Attach(files.File("card"));
        ExternalProcess.Run("making a file system", "mkfs.ext4", ["-q", loop.Path]);
        Directory.CreateDirectory(files.File("mnt"));
        ExternalProcess.Run("mounting", "mount", [loop.Path, files.File("mnt")]);
        try
        {
            var error = Assert.Throws<FlashRefusal>(() => FlashCommand.Run(PlainConsole.Create(new StringWriter()), files.File("sdcard.img"), loop.Path, yes: true, HostDisks.Linux()));
            Assert.Contains($"{loop.Path} is mounted", error.Message);
            Assert.Contains($"umount {files.File("mnt")}", error.Message);
            // The second line of defence, for what the mount table does not show (btrfs, ZFS):
            // the kernel itself refuses the exclusive open of a claimed disk.
            var busy = Assert.Throws<FlashRefusal>(() => ExclusiveDisk.Open(loop.Path).Dispose());
            Assert.Contains($"{loop.Path} is in use", busy.Message);
        }
        finally
        {
            ExternalProcess.Run("unmounting", "umount", [files.File("mnt")]);
        }
        loop.Dispose();
        // The file system is still there: ext4's superblock magic (0xEF53 at byte 1024 + 56), which the image would have overwritten.
        byte[] card = File.ReadAllBytes(files.File("card"));
        Assert.Equal(0xEF53, BitConverter.ToUInt16(card, 1024 + 56));
    }

    [SystemDiskFact]
    public void The_disk_this_machine_runs_from_is_refused()
    {
        var error = Assert.Throws<FlashRefusal>(() => FlashTarget.Check("/dev/" + SystemDiskFactAttribute.RootDisk(), 1 << 20, HostDisks.Linux()));
        Assert.Contains("holds this machine's system", error.Message);
    }

    [Fact]
    public void Refusing_to_ask_without_a_terminal_writes_nothing()
    {
        using var sys = new FakeSysfs().Disk("sdb", 1L << 30);
        using var files = new TemporaryDirectory();
        File.WriteAllBytes(files.File("sdcard.img"), new byte[1 << 20]);
        var error = Assert.Throws<FlashRefusal>(() => FlashCommand.Run(PlainConsole.Create(new StringWriter()), files.File("sdcard.img"), "/dev/sdb", yes: false, sys.Disks));
        Assert.Contains("needs a yes", error.Message);
        Assert.Contains("--yes", error.Message);
    }
}

/// <summary>A loop device over a file, detached on dispose.</summary>
public sealed class LoopDevice : IDisposable
{
    private bool _detached;

    private LoopDevice(string path) => Path = path;

    public string Path { get; }

    public static LoopDevice Attach(string file) =>
        new(ExternalProcess.Run("attaching a loop device", "losetup", ["--find", "--show", file]).Output.Trim());

    public void Dispose()
    {
        if (_detached)
            return;
        _detached = true;
        ExternalProcess.TryRun("losetup", ["--detach", Path]);
    }
}

/// <summary>A test that needs root and loop devices (CI runs as root).</summary>
public sealed class LoopDeviceFactAttribute : FactAttribute
{
    public LoopDeviceFactAttribute()
    {
        if (Environment.UserName != "root" || !File.Exists("/dev/loop-control"))
            Skip = "needs root and loop devices (CI runs as root)";
    }
}

/// <summary>A test that needs root and a root file system on a block device (not a container's overlay).</summary>
public sealed class SystemDiskFactAttribute : FactAttribute
{
    public SystemDiskFactAttribute()
    {
        if (Environment.UserName != "root")
            Skip = "needs root (CI runs as root)";
        else if (RootDisk() is null)
            Skip = "/ is not on a block device here (a container's overlay)";
    }

    /// <summary>The whole disk under / (mountinfo's mount source, its partition's parent in sysfs), or null.</summary>
    public static string? RootDisk()
    {
        string? source = File.ReadLines("/proc/self/mountinfo").Select(l => l.Split(' '))
            .FirstOrDefault(f => f.Length > 9 && f[4] == "/" && f[^2].StartsWith("/dev/", StringComparison.Ordinal))?[^2];
        if (source is null || !File.Exists(source))
            return null;
        string device = Path.GetFileName(new FileInfo(source).ResolveLinkTarget(true)?.FullName ?? source);
        var entry = new DirectoryInfo($"/sys/class/block/{device}");
        if (!entry.Exists)
            return null;
        return File.Exists(Path.Combine(entry.FullName, "partition"))
            ? Path.GetFileName(Path.GetDirectoryName((entry.ResolveLinkTarget(true)?.FullName ?? entry.FullName).TrimEnd('/')))
            : device;
    }
}
