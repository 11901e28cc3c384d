namespace Unikernel.Tool.Linux;

/// <summary>
/// QEMU loading Linux itself (-kernel, -dtb, -initrd): no bootloader at all, the reference the
/// bootloaders are held to. On orangepi-pc QEMU then also gives Linux PSCI (SMC) for the other
/// cores; qemu-virt gets four Cortex-A53s and virtio-net over MMIO (QEMU here has no
/// efi-virtio.rom for the PCI card -nic would add).
/// </summary>
public static class DirectLinuxBoot
{
    /// <summary>The QEMU program and arguments that boot <paramref name="parts"/> on <paramref name="board"/>, its NIC on <see cref="LinuxNetwork"/>'s TAP.</summary>
    public static (string Program, List<string> Arguments) Command(string board, LinuxParts parts)
    {
        var arguments = new List<string>();
        string program;
        switch (board)
        {
            case "orangepi-pc":
                program = "qemu-system-arm";
                arguments.AddRange(["-M", "orangepi-pc", "-m", "1024", "-dtb", parts.DeviceTree ?? throw new ArgumentException("orangepi-pc's Linux needs its device tree", nameof(parts))]);
                arguments.AddRange([.. LinuxNetwork.NetdevArguments, "-net", "nic,netdev=net0"]);
                break;
            case "qemu-virt":
                program = "qemu-system-aarch64";
                arguments.AddRange(["-M", "virt", "-cpu", "cortex-a53", "-smp", "4", "-m", "1024"]);
                arguments.AddRange([.. LinuxNetwork.NetdevArguments, "-device", "virtio-net-device,netdev=net0"]);
                break;
            default:
                throw new ArgumentException($"no direct Linux boot for {board} (orangepi-pc and qemu-virt have one)", nameof(board));
        }
        arguments.AddRange(["-nographic", "-no-reboot", "-kernel", parts.Kernel, "-initrd", parts.Initrd, "-append", parts.CommandLine]);
        return (program, arguments);
    }
}
