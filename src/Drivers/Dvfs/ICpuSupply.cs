namespace Unikernel.Drivers.Dvfs;

/// <summary>
/// The regulator that powers the CPU cores (on the Pine64+ the AXP803's DCDC2), as DVFS needs it.
/// Static members, so <see cref="CpuFrequency{TBus, TClock, TSupply}"/> is specialised for the
/// supply at compile time and nothing is dispatched at run time.
/// </summary>
public interface ICpuSupply
{
    /// <summary>Sets the output to exactly <paramref name="millivolts"/> and returns once the regulator has taken it.</summary>
    static abstract CpuSupplyStatus SetMillivolts(uint millivolts);

    /// <summary>The voltage the regulator is set to, read back from it.</summary>
    static abstract CpuSupplyStatus ReadMillivolts(out uint millivolts);
}
