using Unikernel.Boot.Image;
using BoardFile = Unikernel.Hardware.Boards.OrangepiPc;

namespace Unikernel.Boot;

/// <summary>Linux's start on the H3 (Linux Documentation/arch/arm/booting.rst, as U-Boot's bootz does it).</summary>
internal partial struct Board
{
    /// <summary>The Linux kernels this board starts (the netboot program refuses the other kind at the header).</summary>
    public static BootProtocol LinuxProtocol => BootProtocol.LinuxZImage;

    /// <summary>
    /// Hands the machine to a Linux zImage at <paramref name="entry"/> with its device tree at
    /// <paramref name="deviceTree"/> (edited already): IRQs masked, caches cleaned and the MMU
    /// off, the secure monitor (PSCI) copied to SRAM A2 with cores 1-3 parked in it, the GIC's
    /// SPIs handed to the normal world, then r0 = 0, r1 = ~0, r2 = the device tree in non-secure
    /// HYP mode. The caller stopped the Ethernet DMA and the hashing core. Never returns.
    /// </summary>
    public static void StartLinux(nuint entry, nuint deviceTree)
    {
        LinuxBoot<Board>.Start(Gic, BoardFile.Memory.SramA2.Base, (nuint)BoardFile.Memory.SramA2.Size, entry, deviceTree);
    }
}
