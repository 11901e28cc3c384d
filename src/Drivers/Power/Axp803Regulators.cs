using Unikernel.Hardware;

namespace Unikernel.Drivers.Power;

/// <summary>
/// The AXP803's regulators over any checked transport (RSB on the Pine64+): chip ID, voltages
/// (exact steps only, within the board's safe range), enable and disable, read-back. Registers and
/// bits come from hardware/axp803.yaml; the voltage steps from <see cref="Axp803RailLayout"/>.
/// </summary>
public static class Axp803Regulators<TTransport>
    where TTransport : ICheckedRegisterTransport8
{
    /// <summary>
    /// Register 0x03 masked with 0xCF reads 0x41 on an AXP803 (bits 5:4 vary: a Pine64+ reads 0x51).
    /// U-Boot drivers/power/axp_spl.c (AXP803 chip_id 0x41, mask 0xCF) and ATF drivers/allwinner/axp/common.c axp_check_id.
    /// </summary>
    public const byte ChipIdMask = 0xCF;
    public const byte ChipId = 0x41;

    private static Axp803<TTransport> Pmic => default;

    /// <summary>Reads the chip ID; <see cref="Axp803Status.WrongChipId"/> if it is not an AXP803.</summary>
    public static Axp803Status CheckChipId(out byte id)
    {
        TTransport.ClearError();
        id = Pmic.ChipId.Read().Raw;
        var status = BusStatus();
        if (status != Axp803Status.Ok)
            return status;
        return (id & ChipIdMask) == ChipId ? Axp803Status.Ok : Axp803Status.WrongChipId;
    }

    /// <summary>
    /// Sets <paramref name="rail"/> to exactly <paramref name="millivolts"/>. Refuses, writing nothing,
    /// a voltage outside <paramref name="safe"/> (the board's range), outside the rail's range, or
    /// between two steps: a regulator is not the place to guess what the caller meant. The other
    /// bits of the voltage register (DCDC DVM enables) are kept.
    /// </summary>
    public static Axp803Status SetVoltage(Axp803Rail rail, int millivolts, RailLimits safe)
    {
        var layout = Layout(rail);
        if (!layout.HasVoltage)
            return Axp803Status.NoVoltageControl;
        if (!safe.Allows(millivolts))
            return Axp803Status.OutsideSafeRange;
        var status = layout.Encode(millivolts, out byte code);
        if (status != Axp803Status.Ok)
            return status;
        TTransport.ClearError();
        byte value = TTransport.Read8(layout.VoltageRegister);
        TTransport.Write8(layout.VoltageRegister, (byte)((value & ~layout.VoltageMask) | code));
        return BusStatus();
    }

    /// <summary>The voltage <paramref name="rail"/> is set to (whether or not it is on).</summary>
    public static Axp803Status ReadVoltage(Axp803Rail rail, out int millivolts)
    {
        millivolts = 0;
        var layout = Layout(rail);
        if (!layout.HasVoltage)
            return Axp803Status.NoVoltageControl;
        TTransport.ClearError();
        int code = TTransport.Read8(layout.VoltageRegister) & layout.VoltageMask;
        var status = BusStatus();
        if (status != Axp803Status.Ok)
            return status;
        if (code > layout.LastCode)
            return Axp803Status.OutsideRailRange; // a reserved code (Linux: no voltage for this selector)
        millivolts = layout.Millivolts(code);
        return Axp803Status.Ok;
    }

    public static Axp803Status Enable(Axp803Rail rail) => SetEnabled(rail, true);

    public static Axp803Status Disable(Axp803Rail rail) => SetEnabled(rail, false);

    public static Axp803Status IsEnabled(Axp803Rail rail, out bool enabled)
    {
        var layout = Layout(rail);
        TTransport.ClearError();
        enabled = (TTransport.Read8(layout.EnableRegister) & layout.EnableMask) != 0;
        return BusStatus();
    }

    /// <summary>Sets the voltage, then switches the rail on (the order U-Boot's axp_set_* use).</summary>
    public static Axp803Status SetAndEnable(Axp803Rail rail, int millivolts, RailLimits safe)
    {
        var status = SetVoltage(rail, millivolts, safe);
        return status != Axp803Status.Ok ? status : Enable(rail);
    }

    private static Axp803Status SetEnabled(Axp803Rail rail, bool on)
    {
        var layout = Layout(rail);
        TTransport.ClearError();
        byte value = TTransport.Read8(layout.EnableRegister);
        TTransport.Write8(layout.EnableRegister, on ? (byte)(value | layout.EnableMask) : (byte)(value & ~layout.EnableMask));
        return BusStatus();
    }

    private static Axp803Status BusStatus() => Axp803StatusText.FromBus(TTransport.Error);

    private static Axp803RailLayout Layout(Axp803Rail rail) => Axp803RailLayout.Of(rail);
}
