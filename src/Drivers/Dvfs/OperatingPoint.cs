namespace Unikernel.Drivers.Dvfs;

/// <summary>A CPU clock and the core voltage it needs.</summary>
public readonly struct OperatingPoint
{
    public readonly uint FrequencyHz;
    public readonly uint Millivolts;

    public OperatingPoint(uint frequencyHz, uint millivolts)
    {
        FrequencyHz = frequencyHz;
        Millivolts = millivolts;
    }
}
