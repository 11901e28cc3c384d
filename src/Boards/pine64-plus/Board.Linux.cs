using Unikernel.Boot.Image;
using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Watchdog;
using Unikernel.Hardware;
using Unikernel.Platform;
using BoardFile = Unikernel.Hardware.Boards.Pine64Plus;

namespace Unikernel.Boot;

/// <summary>
/// Linux's start on the A64 (Linux Documentation/arch/arm64/booting.rst), as qemu-virt's, with
/// the secure monitor in SRAM A2 where Arm Trusted Firmware's BL31 lives on this SoC (not in
/// /memory). Not run on a board yet: the steps are qemu-virt's, tested there.
/// </summary>
internal partial struct Board
{
    /// <summary>The Linux kernels this board starts (the netboot program refuses the other kind at the header).</summary>
    public static BootProtocol LinuxProtocol => BootProtocol.LinuxArm64Image;

    /// <summary>
    /// Hands the machine to a Linux arm64 Image at <paramref name="entry"/> with its device tree
    /// at <paramref name="deviceTree"/> (edited already): the watchdog disarmed (Linux's
    /// sunxi_wdt starts it so), DAIF masked, caches cleaned and the MMU off, the monitor copied
    /// to SRAM A2 with cores 1-3 parked in it, the GIC's SPIs handed to the normal world, then
    /// x0 = the device tree at non-secure EL2. The caller stopped the EMAC and the hashing core.
    /// </summary>
    public static void StartLinux(nuint entry, nuint deviceTree)
    {
        Sun6iWatchdog<DirectMmio, GenericTimerClock>.Disarm(A64<DirectMmio>.Timer);
        LinuxBoot<Board>.Start(Gic, BoardFile.Memory.SramA2.Base, (nuint)BoardFile.Memory.SramA2.Size, entry, deviceTree);
    }
}
