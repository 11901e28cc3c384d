namespace Unikernel.Drivers.Dram;

/// <summary>
/// DRAM parameter sets for A64 boards (U-Boot arch/arm/mach-sunxi/dram_sunxi_dw.c with
/// CONFIG_MACH_SUN50I, i.e. socid == SOCID_A64, the Kconfig defaults for MACH_SUN50I in
/// arch/arm/mach-sunxi/Kconfig, and the board defconfig).
/// </summary>
public static class A64DramParameters
{
    /// <summary>
    /// Pine64+: DDR3 at 672 MHz, ZQ 3881915 = 0x3B3BBB and ODT on (Kconfig defaults for
    /// MACH_SUN50I; configs/pine64_plus_defconfig sets none of them), DDR3-1333 timings
    /// (<see cref="DramTimings.Ddr3_1333"/> at 672 MHz; DramParameterTests checks the values).
    /// </summary>
    public static DramParameters Pine64Plus => new()
    {
        DramBase = Unikernel.Hardware.Boards.Pine64Plus.Memory.Dram.Base,
        ClockMhz = 672,
        Zq = 0x3B3BBB,
        OdtEnabled = true,
        Timing = new DramTimingRegisters
        {
            Mr0 = 0x1C70, Mr1 = 0x40, Mr2 = 0x18, Mr3 = 0,
            Dramtmg0 = 0x0C11180D,  // tWTP 12, tFAW 17, tRAS max 24, tRAS 13
            Dramtmg1 = 0x00030412,  // tXP 3, tRTP 4, tRC 18
            Dramtmg2 = 0x0406050A,  // CWL 4, CL 6, read to write 5, write to read 10
            Dramtmg3 = 0x0000400C,  // tMRW 0, tMRD 4, tMOD 12
            Dramtmg4 = 0x06020406,  // tRCD 6, tCCD 2, tRRD 4, tRP 6
            Dramtmg5 = 0x05050403,  // tCKSRX 5, tCKSRE 5, tCKESR 4, tCKE 3
            Pitmg0 = 0x02040102,    // ctrl delay 2, read data enable 4, write data 1, write latency 2
            Ptr3 = 0x0F252081,      // tDINIT1 242 (360 ns), tDINIT0 336001 (500 us)
            Ptr4 = 0x2A120D01,      // tDINIT3 673 (1 us), tDINIT2 134401 (200 us)
            Rfshtmg = 0x00510076,   // tREFI 81 x 32, tRFC 118
        },
        // A64 branches of mctl_channel_init / sunxi_dram_init (ZQ with the PHY init: see
        // A64DramClock.ZqCalibration): phase select 3, no DX clock dynamic mode, PGCR3 0xC0AA0060, no ODTCFG,
        // VTFCR |= 2 << 8, PGCR2.DQ_HOLD cleared.
        PhyPhaseSelect = 3,
        DxClockDynamic = false,
        Pgcr3 = 0xC0AA0060,
        OdtConfiguration = 0,
        Vtf = 2,
        DqHoldDisable = true,
        ClockEnable = 0xC00E,
        // mctl_set_master_priority_a64: TMR 399 (1 us windows), BWCR only the enable, no CPU
        // priority in MAPR, MDFS_BWLR[2] 0x81000004.
        MbusTimer = 399,
        MbusWindow = 0,
        CpuHighPriority = false,
        MdfsBandwidthLimit2 = 0x81000004,
        MbusPortConfig = MbusPortConfig,
        DxReadDelays = DxReadDelays,
        DxWriteDelays = DxWriteDelays,
        AcDelays = AcDelays,
    };

    // U-Boot mctl_set_master_priority_a64 as CFG0, CFG1 per port (DramParameterTests rebuilds them).
    private static ReadOnlySpan<uint> MbusPortConfig =>
    [
        0x00A0000D, 0x00500064,  // 0 CPU: limit, QoS highest, 160/100/80 MB/s
        0x06000008, 0x01000578,  // 1 GPU: no limit, QoS high, 1536/1400/256
        0x0200000D, 0x00600100,  // 2 unused: limit, highest, 512/256/96
        0x01000009, 0x00640050,  // 3 DMA: limit, high, 256/80/100
        0x07000009, 0x01000640,  // 4 VE: limit, high, 1792/1600/256
        0x01000009, 0x00000080,  // 5 CSI: limit, high, 256/128/0
        0x01000009, 0x00400080,  // 6 NAND: limit, high, 256/128/64
        0x0100000D, 0x00400080,  // 7 SS: limit, highest, 256/128/64
        0x0100000D, 0x00400080,  // 8 TS: limit, highest, 256/128/64
        0x04000009, 0x00400100,  // 9 DI: limit, high, 1024/256/64
        0x20000209, 0x08001800,  // 10 DE: limit, high, ACS 2, 8192/6144/2048
        0x05000009, 0x00400090,  // 11 DE_CFD: limit, high, 1280/144/64
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
