namespace Unikernel.Drivers.Dram;

/// <summary>
/// What <see cref="DramController{TBus, TClock, TDramClock}.Initialize"/> found: the status, and on
/// <see cref="DramStatus.Ok"/> the geometry it detected and programmed into MCTL_CR. Both ranks
/// have the same geometry (as U-Boot's dram_sunxi_dw.c assumes).
/// </summary>
public readonly struct DramResult
{
    public DramStatus Status { get; init; }

    /// <summary>Bytes of DRAM from the DRAM base: ranks x 2^(row bits + bank bits) x page size.</summary>
    public ulong SizeBytes { get; init; }

    /// <summary>1 or 2 chip selects.</summary>
    public int Ranks { get; init; }

    /// <summary>Row address bits (11 to 16).</summary>
    public int RowBits { get; init; }

    /// <summary>Banks per chip: 4 or 8.</summary>
    public int Banks { get; init; }

    /// <summary>Bytes of one row across the bus (column count x bus bytes): 512 to 8192.</summary>
    public int PageSize { get; init; }

    /// <summary>True for the 32-bit data bus, false when training found only lanes 0 and 1 (16 bits).</summary>
    public bool FullWidth { get; init; }

    public static DramResult Failed(DramStatus status) => new() { Status = status };
}
