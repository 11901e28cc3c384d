using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Interrupts;
using Unikernel.Drivers.Memory;
using Unikernel.Platform;

namespace Unikernel.Boot;

/// <summary>
/// The steps of a Linux start that every board with a secure monitor shares
/// (src/Platform/Cpu/SecureMonitor.cs): the monitor copied where Linux never looks, the other
/// cores parked in it, the GIC handed over, a console line, the jump. The board says where the
/// monitor goes and does what is its own before (a watchdog disarmed).
/// </summary>
internal static class LinuxBoot<TBoard> where TBoard : IConsole, ICorePower
{
    /// <summary>
    /// The whole start: IRQs masked, caches cleaned and the MMU off (both boot protocols), the
    /// monitor in <paramref name="region"/> with the other cores parked in it (<see cref="ParkCores"/>),
    /// <paramref name="gic"/>'s shared interrupts handed to the normal world, then Linux at
    /// <paramref name="entry"/> with its device tree at <paramref name="deviceTree"/> (<see cref="Enter"/>).
    /// The caller stopped the network device's DMA and the hashing core. Never returns.
    /// </summary>
    public static void Start(GicV2<DirectMmio> gic, nuint region, nuint regionSize, nuint entry, nuint deviceTree)
    {
        Interrupts.Disable();
        Mmu.DisableAndClean();
        int cores = ParkCores(region, regionSize, out nuint monitor);
        gic.HandSharedInterruptsToNormalWorld();
        Enter(monitor, entry, deviceTree, cores);
    }

    /// <summary>How long a released core has to say it is parked in the monitor.</summary>
    private const long ParkMilliseconds = 100;

    /// <summary>
    /// Copies the monitor to <paramref name="region"/> (<paramref name="regionSize"/> bytes; the
    /// MMU is off) and releases every other core into its park; a core that does not park in
    /// time is reported and stays absent (Linux's CPU_ON for it fails, Linux runs without it).
    /// Returns the cores Linux can have, core 0 included.
    /// </summary>
    public static int ParkCores(nuint region, nuint regionSize, out nuint monitor)
    {
        if (SecureMonitor.Size > regionSize)
            Kernel.Panic("LinuxBoot: the secure monitor does not fit its region"u8);
        monitor = region;
        nuint park = SecureMonitor.Install(region);
        int cores = 1;
        for (int core = 1; core < TBoard.CoreCount; core++)
        {
            if (TBoard.PowerOnCore(core, park) && SecureMonitor.WaitParked(region, core, ParkMilliseconds))
            {
                cores++;
                continue;
            }
            ConsoleText<TBoard>.Write("netboot: core "u8);
            ConsoleText<TBoard>.WriteDecimal((ulong)core);
            ConsoleText<TBoard>.WriteLine(" did not reach the secure monitor: Linux runs without it"u8);
        }
        return cores;
    }

    /// <summary>Says where Linux starts and enters it through the monitor. Never returns.</summary>
    public static void Enter(nuint monitor, nuint entry, nuint deviceTree, int cores)
    {
        ConsoleText<TBoard>.Write("netboot: starting Linux at 0x"u8);
        ConsoleText<TBoard>.WriteHex(entry, 8);
        ConsoleText<TBoard>.Write(", device tree at 0x"u8);
        ConsoleText<TBoard>.WriteHex(deviceTree, 8);
        ConsoleText<TBoard>.Write(", "u8);
        ConsoleText<TBoard>.WriteDecimal((ulong)cores);
        ConsoleText<TBoard>.WriteLine(" cores under PSCI"u8);
        SecureMonitor.EnterLinux(monitor, entry, deviceTree);
    }
}
