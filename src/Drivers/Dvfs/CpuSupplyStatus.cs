namespace Unikernel.Drivers.Dvfs;

/// <summary>What a CPU supply (<see cref="ICpuSupply"/>) answered.</summary>
public enum CpuSupplyStatus : byte
{
    Ok,

    /// <summary>The voltage is outside the rail's safe range or not on its step grid; nothing was changed.</summary>
    OutOfRange,

    /// <summary>The regulator could not be reached or did not confirm (bus error, NACK, timeout).</summary>
    Failed,
}
