namespace Unikernel.Tool.Linux;

/// <summary>
/// The Debian 12 packages the Linux boots are tested and measured with: the one place their
/// versions are pinned (../shared/refs/linux-boot.md has why these).
/// </summary>
public static class LinuxPins
{
    /// <summary>busybox-static, the initramfs's only program, for both architectures.</summary>
    public const string BusyboxPackage = "busybox-static";
    public const string BusyboxVersion = "1:1.35.0-4+deb12u1+b1";

    /// <summary>
    /// The Orange Pi PC (QEMU orangepi-pc): armmp 6.1.176-1 (ABI 50). Not 6.1.192-3 (ABI 57), the
    /// security update, which oopses in sun8i_dwmac_dma_interrupt as soon as eth0 carries traffic.
    /// The EMAC driver is a module; its dependencies come with it.
    /// </summary>
    public static readonly LinuxKernel OrangePiPc = new(
        new DebianPackage("linux-image-6.1.0-50-armmp", "armhf", "6.1.176-1"),
        Release: "6.1.0-50-armmp",
        DeviceTree: "sun8i-h3-orangepi-pc.dtb",
        NetworkModules: ["dwmac-sun8i"],
        Console: "ttyS0,115200");

    /// <summary>QEMU virt (AArch64): the arm64 kernel bookworm serves today, with virtio-net over MMIO.</summary>
    public static readonly LinuxKernel QemuVirt = new(
        new DebianPackage("linux-image-6.1.0-57-arm64", "arm64", "6.1.192-3"),
        Release: "6.1.0-57-arm64",
        DeviceTree: null,
        NetworkModules: ["virtio_mmio", "virtio_net"],
        Console: "ttyAMA0");

    /// <summary>The kernel pinned for a board (orangepi-pc or qemu-virt).</summary>
    public static LinuxKernel For(string board) => board switch
    {
        "orangepi-pc" => OrangePiPc,
        "qemu-virt" => QemuVirt,
        _ => throw new ArgumentException($"no Linux kernel is pinned for {board} (orangepi-pc and qemu-virt are)", nameof(board)),
    };
}
