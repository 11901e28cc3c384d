using Unikernel.Drivers.Bus;
using Unikernel.Hardware.Boards;
using Unikernel.Platform;

namespace Unikernel.Drivers.Power;

/// <summary>
/// The Pine64+'s PMIC bring-up for the first stage, kept small: RSB up, AXP803 addressed and
/// identified, DRAM rail (DCDC5) at its target and on before DRAM init, Ethernet PHY rail (DC1SW)
/// on. Everything else keeps its power-on default. Voltages and ranges: hardware/boards/pine64-plus.yaml.
/// Linux sun50i-a64-pine64-plus.dts gives DC1SW 100 ms to power the PHY up: the EMAC bring-up
/// comes much later.
/// </summary>
public static class Pine64PlusPmic<TBus, TClock>
    where TBus : IMmio
    where TClock : IMonotonicClock
{
    public static Axp803Status BringUp()
    {
        var status = Connect();
        if (status == Axp803Status.Ok)
            status = Axp803Regulators<RsbPmicTransport<TBus, TClock>>.SetAndEnable(Axp803Rail.Dcdc5, Pine64Plus.Power.Dcdc5.TargetMillivolts,
                new RailLimits(Pine64Plus.Power.Dcdc5.MinMillivolts, Pine64Plus.Power.Dcdc5.MaxMillivolts));
        if (status == Axp803Status.Ok)
            status = Axp803Regulators<RsbPmicTransport<TBus, TClock>>.Enable(Axp803Rail.Dc1sw);
        return status;
    }

    /// <summary>
    /// RSB up, the AXP803 switched to RSB mode and given its run-time address, its chip ID checked.
    /// The second stage calls this again (the switch and address are idempotent, as Linux's probe
    /// redoes them after U-Boot's SPL) before it talks to the PMIC.
    /// </summary>
    public static Axp803Status Connect()
    {
        var bus = RsbTransport<TBus, TClock>.Initialize();
        if (bus == RsbStatus.Ok)
            bus = RsbTransport<TBus, TClock>.SetRuntimeAddress((ushort)Pine64Plus.Pmic.Address, RsbAddresses.RuntimeAddressFor(Pine64Plus.Pmic.Address));
        if (bus != RsbStatus.Ok)
            return Axp803StatusText.FromBus(bus);
        return Axp803Regulators<RsbPmicTransport<TBus, TClock>>.CheckChipId(out _);
    }
}
