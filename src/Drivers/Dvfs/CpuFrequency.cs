using Unikernel.Drivers.Bus;
using Unikernel.Hardware;
using Unikernel.Platform;

namespace Unikernel.Drivers.Dvfs;

/// <summary>
/// CPU dynamic voltage and frequency scaling on the A64: PLL_CPUX and the CPU clock mux in the
/// CCU, the core voltage through <typeparamref name="TSupply"/>, along
/// <see cref="A64OperatingPoints"/>. A higher point gets its voltage before its frequency, a lower
/// one its frequency before its voltage, so the cores never run faster than their voltage allows
/// (the order of Linux's cpufreq-dt / OPP core, dev_pm_opp_set_rate). The PLL is reprogrammed with
/// the CPU on the 24 MHz oscillator and switched back once it has locked (U-Boot
/// arch/arm/mach-sunxi/clock_sun6i.c clock_set_pll1; Linux ccu-sun50i-a64.c does the same when it
/// rewrites the factors at probe). PLL_LOCK_CTRL is left alone: Linux and Allwinner's BSP poll
/// PLL_CPUX's LOCK bit without enabling anything there.
/// </summary>
public static class CpuFrequency<TBus, TClock, TSupply>
    where TBus : IMmio
    where TClock : IMonotonicClock
    where TSupply : ICpuSupply
{
    /// <summary>A PLL locks in microseconds (U-Boot waits 200 loop iterations); 10 ms is the deadline.</summary>
    public const long LockTimeoutMilliseconds = 10;

    /// <summary>
    /// Pause after raising the voltage, for the regulator's ramp: over four times the 244 us
    /// clock-latency-ns Linux budgets per transition in sun50i-a64-cpu-opp.dtsi.
    /// </summary>
    public const long SupplySettleMilliseconds = 1;

    /// <summary>The 32 kHz LOSC the CPU mux can also select (ccu-sun50i-a64.c cpux_parents "osc32k").</summary>
    private const uint LoscHz = 32_768;

    /// <summary>AXI = CPU / 3 (U-Boot clock_set_pll1 AXI_DIV_3; the field holds the divider - 1).</summary>
    private const uint AxiDivider = 3;

    /// <summary>
    /// Moves the CPU to operating point <paramref name="index"/> of <see cref="A64OperatingPoints"/>,
    /// then reads both back: the voltage from the supply, the frequency from PLL_CPUX's factors
    /// (with the CPU clock mux on the PLL).
    /// </summary>
    public static DvfsStatus SetOperatingPoint(CcuA64<TBus> ccu, int index)
    {
        if ((uint)index >= A64OperatingPoints.Count)
            return DvfsStatus.NoSuchOperatingPoint;
        OperatingPoint point = A64OperatingPoints.Get(index);
        if (!PllCpuxFactors.ForFrequency(point.FrequencyHz, out PllCpuxFactors factors))
            return DvfsStatus.NoSuchOperatingPoint;

        if (factors.FrequencyHz >= CurrentHz(ccu))
        {
            // Raising: voltage first. If the supply fails, the clock stays where it was.
            if (TSupply.SetMillivolts(point.Millivolts) != CpuSupplyStatus.Ok)
                return DvfsStatus.SupplyFailed;
            Settle();
            DvfsStatus clock = SetPll(ccu, factors);
            if (clock != DvfsStatus.Ok)
                return clock;
        }
        else
        {
            // Lowering: frequency first; a failed voltage change leaves a lower clock at a higher voltage, which is safe.
            DvfsStatus clock = SetPll(ccu, factors);
            if (clock != DvfsStatus.Ok)
                return clock;
            if (TSupply.SetMillivolts(point.Millivolts) != CpuSupplyStatus.Ok)
                return DvfsStatus.SupplyFailed;
        }

        if (TSupply.ReadMillivolts(out uint millivolts) != CpuSupplyStatus.Ok)
            return DvfsStatus.SupplyFailed;
        if (millivolts != point.Millivolts)
            return DvfsStatus.VoltageMismatch;
        if (CurrentHz(ccu) != factors.FrequencyHz)
            return DvfsStatus.FrequencyMismatch;
        return DvfsStatus.Ok;
    }

    /// <summary>
    /// The CPU clock as the CCU is set: PLL_CPUX from its factors read back when the CPU clock mux
    /// selects it, 24 MHz on the oscillator, 32768 Hz on the LOSC.
    /// </summary>
    public static uint CurrentHz(CcuA64<TBus> ccu)
    {
        var source = ccu.CpuxAxiCfg.Read().CpuxClkSrcSel;
        if (source == CcuA64.CpuxAxiCfg.CpuxClkSrcSelValue.Losc)
            return LoscHz;
        if (source == CcuA64.CpuxAxiCfg.CpuxClkSrcSelValue.Osc24m)
            return PllCpuxFactors.ReferenceHz;
        return ReadFactors(ccu).FrequencyHz;
    }

    /// <summary>PLL_CPUX's factors as the register holds them (fields hold factor - 1; P a power of two).</summary>
    public static PllCpuxFactors ReadFactors(CcuA64<TBus> ccu)
    {
        var pll = ccu.PllCpuxCtrl.Read();
        return new PllCpuxFactors(pll.PllFactorN + 1, pll.PllFactorK + 1, pll.PllFactorM + 1, 1u << (int)pll.PllOutExtDivp);
    }

    /// <summary>
    /// CPU onto the oscillator (dividers set as U-Boot sets them), new factors with the PLL enabled,
    /// lock awaited, CPU back onto the PLL. On a lock timeout the CPU stays on the oscillator.
    /// </summary>
    private static DvfsStatus SetPll(CcuA64<TBus> ccu, PllCpuxFactors factors)
    {
        var buses = CcuA64.CpuxAxiCfg.Zero.WithAxiClkDivRatio(AxiDivider - 1).WithAtbClkDiv(CcuA64.CpuxAxiCfg.AtbClkDivValue.Div2);
        ccu.CpuxAxiCfg.Write(buses.WithCpuxClkSrcSel(CcuA64.CpuxAxiCfg.CpuxClkSrcSelValue.Osc24m));
        ccu.PllCpuxCtrl.Write(CcuA64.PllCpuxCtrl.Zero.WithPllFactorN(factors.N - 1).WithPllFactorK(factors.K - 1)
            .WithPllFactorM(factors.M - 1).WithPllOutExtDivp(OutputDivider(factors.P)).WithPllEnable(true));
        long deadline = TClock.Milliseconds + LockTimeoutMilliseconds;
        while (!ccu.PllCpuxCtrl.Read().Lock)
        {
            if (TClock.Milliseconds > deadline)
                return DvfsStatus.PllNoLock;
        }
        ccu.CpuxAxiCfg.Write(buses.WithCpuxClkSrcSel(CcuA64.CpuxAxiCfg.CpuxClkSrcSelValue.PllCpux));
        return DvfsStatus.Ok;
    }

    private static CcuA64.Pow2Div OutputDivider(uint p) => p switch
    {
        2 => CcuA64.Pow2Div.Div2,
        4 => CcuA64.Pow2Div.Div4,
        _ => CcuA64.Pow2Div.Div1,
    };

    private static void Settle()
    {
        long start = TClock.Milliseconds;
        while (TClock.Milliseconds - start <= SupplySettleMilliseconds)
        {
        }
    }
}
