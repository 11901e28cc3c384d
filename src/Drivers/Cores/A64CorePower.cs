using Unikernel.Drivers.Bus;
using Unikernel.Hardware;
using Unikernel.Platform;

namespace Unikernel.Drivers.Cores;

/// <summary>
/// Powers on cores 1-3 of the A64 (cluster 0, four Cortex-A53) straight into AArch64 at EL3:
/// the core's RVBAR set to the entry, then Arm Trusted Firmware's sunxi_cpu_on
/// (plat/allwinner/common/sunxi_cpu_ops.c): core and power-on resets asserted, AArch64 chosen
/// for its reset (CPUCFG C0_CTRL_REG0.AA64nAA32: unlike core 0, which the boot ROM starts in
/// AArch32 and a64-aarch32-stub.S warm-resets, a secondary comes up in AArch64 at once), power
/// switch opened, output clamp released, resets released, DBGPWRDUP set.
/// </summary>
public static class A64CorePower<TBus, TClock>
    where TBus : IMmio
    where TClock : IMonotonicClock
{
    /// <summary>Cores in the A64's cluster 0.</summary>
    public const int Cores = 4;

    /// <summary>Starts <paramref name="core"/> (1-3) at <paramref name="entry"/>; false for core 0 or one that does not exist, with nothing written.</summary>
    public static bool PowerOn(CpucfgA64<TBus> cpucfg, RCpucfg<TBus> rCpucfg, RPrcm<TBus> prcm, int core, ulong entry)
    {
        if (core <= 0 || core >= Cores)
            return false;
        uint bit = 1u << core;
        // ATF sets every core's RVBAR once (sunxi_pm.c); here only the core being started.
        cpucfg.RvbaraddrL(core).Write(new CpucfgA64.RvbaraddrL((uint)entry));
        cpucfg.RvbaraddrH(core).Write(new CpucfgA64.RvbaraddrH((uint)(entry >> 32)));
        var resets = cpucfg.C0RstCtrl.Read();
        cpucfg.C0RstCtrl.Write(resets.WithCoreReset(resets.CoreReset & ~bit));
        var powerOn = rCpucfg.C0PwronRst.Read();
        rCpucfg.C0PwronRst.Write(powerOn.WithCorePwronRst(powerOn.CorePwronRst & ~bit));
        var control = cpucfg.C0CtrlReg0.Read();
        cpucfg.C0CtrlReg0.Write(control.WithAa64naa32(control.Aa64naa32 | bit));
        CorePowerSwitch<TBus, TClock>.Open(prcm, core);
        powerOn = rCpucfg.C0PwronRst.Read();
        rCpucfg.C0PwronRst.Write(powerOn.WithCorePwronRst(powerOn.CorePwronRst | bit));
        resets = cpucfg.C0RstCtrl.Read();
        cpucfg.C0RstCtrl.Write(resets.WithCoreReset(resets.CoreReset | bit));
        var debug = cpucfg.DbgReg0.Read();
        cpucfg.DbgReg0.Write(debug.WithDbgpwrdup(debug.Dbgpwrdup | bit));
        return true;
    }
}
