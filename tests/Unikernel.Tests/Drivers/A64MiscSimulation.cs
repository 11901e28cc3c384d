using Unikernel.Drivers.Dvfs;
using Unikernel.Hardware;
using Unikernel.Net;
using Unikernel.Platform;

namespace Unikernel.Tests.Drivers;

/// <summary>A clock that moves one millisecond per reading, so every wait and deadline of the thermal, RTC, watchdog and DVFS drivers ends.</summary>
public struct A64MiscClock : IMonotonicClock
{
    public static long Now;

    public static long Milliseconds => ++Now;
}

/// <summary>
/// The <see cref="RecordingBus"/> log with the registers these tests touch named (CCU.PLL_CPUX_CTRL
/// rather than 0x01c20000), so an approved trace can be read against its source.
/// </summary>
public static class A64MiscTrace
{
    private static readonly Dictionary<nuint, string> Names = new()
    {
        [A64<RecordingBus>.Ccu.PllCpuxCtrl.Address] = "CCU.PLL_CPUX_CTRL",
        [A64<RecordingBus>.Ccu.CpuxAxiCfg.Address] = "CCU.CPUX_AXI_CFG",
        [A64<RecordingBus>.Ccu.BusClkGating2.Address] = "CCU.BUS_CLK_GATING2",
        [A64<RecordingBus>.Ccu.ThsClk.Address] = "CCU.THS_CLK",
        [A64<RecordingBus>.Ccu.BusSoftRst3.Address] = "CCU.BUS_SOFT_RST3",
        [A64<RecordingBus>.Sid.Prctl.Address] = "SID.PRCTL",
        [A64<RecordingBus>.Sid.Rdkey.Address] = "SID.RDKEY",
        [A64<RecordingBus>.Ths.ThsCtrl0.Address] = "THS.THS_CTRL0",
        [A64<RecordingBus>.Ths.ThsCtrl2.Address] = "THS.THS_CTRL2",
        [A64<RecordingBus>.Ths.ThsIntCtrl.Address] = "THS.THS_INT_CTRL",
        [A64<RecordingBus>.Ths.ThsFilter.Address] = "THS.THS_FILTER",
        [A64<RecordingBus>.Ths.ThsCdata0.Address] = "THS.THS_CDATA0",
        [A64<RecordingBus>.Ths.ThsCdata1.Address] = "THS.THS_CDATA1",
        [A64<RecordingBus>.Timer.Wdog0Ctrl.Address] = "TIMER.WDOG0_CTRL",
        [A64<RecordingBus>.Timer.Wdog0Cfg.Address] = "TIMER.WDOG0_CFG",
        [A64<RecordingBus>.Timer.Wdog0Mode.Address] = "TIMER.WDOG0_MODE",
    };

    /// <summary>The log so far with known addresses replaced by register names.</summary>
    public static IEnumerable<string> Named()
    {
        foreach (string line in RecordingBus.Log)
        {
            string named = line;
            foreach (var (address, name) in Names)
                named = named.Replace($"0x{address:x8}", name);
            yield return named;
        }
    }
}

/// <summary>
/// A CPU supply for the DVFS tests whose requests go into the <see cref="RecordingBus"/> log, so
/// one trace shows the order of voltage and clock changes.
/// </summary>
public struct RecordingSupply : ICpuSupply
{
    public static uint Millivolts;
    public static CpuSupplyStatus SetAnswer;

    /// <summary>Added to what <see cref="ReadMillivolts"/> reports: a regulator that did not take the voltage.</summary>
    public static int ReadBackError;

    public static void Reset(uint millivolts)
    {
        Millivolts = millivolts;
        SetAnswer = CpuSupplyStatus.Ok;
        ReadBackError = 0;
    }

    public static CpuSupplyStatus SetMillivolts(uint millivolts)
    {
        RecordingBus.Log.Add($"supply set {millivolts} mV -> {SetAnswer}");
        if (SetAnswer == CpuSupplyStatus.Ok)
            Millivolts = millivolts;
        return SetAnswer;
    }

    public static CpuSupplyStatus ReadMillivolts(out uint millivolts)
    {
        millivolts = (uint)(Millivolts + ReadBackError);
        RecordingBus.Log.Add($"supply read -> {millivolts} mV");
        return CpuSupplyStatus.Ok;
    }
}
