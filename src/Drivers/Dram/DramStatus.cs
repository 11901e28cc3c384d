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

/// <summary>Words a <see cref="DramStatus"/> for the boot log (UTF-8 literals: in the first stage a
/// string literal costs twice the bytes plus an object header).</summary>
public static class DramStatusText
{
    public static ReadOnlySpan<byte> Describe(DramStatus status) => status switch
    {
        DramStatus.Ok => "ok"u8,
        DramStatus.PllNoLock => "PLL_DDR did not lock"u8,
        DramStatus.Timeout => "the controller or PHY did not finish a step in time"u8,
        DramStatus.TrainingFailed => "DQS gate training failed on every rank and width"u8,
        DramStatus.NoMemory => "no memory answers at the DRAM base"u8,
        _ => "unknown status"u8,
    };
}
