using Unikernel.Boot.Image;
using BoardFile = Unikernel.Hardware.Boards.QemuVirt;

namespace Unikernel.Boot;

/// <summary>Linux's start on QEMU virt at EL3 (Linux Documentation/arch/arm64/booting.rst).</summary>
internal partial struct Board
{
    /// <summary>The Linux kernels this board starts (the netboot program refuses the other kind at the header).</summary>
    public static BootProtocol LinuxProtocol => BootProtocol.LinuxArm64Image;

    /// <summary>
    /// Hands the machine to a Linux arm64 Image at <paramref name="entry"/> with its device tree
    /// at <paramref name="deviceTree"/> (edited already): DAIF masked, caches cleaned and the MMU
    /// off, the secure monitor (PSCI) copied to the secure RAM with cores 1-3 parked in it, the
    /// GIC's SPIs handed to the normal world, then x0 = the device tree at non-secure EL2 (EL1
    /// without -M virt,virtualization=on). The caller stopped the network device and the hashing
    /// core. Never returns.
    /// </summary>
    public static void StartLinux(nuint entry, nuint deviceTree)
    {
        LinuxBoot<Board>.Start(Gic, BoardFile.Memory.SecureRam.Base, (nuint)BoardFile.Memory.SecureRam.Size, entry, deviceTree);
    }
}
