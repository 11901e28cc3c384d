using Unikernel.Hardware;

namespace Unikernel.Drivers.Dram;

/// <summary>
/// DRAM parameter sets for A64 boards (U-Boot arch/arm/mach-sunxi/dram_sunxi_dw.c with
/// CONFIG_MACH_SUN50I, i.e. socid == SOCID_A64, the Kconfig defaults for MACH_SUN50I in
/// arch/arm/mach-sunxi/Kconfig, and the board defconfig).
/// </summary>
public static class A64DramParameters
{
    /// <summary>
    /// Pine64+: DDR3 at 672 MHz (the Kconfig default for MACH_SUN50I; configs/pine64_plus_defconfig
    /// sets none of the DRAM options), ZQ and ODT as Kconfig, DDR3-1333 timings.
    /// </summary>
    public static DramParameters Pine64Plus => new()
    {
        DramBase = Unikernel.Hardware.Boards.Pine64Plus.Memory.Dram.Base,
        ClockMhz = Pine64PlusClockMhz,
        Zq = DramCtl.Zqcr.Zero.WithZqProg(KconfigDramZq),
        OdtEnabled = true,
        Timing = DramTimings.Ddr3_1333.ToRegisters(Pine64PlusClockMhz),
        // A64 branches of mctl_channel_init / sunxi_dram_init (ZQ with the PHY init: see
        // A64DramClock.ZqCalibration): phase select 3, no DX clock dynamic mode, the A64's PGCR3,
        // no ODTCFG, VTFCR |= 2 << 8, PGCR2.DQ_HOLD cleared.
        PhyPhaseSelect = 3,
        DxClockDynamic = false,
        Pgcr3 = DramCtl.Pgcr3.Zero.WithConfig(DramCtl.Pgcr3.ConfigValue.A64),
        OdtConfiguration = DramCtl.Odtcfg.Zero,
        Vtf = 2,
        DqHoldDisable = true,
        ClockEnable = DramCtl.Clken.Zero.WithEnables(DramCtl.Clken.EnablesValue.H3A64),
        // mctl_set_master_priority_a64: TMR 399 (1 us windows), BWCR only the enable, no CPU
        // priority in MAPR, the A64's MDFS_BWLR[2].
        MbusTimer = 399,
        MbusWindow = 0,
        CpuHighPriority = false,
        MdfsBandwidthLimit2 = DramCom.MdfsBwlr.Zero.WithLimit(DramCom.MdfsBwlr.LimitValue.A64),
        MbusPorts = MbusPorts,
        DxReadDelays = DxReadDelays,
        DxWriteDelays = DxWriteDelays,
        AcDelays = AcDelays,
    };

    /// <summary>U-Boot CONFIG_DRAM_CLK default for MACH_SUN50I (arch/arm/mach-sunxi/Kconfig).</summary>
    private const uint Pine64PlusClockMhz = 672;

    /// <summary>U-Boot CONFIG_DRAM_ZQ default for MACH_SUN50I, as Kconfig writes it (decimal).</summary>
    private const uint KconfigDramZq = 3881915;

    // U-Boot mctl_set_master_priority_a64, one MBUS_CONF per port from port 0. ilc evaluates
    // the initializer at compile time: the array is data in the image, no code runs for it.
    private static readonly MbusPort[] MbusPorts =
    [
        MbusPort.Configure(true, DramCom.MbusQos.Highest, 0, 160, 100, 80),    // CPU
        MbusPort.Configure(false, DramCom.MbusQos.High, 0, 1536, 1400, 256),   // GPU
        MbusPort.Configure(true, DramCom.MbusQos.Highest, 0, 512, 256, 96),    // unused
        MbusPort.Configure(true, DramCom.MbusQos.High, 0, 256, 80, 100),       // DMA
        MbusPort.Configure(true, DramCom.MbusQos.High, 0, 1792, 1600, 256),    // VE
        MbusPort.Configure(true, DramCom.MbusQos.High, 0, 256, 128, 0),        // CSI
        MbusPort.Configure(true, DramCom.MbusQos.High, 0, 256, 128, 64),       // NAND
        MbusPort.Configure(true, DramCom.MbusQos.Highest, 0, 256, 128, 64),    // SS
        MbusPort.Configure(true, DramCom.MbusQos.Highest, 0, 256, 128, 64),    // TS
        MbusPort.Configure(true, DramCom.MbusQos.High, 0, 1024, 256, 64),      // DI
        MbusPort.Configure(true, DramCom.MbusQos.High, 2, 8192, 6144, 2048),   // DE
        MbusPort.Configure(true, DramCom.MbusQos.High, 0, 1280, 144, 64),      // DE_CFD
    ];

    // U-Boot SUN50I_A64_DX_READ_DELAYS / SUN50I_A64_DX_WRITE_DELAYS / SUN50I_A64_AC_DELAYS
    // (Allwinner boot0 values for the A64 reference design).
    private static ReadOnlySpan<byte> DxReadDelays =>
    [
        16, 16, 16, 16, 17, 16, 16, 17, 16, 1, 0,
        17, 17, 17, 17, 17, 17, 17, 17, 17, 1, 0,
        16, 17, 17, 16, 16, 16, 16, 16, 16, 0, 0,
        17, 17, 17, 17, 17, 17, 17, 17, 17, 1, 0,
    ];

    private static ReadOnlySpan<byte> DxWriteDelays =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 15, 15,
        0, 0, 0, 0, 1, 1, 1, 1, 0, 10, 10,
        1, 0, 1, 1, 1, 1, 1, 1, 0, 11, 11,
        1, 0, 0, 1, 1, 1, 1, 1, 0, 12, 12,
    ];

    private static ReadOnlySpan<byte> AcDelays =>
    [
        5, 5, 13, 10, 2, 5, 3, 3,
        0, 3, 3, 3, 1, 0, 0, 0,
        3, 4, 0, 3, 4, 1, 4, 0,
        1, 1, 0, 1, 13, 5, 4,
    ];
}
