using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Dvfs;
using Unikernel.Hardware.Boards;
using Unikernel.Platform;

namespace Unikernel.Drivers.Power;

/// <summary>
/// The Pine64+'s CPU supply for DVFS: the AXP803's DCDC2 (vdd-cpux; DCDC3 runs polyphase with it,
/// Linux sun50i-a64-pine64.dts), within the board's safe range (hardware/boards/pine64-plus.yaml
/// power: DCDC2). The RSB must be up with the PMIC at its run-time address (<see cref="Pine64PlusPmic{TBus, TClock}"/>).
/// </summary>
public struct Pine64PlusCpuSupply<TBus, TClock> : ICpuSupply
    where TBus : IMmio
    where TClock : IMonotonicClock
{
    private static RailLimits SafeRange => new(Pine64Plus.Power.Dcdc2.MinMillivolts, Pine64Plus.Power.Dcdc2.MaxMillivolts);

    public static CpuSupplyStatus SetMillivolts(uint millivolts) =>
        From(Axp803Regulators<RsbPmicTransport<TBus, TClock>>.SetVoltage(Axp803Rail.Dcdc2, (int)millivolts, SafeRange));

    public static CpuSupplyStatus ReadMillivolts(out uint millivolts)
    {
        var status = Axp803Regulators<RsbPmicTransport<TBus, TClock>>.ReadVoltage(Axp803Rail.Dcdc2, out int value);
        millivolts = status == Axp803Status.Ok ? (uint)value : 0;
        return From(status);
    }

    /// <summary>A refused voltage is a range problem; anything from the bus is a failure to reach the PMIC.</summary>
    private static CpuSupplyStatus From(Axp803Status status) => status switch
    {
        Axp803Status.Ok => CpuSupplyStatus.Ok,
        Axp803Status.OutsideSafeRange or Axp803Status.OutsideRailRange or Axp803Status.NotOnStep => CpuSupplyStatus.OutOfRange,
        _ => CpuSupplyStatus.Failed,
    };
}
