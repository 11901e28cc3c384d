namespace Unikernel.Drivers.Power;

/// <summary>
/// The millivolts a rail may be set to on a board, from the board file's power section
/// (e.g. <c>new RailLimits(Pine64Plus.Power.Dcdc5.MinMillivolts, Pine64Plus.Power.Dcdc5.MaxMillivolts)</c>).
/// </summary>
public readonly struct RailLimits
{
    public readonly int MinMillivolts;
    public readonly int MaxMillivolts;

    public RailLimits(int minMillivolts, int maxMillivolts)
    {
        MinMillivolts = minMillivolts;
        MaxMillivolts = maxMillivolts;
    }

    public bool Allows(int millivolts) => millivolts >= MinMillivolts && millivolts <= MaxMillivolts;
}
