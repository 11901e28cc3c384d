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

/// <summary>Words a <see cref="DramStatus"/> for the boot log.</summary>
public static class DramStatusText
{
    public static string Describe(DramStatus status) => status switch
    {
        DramStatus.Ok => "ok",
        DramStatus.PllNoLock => "PLL_DDR did not lock",
        DramStatus.Timeout => "the controller or PHY did not finish a step in time",
        DramStatus.TrainingFailed => "DQS gate training failed on every rank and width",
        DramStatus.NoMemory => "no memory answers at the DRAM base",
        _ => "unknown status",
    };
}
