namespace Unikernel.Tool.Linux;

/// <summary>
/// Everything a Linux boot of a board needs, from the pinned Debian packages (<see cref="LinuxPins"/>):
/// the kernel image, the board's device tree (none on qemu-virt), and the initramfs built from
/// busybox-static and the kernel's network modules. Fetched and unpacked once into
/// build/linux/VERSION-ARCH/; the tests and `unikernel bench` share them.
/// </summary>
/// <param name="Kernel">zImage (armmp) or Image (arm64).</param>
/// <param name="DeviceTree">The board's .dtb, or null where QEMU makes the device tree.</param>
/// <param name="Initrd">The gzip'd cpio initramfs.</param>
/// <param name="Pin">The package pin these came from.</param>
public sealed record LinuxParts(string Kernel, string? DeviceTree, string Initrd, LinuxKernel Pin)
{
    /// <summary>The kernel command line to boot with.</summary>
    public string CommandLine => Pin.CommandLine;

    /// <summary>The parts for <paramref name="board"/> (orangepi-pc or qemu-virt), fetched and built if missing.</summary>
    public static LinuxParts Prepare(string root, string board)
    {
        // Tests run in parallel: one unpacks while the others wait for it.
        lock (Unpacking)
            return PrepareUnlocked(root, board);
    }

    private static readonly object Unpacking = new();

    private static LinuxParts PrepareUnlocked(string root, string board)
    {
        var pin = LinuxPins.For(board);
        string directory = Path.Combine(root, "build", "linux", $"{pin.Package.Version}-{pin.Architecture}");
        string downloads = Path.Combine(root, "build", "linux", "packages");
        string kernelDirectory = Path.Combine(directory, "kernel");
        string busyboxDirectory = Path.Combine(directory, "busybox");
        pin.Package.Unpack(downloads, kernelDirectory);
        pin.Busybox.Unpack(downloads, busyboxDirectory);

        string kernel = Existing(Path.Combine(kernelDirectory, "boot", $"vmlinuz-{pin.Release}"));
        string? deviceTree = pin.DeviceTree is { } name ? Existing(Path.Combine(kernelDirectory, "usr", "lib", $"linux-image-{pin.Release}", name)) : null;
        string busybox = Existing(Path.Combine(busyboxDirectory, "bin", "busybox"));
        string initrd = Path.Combine(directory, "initrd.cpio.gz");
        Initramfs.Write(pin, busybox, Path.Combine(kernelDirectory, "lib", "modules", pin.Release), initrd);
        return new LinuxParts(kernel, deviceTree, initrd, pin);
    }

    private static string Existing(string path) =>
        File.Exists(path) ? path : throw new Build.BuildFailure($"{path} is missing from the unpacked package: is the pin in LinuxPins right?");
}
