namespace Unikernel.Drivers.Dram;

/// <summary>
/// DRAM parameter sets for H3 boards (U-Boot arch/arm/mach-sunxi/dram_sunxi_dw.c with
/// CONFIG_MACH_SUN8I_H3, the Kconfig defaults for MACH_SUNXI_H3_H5 and the board defconfig).
/// </summary>
public static class H3DramParameters
{
    /// <summary>
    /// Xunlong Orange Pi PC: DDR3 at 624 MHz (configs/orangepi_pc_defconfig CONFIG_DRAM_CLK),
    /// ZQ 3881979 = 0x3B3BFB and ODT on (Kconfig defaults for the H3), DDR3-1333 timings.
    /// </summary>
    public static DramParameters OrangePiPc => new()
    {
        DramBase = Unikernel.Hardware.Boards.OrangepiPc.Memory.Dram.Base,
        ClockMhz = 624,
        Zq = 0x3B3BFB,
        OdtEnabled = true,
        Timings = DramTimings.Ddr3_1333,
        ZqCalibration = DramZqCalibration.H3Quirk,
        PhyPhaseSelect = 6,
        DxClockDynamic = true,
        Pgcr3 = 0x00AA0060,
        OdtConfiguration = 0x0C000400,
        ClockEnable = 0xC00E,
        MbusWindow = 400,
        CpuHighPriority = true,
        MbusPorts = MbusPorts,
        DxReadDelays = DxReadDelays,
        DxWriteDelays = DxWriteDelays,
        AcDelays = default,
    };

    // U-Boot mctl_set_master_priority_h3: bandwidth limit, QoS (3 highest .. 0 lowest), ACS, limits 0..2 MB/s.
    private static ReadOnlySpan<ushort> MbusPorts =>
    [
        1, 3, 0, 512, 256, 128,     // 0 CPU
        1, 2, 0, 1536, 1024, 256,   // 1 GPU
        1, 3, 0, 512, 256, 96,      // 2 unused
        1, 3, 0, 256, 128, 32,      // 3 DMA
        1, 2, 0, 1792, 1600, 256,   // 4 VE
        1, 3, 0, 256, 128, 32,      // 5 CSI
        1, 2, 0, 256, 128, 64,      // 6 NAND
        1, 3, 0, 256, 128, 64,      // 7 SS
        1, 3, 0, 256, 128, 64,      // 8 TS
        1, 2, 0, 1024, 256, 64,     // 9 DI
        1, 3, 3, 8192, 6120, 1024,  // 10 DE
        1, 2, 0, 1024, 288, 64,     // 11 DE_CFD
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
