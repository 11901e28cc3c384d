namespace Unikernel.Drivers.Dram;

/// <summary>
/// The DRAM chip timings, in nanoseconds (converted to controller clocks for the board's clock) or
/// in clocks, and the mode register values that go with them. <see cref="Ddr3_1333"/> is U-Boot's
/// arch/arm/mach-sunxi/dram_timings/ddr3_1333.c, the set U-Boot uses for the H3, H5 and A64 DDR3
/// boards (CONFIG_SUNXI_DRAM_DDR3_1333, the Kconfig default).
/// </summary>
public readonly struct DramTimings
{
    // Nanoseconds, and for some a floor in controller clocks (U-Boot max(ns_to_t(x), n)).
    public ushort TfawNs { get; init; }
    public ushort TrrdNs { get; init; }
    public byte TrrdMin { get; init; }
    public ushort TrcdNs { get; init; }
    public ushort TrcNs { get; init; }
    public ushort TxpNs { get; init; }
    public byte TxpMin { get; init; }
    public ushort TwtrNs { get; init; }
    public byte TwtrMin { get; init; }
    public ushort TrtpNs { get; init; }
    public byte TrtpMin { get; init; }
    public ushort TwrNs { get; init; }
    public byte TwrMin { get; init; }
    public ushort TrpNs { get; init; }
    public ushort TrasNs { get; init; }
    public ushort TrefiNs { get; init; }
    public ushort TrfcNs { get; init; }

    // Controller clocks.
    public byte Tccd { get; init; }
    public byte Tmrw { get; init; }
    public byte Tmrd { get; init; }
    public byte Tmod { get; init; }
    public byte Tcke { get; init; }
    public byte Tcksrx { get; init; }
    public byte Tcksre { get; init; }
    public byte Tckesr { get; init; }
    public byte TrasMax { get; init; }
    public byte Tcl { get; init; }
    public byte Tcwl { get; init; }
    public byte TRdataEn { get; init; }
    public byte WrLatency { get; init; }

    /// <summary>Mode registers MR0..MR3 as the controller sends them to the chips.</summary>
    public ushort Mr0 { get; init; }
    public ushort Mr1 { get; init; }
    public ushort Mr2 { get; init; }
    public ushort Mr3 { get; init; }

    /// <summary>DDR3-1333 (U-Boot dram_timings/ddr3_1333.c): CL 11 / WR 12 in MR0, CWL 8 in MR2.</summary>
    public static DramTimings Ddr3_1333 => new()
    {
        TfawNs = 50, TrrdNs = 10, TrrdMin = 4, TrcdNs = 15, TrcNs = 53,
        TxpNs = 8, TxpMin = 3, TwtrNs = 8, TwtrMin = 4, TrtpNs = 8, TrtpMin = 4,
        TwrNs = 15, TwrMin = 3, TrpNs = 15, TrasNs = 38, TrefiNs = 7800, TrfcNs = 350,
        Tccd = 2, Tmrw = 0, Tmrd = 4, Tmod = 12, Tcke = 3, Tcksrx = 5, Tcksre = 5, Tckesr = 4,
        TrasMax = 24, Tcl = 6, Tcwl = 4, TRdataEn = 4, WrLatency = 2,
        Mr0 = 0x1C70, Mr1 = 0x40, Mr2 = 0x18, Mr3 = 0,
    };
}
