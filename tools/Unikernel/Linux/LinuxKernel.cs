namespace Unikernel.Tool.Linux;

/// <summary>A pinned Debian kernel package and what the boot needs from it.</summary>
/// <param name="Package">The linux-image package.</param>
/// <param name="Release">Its `uname -r`: names /lib/modules/RELEASE and the files in /boot.</param>
/// <param name="DeviceTree">The board's device tree in the package (none on qemu-virt, where QEMU makes one).</param>
/// <param name="NetworkModules">The modules the board's Ethernet needs, without their dependencies.</param>
/// <param name="Console">The kernel's console= argument.</param>
public sealed record LinuxKernel(DebianPackage Package, string Release, string? DeviceTree, IReadOnlyList<string> NetworkModules, string Console)
{
    public string Architecture => Package.Architecture;

    /// <summary>The busybox-static package of the same architecture.</summary>
    public DebianPackage Busybox => new(LinuxPins.BusyboxPackage, Architecture, LinuxPins.BusyboxVersion);

    /// <summary>The kernel command line the initramfs boots with: the console, early console on, nothing else.</summary>
    public string CommandLine => $"console={Console} earlycon";
}
