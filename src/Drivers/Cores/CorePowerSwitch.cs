using Unikernel.Drivers.Bus;
using Unikernel.Hardware;
using Unikernel.Platform;

namespace Unikernel.Drivers.Cores;

/// <summary>
/// A core's power switch in R_PRCM, shared by the H3 and the A64: the clamp opened in steps
/// (0xFE, 0xF8, 0xE0, 0x80, 0x00: "power enable sequence from original Allwinner sources", ATF
/// plat/allwinner/common/sunxi_cpu_ops.c sunxi_cpu_enable_power; U-Boot psci.c sunxi_power_switch),
/// a settling wait (U-Boot waits 20 us; our clock counts milliseconds, so 1 ms), then the core's
/// output clamp (power-off gating) released.
/// </summary>
public static class CorePowerSwitch<TBus, TClock>
    where TBus : IMmio
    where TClock : IMonotonicClock
{
    public static void Open(RPrcm<TBus> prcm, int core)
    {
        var clamp = prcm.CpuPwrClamp(core);
        if (clamp.Read().PwrClamp != 0)
        {
            clamp.Write(RPrcm.CpuPwrClamp.Zero.WithPwrClamp(0xFE));
            clamp.Write(RPrcm.CpuPwrClamp.Zero.WithPwrClamp(0xF8));
            clamp.Write(RPrcm.CpuPwrClamp.Zero.WithPwrClamp(0xE0));
            clamp.Write(RPrcm.CpuPwrClamp.Zero.WithPwrClamp(0x80));
            clamp.Write(RPrcm.CpuPwrClamp.Zero.WithPwrClamp(0x00));
            WaitAMillisecond();
        }
        var gating = prcm.CpuPwroffGating.Read();
        prcm.CpuPwroffGating.Write(new RPrcm.CpuPwroffGating(gating.Raw & ~(1u << core)));
    }

    private static void WaitAMillisecond()
    {
        long start = TClock.Milliseconds;
        while (TClock.Milliseconds <= start + 1)
        {
        }
    }
}
