namespace Unikernel.Drivers.Dram;

/// <summary>How a DRAM bring-up ended (<see cref="DramResult.Status"/>).</summary>
public enum DramStatus : byte
{
    Ok,

    /// <summary>PLL_DDR (or the SoC's DRAM PLL) did not report lock in time.</summary>
    PllNoLock,

    /// <summary>A controller, PHY or clock step did not complete in time (U-Boot panics after 1 s here).</summary>
    Timeout,

    /// <summary>DQS gate training still reported errors after falling back to one rank / half width.</summary>
    TrainingFailed,

    /// <summary>Nothing answers at the DRAM base: a pattern written there does not read back.</summary>
    NoMemory,
}
