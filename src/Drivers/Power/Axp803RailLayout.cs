using System.Runtime.InteropServices;
using Unikernel.Hardware;

namespace Unikernel.Drivers.Power;

/// <summary>
/// Where a rail's voltage and enable bit are and how its voltage code maps to millivolts. Codes
/// 0..<see cref="SplitCode"/> step by <see cref="FirstStep"/> from <see cref="MinMillivolts"/>;
/// codes above it, up to <see cref="LastCode"/>, by <see cref="SecondStep"/> (0 for one-segment rails).
/// A rail without a voltage register (DC1SW) has <see cref="VoltageMask"/> 0.
/// </summary>
public readonly struct Axp803RailLayout
{
    // Nine bytes in the order of a row of Table, which is read in place as an array of layouts.
    public readonly byte VoltageRegister;
    public readonly byte VoltageMask;
    public readonly byte EnableRegister;
    public readonly byte EnableMask;
    public readonly byte MinimumTens;
    public readonly byte FirstStep;
    public readonly byte SplitCode;
    public readonly byte SecondStep;
    public readonly byte LastCode;

    public Axp803RailLayout(byte voltageRegister, byte voltageMask, byte enableRegister, byte enableMask,
        byte minimumTens, byte firstStep, byte splitCode, byte secondStep, byte lastCode)
    {
        VoltageRegister = voltageRegister;
        VoltageMask = voltageMask;
        EnableRegister = enableRegister;
        EnableMask = enableMask;
        MinimumTens = minimumTens;
        FirstStep = firstStep;
        SplitCode = splitCode;
        SecondStep = secondStep;
        LastCode = lastCode;
    }

    /// <summary>The layout of <paramref name="rail"/>: its row of <see cref="Table"/>.</summary>
    public static Axp803RailLayout Of(Axp803Rail rail) => MemoryMarshal.Cast<byte, Axp803RailLayout>(Table)[(int)rail];

    /// <summary>
    /// One row per <see cref="Axp803Rail"/>, in its order: voltage register and field, enable
    /// register and bit (hardware/axp803.yaml), then minimum (tens of mV), first step (mV), split
    /// selector, second step (mV), last selector. Steps: Linux drivers/regulator/axp20x-regulator.c
    /// axp803_regulators with axp803_dcdc234_ranges, axp803_dcdc5_ranges, axp803_dcdc6_ranges and
    /// axp803_dldo2_ranges (selector bounds AXP803_DCDC*_START/END in include/linux/mfd/axp20x.h),
    /// and the AXP803 datasheet 1.0 section 9.3. Data, not code: a first stage of 32 KiB cannot
    /// afford a switch per rail.
    /// </summary>
    private static ReadOnlySpan<byte> Table =>
    [
        // DCDC1: 1.6-3.4 V in 100 mV (19 selectors).
        Axp803.Dcdc1VOut.Address, Axp803.Dcdc1VOut.VoltageMask, Axp803.PwrOutCtrl1.Address, Axp803.PwrOutCtrl1.Dcdc1EnMask, 160, 100, 18, 0, 18,
        // DCDC2-4: 0.5-1.2 V in 10 mV (selectors 0x00-0x46), then 1.22-1.3 V in 20 mV (0x47-0x4B).
        Axp803.Dcdc2VOut.Address, Axp803.Dcdc2VOut.VoltageMask, Axp803.PwrOutCtrl1.Address, Axp803.PwrOutCtrl1.Dcdc2EnMask, 50, 10, 70, 20, 75,
        Axp803.Dcdc3VOut.Address, Axp803.Dcdc3VOut.VoltageMask, Axp803.PwrOutCtrl1.Address, Axp803.PwrOutCtrl1.Dcdc3EnMask, 50, 10, 70, 20, 75,
        Axp803.Dcdc4VOut.Address, Axp803.Dcdc4VOut.VoltageMask, Axp803.PwrOutCtrl1.Address, Axp803.PwrOutCtrl1.Dcdc4EnMask, 50, 10, 70, 20, 75,
        // DCDC5: 0.8-1.12 V in 10 mV (0x00-0x20), then 1.14-1.84 V in 20 mV (0x21-0x44); DDR3's 1.5 V is 0x33.
        Axp803.Dcdc5VOut.Address, Axp803.Dcdc5VOut.VoltageMask, Axp803.PwrOutCtrl1.Address, Axp803.PwrOutCtrl1.Dcdc5EnMask, 80, 10, 32, 20, 68,
        // DCDC6: 0.6-1.1 V in 10 mV (0x00-0x32), then 1.12-1.52 V in 20 mV (0x33-0x47).
        Axp803.Dcdc6VOut.Address, Axp803.Dcdc6VOut.VoltageMask, Axp803.PwrOutCtrl1.Address, Axp803.PwrOutCtrl1.Dcdc6EnMask, 60, 10, 50, 20, 71,
        // ALDO1-3: 0.7-3.3 V in 100 mV (27 selectors).
        Axp803.Aldo1VOut.Address, Axp803.Aldo1VOut.VoltageMask, Axp803.PwrOutCtrl3.Address, Axp803.PwrOutCtrl3.Aldo1EnMask, 70, 100, 26, 0, 26,
        Axp803.Aldo2VOut.Address, Axp803.Aldo2VOut.VoltageMask, Axp803.PwrOutCtrl3.Address, Axp803.PwrOutCtrl3.Aldo2EnMask, 70, 100, 26, 0, 26,
        Axp803.Aldo3VOut.Address, Axp803.Aldo3VOut.VoltageMask, Axp803.PwrOutCtrl3.Address, Axp803.PwrOutCtrl3.Aldo3EnMask, 70, 100, 26, 0, 26,
        // DLDO1, 3, 4: 0.7-3.3 V in 100 mV; DLDO2: 0.7-3.4 V in 100 mV (0x00-0x1B), then 3.6-4.2 V in 200 mV (0x1C-0x1F).
        Axp803.Dldo1VOut.Address, Axp803.Dldo1VOut.VoltageMask, Axp803.PwrOutCtrl2.Address, Axp803.PwrOutCtrl2.Dldo1EnMask, 70, 100, 26, 0, 26,
        Axp803.Dldo2VOut.Address, Axp803.Dldo2VOut.VoltageMask, Axp803.PwrOutCtrl2.Address, Axp803.PwrOutCtrl2.Dldo2EnMask, 70, 100, 27, 200, 31,
        Axp803.Dldo3VOut.Address, Axp803.Dldo3VOut.VoltageMask, Axp803.PwrOutCtrl2.Address, Axp803.PwrOutCtrl2.Dldo3EnMask, 70, 100, 26, 0, 26,
        Axp803.Dldo4VOut.Address, Axp803.Dldo4VOut.VoltageMask, Axp803.PwrOutCtrl2.Address, Axp803.PwrOutCtrl2.Dldo4EnMask, 70, 100, 26, 0, 26,
        // ELDO1-3: 0.7-1.9 V in 50 mV (25 selectors).
        Axp803.Eldo1VOut.Address, Axp803.Eldo1VOut.VoltageMask, Axp803.PwrOutCtrl2.Address, Axp803.PwrOutCtrl2.Eldo1EnMask, 70, 50, 24, 0, 24,
        Axp803.Eldo2VOut.Address, Axp803.Eldo2VOut.VoltageMask, Axp803.PwrOutCtrl2.Address, Axp803.PwrOutCtrl2.Eldo2EnMask, 70, 50, 24, 0, 24,
        Axp803.Eldo3VOut.Address, Axp803.Eldo3VOut.VoltageMask, Axp803.PwrOutCtrl2.Address, Axp803.PwrOutCtrl2.Eldo3EnMask, 70, 50, 24, 0, 24,
        // FLDO1-2: 0.7-1.45 V in 50 mV (16 selectors).
        Axp803.Fldo1VOut.Address, Axp803.Fldo1VOut.VoltageMask, Axp803.PwrOutCtrl3.Address, Axp803.PwrOutCtrl3.Fldo1EnMask, 70, 50, 15, 0, 15,
        Axp803.Fldo2VOut.Address, Axp803.Fldo2VOut.VoltageMask, Axp803.PwrOutCtrl3.Address, Axp803.PwrOutCtrl3.Fldo2EnMask, 70, 50, 15, 0, 15,
        // DC1SW: only a switch on DCDC1's output, no voltage field.
        0, 0, Axp803.PwrOutCtrl2.Address, Axp803.PwrOutCtrl2.Dc1swEnMask, 0, 0, 0, 0, 0,
    ];

    public bool HasVoltage => VoltageMask != 0;

    /// <summary>The lowest voltage the rail produces (stored in tens of millivolts: all are multiples of 100 mV).</summary>
    public int MinMillivolts => MinimumTens * 10;

    /// <summary>The highest voltage the rail produces.</summary>
    public int MaxMillivolts => Millivolts(LastCode);

    /// <summary>The voltage of a code; codes above <see cref="LastCode"/> are the caller's to reject.</summary>
    public int Millivolts(int code) => code <= SplitCode
        ? MinMillivolts + code * FirstStep
        : MinMillivolts + SplitCode * FirstStep + (code - SplitCode) * SecondStep;

    /// <summary>
    /// The code of exactly <paramref name="millivolts"/>: refuses, never rounds. A walk over at most
    /// 76 codes, which is smaller code than dividing (no divide-by-zero checks) in a 32 KiB first stage.
    /// </summary>
    public Axp803Status Encode(int millivolts, out byte code)
    {
        code = 0;
        if (!HasVoltage)
            return Axp803Status.NoVoltageControl;
        if (millivolts < MinMillivolts || millivolts > MaxMillivolts)
            return Axp803Status.OutsideRailRange;
        for (int candidate = 0; candidate <= LastCode; candidate++)
        {
            int step = Millivolts(candidate);
            if (step == millivolts)
            {
                code = (byte)candidate;
                return Axp803Status.Ok;
            }
            if (step > millivolts)
                break;
        }
        return Axp803Status.NotOnStep;
    }
}
