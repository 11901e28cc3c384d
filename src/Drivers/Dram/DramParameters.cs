using Unikernel.Hardware;

namespace Unikernel.Drivers.Dram;

/// <summary>
/// Everything board- and SoC-specific about a DesignWare-style Allwinner DRAM bring-up, as data:
/// the H3 and the A64 differ here (U-Boot arch/arm/mach-sunxi/dram_sunxi_dw.c, where the
/// differences are `socid ==` branches) and in their <see cref="IDramClock"/> (clocks, and the ZQ
/// calibration, which selects code). Presets: <see cref="H3DramParameters"/>, <see cref="A64DramParameters"/>.
/// A ref struct because the delay and MBUS tables are spans over static data.
/// </summary>
public readonly ref struct DramParameters
{
    /// <summary>Where DRAM starts on the bus (U-Boot CONFIG_SYS_SDRAM_BASE).</summary>
    public nuint DramBase { get; init; }

    /// <summary>DRAM clock in MHz (U-Boot CONFIG_DRAM_CLK); the PLL runs at twice this, the controller at half.</summary>
    public uint ClockMhz { get; init; }

    /// <summary>ZQ impedance settings, one 4-bit setting per pad (U-Boot CONFIG_DRAM_ZQ), as ZQCR holds them.</summary>
    public DramCtl.Zqcr Zq { get; init; }

    /// <summary>On-die termination on the data lanes (U-Boot CONFIG_DRAM_ODT_EN).</summary>
    public bool OdtEnabled { get; init; }

    /// <summary>Mode and timing registers for <see cref="ClockMhz"/>, from <see cref="DramTimings.ToRegisters"/>.</summary>
    public DramTimingRegisters Timing { get; init; }

    /// <summary>PGCR2 dphy/aphy phase select (U-Boot: H3 6 = 270 degrees, A64/H5 3).</summary>
    public uint PhyPhaseSelect { get; init; }

    /// <summary>Put the DX ddr_clk/hdr_clk in dynamic mode (PGCR0; U-Boot does it on the H3 only).</summary>
    public bool DxClockDynamic { get; init; }

    /// <summary>PGCR3, "CKE polarity" (U-Boot: one word for the H3, another for the A64/H5).</summary>
    public DramCtl.Pgcr3 Pgcr3 { get; init; }

    /// <summary>ODTCFG, the ODT hold times (U-Boot: H3 only); <c>Zero</c> leaves the register alone.</summary>
    public DramCtl.Odtcfg OdtConfiguration { get; init; }

    /// <summary>VTFCR.VTF bits to set after init (U-Boot: A64 2, H5/R40 3); 0 leaves it.</summary>
    public uint Vtf { get; init; }

    /// <summary>Clear PGCR2.DQ_HOLD after init (U-Boot: A64/H5/R40).</summary>
    public bool DqHoldDisable { get; init; }

    /// <summary>CLKEN after the clocks are up (U-Boot mctl_sys_init).</summary>
    public DramCtl.Clken ClockEnable { get; init; }

    /// <summary>MCTL_COM TMR, the bandwidth window timer (U-Boot: A64 399); 0 leaves it.</summary>
    public uint MbusTimer { get; init; }

    /// <summary>BWCR window size (U-Boot: H3 400 = 1 us, A64 0 with TMR instead).</summary>
    public uint MbusWindow { get; init; }

    /// <summary>Give the CPU port high priority in MAPR (U-Boot: all but the A64).</summary>
    public bool CpuHighPriority { get; init; }

    /// <summary>MDFS_BWLR[2] (U-Boot: A64 only); <c>Zero</c> leaves it.</summary>
    public DramCom.MdfsBwlr MdfsBandwidthLimit2 { get; init; }

    /// <summary>MBUS port configuration from port 0 (U-Boot mctl_set_master_priority_*, MBUS_CONF).</summary>
    public ReadOnlySpan<MbusPort> MbusPorts { get; init; }

    /// <summary>Byte lane read delays, 4 lanes x 11 lines (DQ0..7, DM, DQS, DQSN) (U-Boot dx_read_delays).</summary>
    public ReadOnlySpan<byte> DxReadDelays { get; init; }

    /// <summary>Byte lane write delays, 4 x 11 (U-Boot dx_write_delays).</summary>
    public ReadOnlySpan<byte> DxWriteDelays { get; init; }

    /// <summary>Address/command line write delays, 31 (U-Boot ac_delays); empty means all 0.</summary>
    public ReadOnlySpan<byte> AcDelays { get; init; }
}
