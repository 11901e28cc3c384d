using Unikernel.Drivers.Bus;
using Unikernel.Hardware;
using Unikernel.Platform;

namespace Unikernel.Drivers.Cores;

/// <summary>
/// Powers on cores 1-3 of the H3 (one cluster of four Cortex-A7) through R_CPUCFG's per-core
/// resets and R_PRCM's power switches, in U-Boot's order (arch/arm/cpu/armv7/sunxi/psci.c,
/// psci_cpu_on: entry, reset asserted, L1 invalidate, debug locked, power, reset released, debug
/// unlocked); Linux arch/arm/mach-sunxi/platsmp.c does the same. The core starts at the soft
/// entry in secure SVC, MMU and caches off. QEMU 7.2 models the CPUCFG side (hw/misc/allwinner-cpucfg.c:
/// releasing the reset starts the core at the entry) and stubs R_PRCM (refs/qemu-h3.md 1.3).
/// </summary>
public static class H3CorePower<TBus, TClock>
    where TBus : IMmio
    where TClock : IMonotonicClock
{
    /// <summary>Cores in the H3's cluster.</summary>
    public const int Cores = 4;

    /// <summary>Starts <paramref name="core"/> (1-3) at <paramref name="entry"/>; false for core 0 or one that does not exist, with nothing written.</summary>
    public static bool PowerOn(RCpucfg<TBus> cpucfg, RPrcm<TBus> prcm, int core, uint entry)
    {
        if (core <= 0 || core >= Cores)
            return false;
        uint bit = 1u << core;
        cpucfg.CpuSoftEntry.Write(new RCpucfg.CpuSoftEntry(entry));
        cpucfg.Cpu(core).RstCtrl.Write(RCpucfg.CpuValues.RstCtrl.Zero);
        // U-Boot sunxi_cpu_invalidate_cache: clearing the core's GEN_CTRL bit invalidates its L1 at reset.
        cpucfg.GenCtrl.Write(new RCpucfg.GenCtrl(cpucfg.GenCtrl.Read().Raw & ~bit));
        var debug = cpucfg.DbgCtrl1.Read();
        cpucfg.DbgCtrl1.Write(debug.WithCoreDbgAccess(debug.CoreDbgAccess & ~bit));
        CorePowerSwitch<TBus, TClock>.Open(prcm, core);
        cpucfg.Cpu(core).RstCtrl.Write(RCpucfg.CpuValues.RstCtrl.Zero.WithCpuReset(true).WithCoreReset(true));
        debug = cpucfg.DbgCtrl1.Read();
        cpucfg.DbgCtrl1.Write(debug.WithCoreDbgAccess(debug.CoreDbgAccess | bit));
        return true;
    }
}
