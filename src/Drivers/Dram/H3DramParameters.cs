using Unikernel.Hardware;

namespace Unikernel.Drivers.Dram;

/// <summary>
/// DRAM parameter sets for H3 boards (U-Boot arch/arm/mach-sunxi/dram_sunxi_dw.c with
/// CONFIG_MACH_SUN8I_H3, the Kconfig defaults for MACH_SUNXI_H3_H5 and the board defconfig).
/// </summary>
public static class H3DramParameters
{
    /// <summary>
    /// Xunlong Orange Pi PC: DDR3 at 624 MHz (configs/orangepi_pc_defconfig CONFIG_DRAM_CLK),
    /// ZQ and ODT as the Kconfig defaults for the H3, DDR3-1333 timings.
    /// </summary>
    public static DramParameters OrangePiPc => new()
    {
        DramBase = Unikernel.Hardware.Boards.OrangepiPc.Memory.Dram.Base,
        ClockMhz = OrangePiPcClockMhz,
        Zq = DramCtl.Zqcr.Zero.WithZqProg(KconfigDramZq),
        OdtEnabled = true,
        Timing = DramTimings.Ddr3_1333.ToRegisters(OrangePiPcClockMhz),
        // H3 branches of mctl_channel_init / sunxi_dram_init: phase select 6 (270 degrees), DX
        // clocks in dynamic mode, the H3's PGCR3, the "odt delay" (ODTCFG write hold 12, read hold 4).
        PhyPhaseSelect = 6,
        DxClockDynamic = true,
        Pgcr3 = DramCtl.Pgcr3.Zero.WithConfig(DramCtl.Pgcr3.ConfigValue.H3),
        OdtConfiguration = DramCtl.Odtcfg.Zero.WithWrOdtHold(12).WithRdOdtHold(4),
        ClockEnable = DramCtl.Clken.Zero.WithEnables(DramCtl.Clken.EnablesValue.H3A64),
        // mctl_set_master_priority_h3: BWCR window 400 (1 us), CPU high priority in MAPR.
        MbusWindow = 400,
        CpuHighPriority = true,
        MbusPorts = MbusPorts,
        DxReadDelays = DxReadDelays,
        DxWriteDelays = DxWriteDelays,
        AcDelays = default,
    };

    private const uint OrangePiPcClockMhz = 624;

    /// <summary>U-Boot CONFIG_DRAM_ZQ default for MACH_SUNXI_H3_H5, as Kconfig writes it (decimal).</summary>
    private const uint KconfigDramZq = 3881979;

    // U-Boot mctl_set_master_priority_h3, one MBUS_CONF per port from port 0. ilc evaluates
    // the initializer at compile time: the array is data in the image, no code runs for it.
    private static readonly MbusPort[] MbusPorts =
    [
        MbusPort.Configure(true, DramCom.MbusQos.Highest, 0, 512, 256, 128),   // CPU
        MbusPort.Configure(true, DramCom.MbusQos.High, 0, 1536, 1024, 256),    // GPU
        MbusPort.Configure(true, DramCom.MbusQos.Highest, 0, 512, 256, 96),    // unused
        MbusPort.Configure(true, DramCom.MbusQos.Highest, 0, 256, 128, 32),    // DMA
        MbusPort.Configure(true, DramCom.MbusQos.High, 0, 1792, 1600, 256),    // VE
        MbusPort.Configure(true, DramCom.MbusQos.Highest, 0, 256, 128, 32),    // CSI
        MbusPort.Configure(true, DramCom.MbusQos.High, 0, 256, 128, 64),       // NAND
        MbusPort.Configure(true, DramCom.MbusQos.Highest, 0, 256, 128, 64),    // SS
        MbusPort.Configure(true, DramCom.MbusQos.Highest, 0, 256, 128, 64),    // TS
        MbusPort.Configure(true, DramCom.MbusQos.High, 0, 1024, 256, 64),      // DI
        MbusPort.Configure(true, DramCom.MbusQos.Highest, 3, 8192, 6120, 1024), // DE
        MbusPort.Configure(true, DramCom.MbusQos.High, 0, 1024, 288, 64),      // DE_CFD
    ];

    // U-Boot SUN8I_H3_DX_READ_DELAYS / SUN8I_H3_DX_WRITE_DELAYS (Allwinner boot0 values).
    private static ReadOnlySpan<byte> DxReadDelays =>
    [
        18, 18, 18, 18, 18, 18, 18, 18, 18, 0, 0,
        14, 14, 14, 14, 14, 14, 14, 14, 14, 0, 0,
        18, 18, 18, 18, 18, 18, 18, 18, 18, 0, 0,
        14, 14, 14, 14, 14, 14, 14, 14, 14, 0, 0,
    ];

    private static ReadOnlySpan<byte> DxWriteDelays =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 10,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 10,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 10,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 6, 6,
    ];
}
