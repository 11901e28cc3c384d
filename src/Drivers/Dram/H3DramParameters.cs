namespace Unikernel.Drivers.Dram;

/// <summary>
/// DRAM parameter sets for H3 boards (U-Boot arch/arm/mach-sunxi/dram_sunxi_dw.c with
/// CONFIG_MACH_SUN8I_H3, the Kconfig defaults for MACH_SUNXI_H3_H5 and the board defconfig).
/// </summary>
public static class H3DramParameters
{
    /// <summary>
    /// Xunlong Orange Pi PC: DDR3 at 624 MHz (configs/orangepi_pc_defconfig CONFIG_DRAM_CLK),
    /// ZQ 3881979 = 0x3B3BFB and ODT on (Kconfig defaults for the H3), DDR3-1333 timings
    /// (<see cref="DramTimings.Ddr3_1333"/> at 624 MHz; DramParameterTests checks the values).
    /// </summary>
    public static DramParameters OrangePiPc => new()
    {
        DramBase = Unikernel.Hardware.Boards.OrangepiPc.Memory.Dram.Base,
        ClockMhz = 624,
        Zq = 0x3B3BFB,
        OdtEnabled = true,
        Timing = new DramTimingRegisters
        {
            Mr0 = 0x1C70, Mr1 = 0x40, Mr2 = 0x18, Mr3 = 0,
            Dramtmg0 = 0x0B10180C,  // tWTP 11, tFAW 16, tRAS max 24, tRAS 12
            Dramtmg1 = 0x00030411,  // tXP 3, tRTP 4, tRC 17
            Dramtmg2 = 0x0406050A,  // CWL 4, CL 6, read to write 5, write to read 10
            Dramtmg3 = 0x0000400C,  // tMRW 0, tMRD 4, tMOD 12
            Dramtmg4 = 0x05020405,  // tRCD 5, tCCD 2, tRRD 4, tRP 5
            Dramtmg5 = 0x05050403,  // tCKSRX 5, tCKSRE 5, tCKESR 4, tCKE 3
            Pitmg0 = 0x02040102,    // ctrl delay 2, read data enable 4, write data 1, write latency 2
            Ptr3 = 0x0E14C2C1,      // tDINIT1 225 (360 ns), tDINIT0 312001 (500 us)
            Ptr4 = 0x2711E781,      // tDINIT3 625 (1 us), tDINIT2 124801 (200 us)
            Rfshtmg = 0x004C006E,   // tREFI 76 x 32, tRFC 110
        },
        PhyPhaseSelect = 6,
        DxClockDynamic = true,
        Pgcr3 = 0x00AA0060,
        OdtConfiguration = 0x0C000400,
        ClockEnable = 0xC00E,
        MbusWindow = 400,
        CpuHighPriority = true,
        MbusPortConfig = MbusPortConfig,
        DxReadDelays = DxReadDelays,
        DxWriteDelays = DxWriteDelays,
        AcDelays = default,
    };

    // U-Boot mctl_set_master_priority_h3 as CFG0, CFG1 per port (DramParameterTests rebuilds them).
    private static ReadOnlySpan<uint> MbusPortConfig =>
    [
        0x0200000D, 0x00800100,  // 0 CPU: limit, QoS highest, 512/256/128 MB/s
        0x06000009, 0x01000400,  // 1 GPU: limit, QoS high, 1536/1024/256
        0x0200000D, 0x00600100,  // 2 unused: limit, highest, 512/256/96
        0x0100000D, 0x00200080,  // 3 DMA: limit, highest, 256/128/32
        0x07000009, 0x01000640,  // 4 VE: limit, high, 1792/1600/256
        0x0100000D, 0x00200080,  // 5 CSI: limit, highest, 256/128/32
        0x01000009, 0x00400080,  // 6 NAND: limit, high, 256/128/64
        0x0100000D, 0x00400080,  // 7 SS: limit, highest, 256/128/64
        0x0100000D, 0x00400080,  // 8 TS: limit, highest, 256/128/64
        0x04000009, 0x00400100,  // 9 DI: limit, high, 1024/256/64
        0x2000030D, 0x040017E8,  // 10 DE: limit, highest, ACS 3, 8192/6120/1024
        0x04000009, 0x00400120,  // 11 DE_CFD: limit, high, 1024/288/64
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
