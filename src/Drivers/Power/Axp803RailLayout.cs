namespace Unikernel.Drivers.Power;

/// <summary>
/// Where a rail's voltage and enable bit are and how its voltage code maps to millivolts. Codes
/// 0..<see cref="SplitCode"/> step by <see cref="FirstStep"/> from <see cref="MinMillivolts"/>;
/// codes above it, up to <see cref="LastCode"/>, by <see cref="SecondStep"/> (0 for one-segment rails).
/// A rail without a voltage register (DC1SW) has <see cref="VoltageMask"/> 0.
/// </summary>
public readonly struct Axp803RailLayout
{
    public readonly byte VoltageRegister;
    public readonly byte VoltageMask;
    public readonly byte EnableRegister;
    public readonly byte EnableMask;
    public readonly ushort MinMillivolts;
    public readonly byte FirstStep;
    public readonly byte SplitCode;
    public readonly byte SecondStep;
    public readonly byte LastCode;

    public Axp803RailLayout(byte voltageRegister, byte voltageMask, byte enableRegister, byte enableMask,
        ushort minMillivolts, byte firstStep, byte splitCode, byte secondStep, byte lastCode)
    {
        VoltageRegister = voltageRegister;
        VoltageMask = voltageMask;
        EnableRegister = enableRegister;
        EnableMask = enableMask;
        MinMillivolts = minMillivolts;
        FirstStep = firstStep;
        SplitCode = splitCode;
        SecondStep = secondStep;
        LastCode = lastCode;
    }

    public bool HasVoltage => VoltageMask != 0;

    /// <summary>The highest voltage the rail produces.</summary>
    public int MaxMillivolts => Millivolts(LastCode);

    /// <summary>The voltage of a code; codes above <see cref="LastCode"/> are the caller's to reject.</summary>
    public int Millivolts(int code) => code <= SplitCode
        ? MinMillivolts + code * FirstStep
        : MinMillivolts + SplitCode * FirstStep + (code - SplitCode) * SecondStep;

    /// <summary>The code of exactly <paramref name="millivolts"/>: refuses, never rounds.</summary>
    public Axp803Status Encode(int millivolts, out byte code)
    {
        code = 0;
        if (!HasVoltage)
            return Axp803Status.NoVoltageControl;
        if (millivolts < MinMillivolts || millivolts > MaxMillivolts)
            return Axp803Status.OutsideRailRange;
        int offset = millivolts - MinMillivolts;
        int firstSpan = SplitCode * FirstStep;
        int value;
        if (offset <= firstSpan)
        {
            if (offset % FirstStep != 0)
                return Axp803Status.NotOnStep;
            value = offset / FirstStep;
        }
        else
        {
            int rest = offset - firstSpan;
            if (rest % SecondStep != 0)
                return Axp803Status.NotOnStep;
            value = SplitCode + rest / SecondStep;
        }
        code = (byte)value;
        return Axp803Status.Ok;
    }
}
