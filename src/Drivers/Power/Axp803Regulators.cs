using Unikernel.Hardware;

namespace Unikernel.Drivers.Power;

/// <summary>
/// The AXP803's regulators over any checked transport (RSB on the Pine64+): chip ID, voltages
/// (exact steps only, within the board's safe range), enable and disable, read-back. Registers and
/// bits come from hardware/axp803.yaml; the voltage steps are the table below.
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

    /// <summary>
    /// Each rail's registers (hardware/axp803.yaml) and steps: Linux drivers/regulator/axp20x-regulator.c
    /// axp803_regulators with axp803_dcdc234_ranges, axp803_dcdc5_ranges, axp803_dcdc6_ranges and
    /// axp803_dldo2_ranges (include/linux/mfd/axp20x.h AXP803_DCDC*_START/END); U-Boot
    /// drivers/power/axp818.c-style tables agree. Split and last codes are selector numbers.
    /// </summary>
    public static Axp803RailLayout Layout(Axp803Rail rail)
    {
        var p = Pmic;
        byte ctrl1 = p.PwrOutCtrl1.Address, ctrl2 = p.PwrOutCtrl2.Address, ctrl3 = p.PwrOutCtrl3.Address;
        switch (rail)
        {
            // DCDC1: 1.6-3.4 V in 100 mV steps (19 selectors).
            case Axp803Rail.Dcdc1: return new(p.Dcdc1VOut.Address, Mask(new Axp803.Dcdc1VOut(0xFF).Voltage), ctrl1, Axp803.PwrOutCtrl1.Zero.WithDcdc1En(true).Raw, 1600, 100, 18, 0, 18);
            // DCDC2-4: 0.5-1.2 V in 10 mV (selectors 0x00-0x46), then 1.22-1.3 V in 20 mV (0x47-0x4B).
            case Axp803Rail.Dcdc2: return new(p.Dcdc2VOut.Address, Mask(new Axp803.Dcdc2VOut(0xFF).Voltage), ctrl1, Axp803.PwrOutCtrl1.Zero.WithDcdc2En(true).Raw, 500, 10, 70, 20, 75);
            case Axp803Rail.Dcdc3: return new(p.Dcdc3VOut.Address, Mask(new Axp803.Dcdc3VOut(0xFF).Voltage), ctrl1, Axp803.PwrOutCtrl1.Zero.WithDcdc3En(true).Raw, 500, 10, 70, 20, 75);
            case Axp803Rail.Dcdc4: return new(p.Dcdc4VOut.Address, Mask(new Axp803.Dcdc4VOut(0xFF).Voltage), ctrl1, Axp803.PwrOutCtrl1.Zero.WithDcdc4En(true).Raw, 500, 10, 70, 20, 75);
            // DCDC5: 0.8-1.12 V in 10 mV (0x00-0x20), then 1.14-1.84 V in 20 mV (0x21-0x44); DDR3's 1.5 V is 0x33.
            case Axp803Rail.Dcdc5: return new(p.Dcdc5VOut.Address, Mask(new Axp803.Dcdc5VOut(0xFF).Voltage), ctrl1, Axp803.PwrOutCtrl1.Zero.WithDcdc5En(true).Raw, 800, 10, 32, 20, 68);
            // DCDC6: 0.6-1.1 V in 10 mV (0x00-0x32), then 1.12-1.52 V in 20 mV (0x33-0x47).
            case Axp803Rail.Dcdc6: return new(p.Dcdc6VOut.Address, Mask(new Axp803.Dcdc6VOut(0xFF).Voltage), ctrl1, Axp803.PwrOutCtrl1.Zero.WithDcdc6En(true).Raw, 600, 10, 50, 20, 71);
            // ALDO1-3, DLDO1/3/4: 0.7-3.3 V in 100 mV (27 selectors).
            case Axp803Rail.Aldo1: return new(p.Aldo1VOut.Address, Mask(new Axp803.Aldo1VOut(0xFF).Voltage), ctrl3, Axp803.PwrOutCtrl3.Zero.WithAldo1En(true).Raw, 700, 100, 26, 0, 26);
            case Axp803Rail.Aldo2: return new(p.Aldo2VOut.Address, Mask(new Axp803.Aldo2VOut(0xFF).Voltage), ctrl3, Axp803.PwrOutCtrl3.Zero.WithAldo2En(true).Raw, 700, 100, 26, 0, 26);
            case Axp803Rail.Aldo3: return new(p.Aldo3VOut.Address, Mask(new Axp803.Aldo3VOut(0xFF).Voltage), ctrl3, Axp803.PwrOutCtrl3.Zero.WithAldo3En(true).Raw, 700, 100, 26, 0, 26);
            case Axp803Rail.Dldo1: return new(p.Dldo1VOut.Address, Mask(new Axp803.Dldo1VOut(0xFF).Voltage), ctrl2, Axp803.PwrOutCtrl2.Zero.WithDldo1En(true).Raw, 700, 100, 26, 0, 26);
            // DLDO2: 0.7-3.4 V in 100 mV (0x00-0x1B), then 3.6-4.2 V in 200 mV (0x1C-0x1F).
            case Axp803Rail.Dldo2: return new(p.Dldo2VOut.Address, Mask(new Axp803.Dldo2VOut(0xFF).Voltage), ctrl2, Axp803.PwrOutCtrl2.Zero.WithDldo2En(true).Raw, 700, 100, 27, 200, 31);
            case Axp803Rail.Dldo3: return new(p.Dldo3VOut.Address, Mask(new Axp803.Dldo3VOut(0xFF).Voltage), ctrl2, Axp803.PwrOutCtrl2.Zero.WithDldo3En(true).Raw, 700, 100, 26, 0, 26);
            case Axp803Rail.Dldo4: return new(p.Dldo4VOut.Address, Mask(new Axp803.Dldo4VOut(0xFF).Voltage), ctrl2, Axp803.PwrOutCtrl2.Zero.WithDldo4En(true).Raw, 700, 100, 26, 0, 26);
            // ELDO1-3: 0.7-1.9 V in 50 mV (25 selectors).
            case Axp803Rail.Eldo1: return new(p.Eldo1VOut.Address, Mask(new Axp803.Eldo1VOut(0xFF).Voltage), ctrl2, Axp803.PwrOutCtrl2.Zero.WithEldo1En(true).Raw, 700, 50, 24, 0, 24);
            case Axp803Rail.Eldo2: return new(p.Eldo2VOut.Address, Mask(new Axp803.Eldo2VOut(0xFF).Voltage), ctrl2, Axp803.PwrOutCtrl2.Zero.WithEldo2En(true).Raw, 700, 50, 24, 0, 24);
            case Axp803Rail.Eldo3: return new(p.Eldo3VOut.Address, Mask(new Axp803.Eldo3VOut(0xFF).Voltage), ctrl2, Axp803.PwrOutCtrl2.Zero.WithEldo3En(true).Raw, 700, 50, 24, 0, 24);
            // FLDO1-2: 0.7-1.45 V in 50 mV (16 selectors).
            case Axp803Rail.Fldo1: return new(p.Fldo1VOut.Address, Mask(new Axp803.Fldo1VOut(0xFF).Voltage), ctrl3, Axp803.PwrOutCtrl3.Zero.WithFldo1En(true).Raw, 700, 50, 15, 0, 15);
            case Axp803Rail.Fldo2: return new(p.Fldo2VOut.Address, Mask(new Axp803.Fldo2VOut(0xFF).Voltage), ctrl3, Axp803.PwrOutCtrl3.Zero.WithFldo2En(true).Raw, 700, 50, 15, 0, 15);
            // DC1SW: only a switch on DCDC1's output.
            default: return new(0, 0, ctrl2, Axp803.PwrOutCtrl2.Zero.WithDc1swEn(true).Raw, 0, 0, 0, 0, 0);
        }
    }

    private static byte Mask(uint fieldMaximum) => (byte)fieldMaximum;
}
