using System.Runtime.CompilerServices;
using Unikernel.Hardware;

namespace Unikernel.Drivers.Dram;

/// <summary>
/// The DRAM chip timings, in nanoseconds (converted to controller clocks for the board's clock) or
/// in clocks, and the mode register values that go with them. <see cref="Ddr3_1333"/> is U-Boot's
/// arch/arm/mach-sunxi/dram_timings/ddr3_1333.c, the set U-Boot uses for the H3, H5 and A64 DDR3
/// boards (CONFIG_SUNXI_DRAM_DDR3_1333, the Kconfig default). <see cref="ToRegisters"/> turns
/// them into register values for a clock: the one place the timing registers come from.
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
    public DramCtl.Mr0 Mr0 { get; init; }
    public DramCtl.Mr1 Mr1 { get; init; }
    public DramCtl.Mr2 Mr2 { get; init; }
    public DramCtl.Mr3 Mr3 { get; init; }

    /// <summary>
    /// DDR3-1333 (U-Boot dram_timings/ddr3_1333.c): MR0 CL 11, WR 12, BL8, DLL on in precharge
    /// power-down; MR1 Rtt_Nom RZQ/2 (120 ohm), drive RZQ/6; MR2 CWL 8 (U-Boot's words written
    /// field by field as U-Boot dram_sun9i.h composes them: DDR3_MR0_PPD_FAST_EXIT | DDR3_MR0_WR(12)
    /// | DDR3_MR0_CL(11), DDR3_MR1_RTT120OHM, DDR3_MR2_TWL(8)).
    /// </summary>
    public static DramTimings Ddr3_1333
    {
        // Inlined, so that ToRegisters can fold it (see there).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new()
        {
            TfawNs = 50, TrrdNs = 10, TrrdMin = 4, TrcdNs = 15, TrcNs = 53,
            TxpNs = 8, TxpMin = 3, TwtrNs = 8, TwtrMin = 4, TrtpNs = 8, TrtpMin = 4,
            TwrNs = 15, TwrMin = 3, TrpNs = 15, TrasNs = 38, TrefiNs = 7800, TrfcNs = 350,
            Tccd = 2, Tmrw = 0, Tmrd = 4, Tmod = 12, Tcke = 3, Tcksrx = 5, Tcksre = 5, Tckesr = 4,
            TrasMax = 24, Tcl = 6, Tcwl = 4, TRdataEn = 4, WrLatency = 2,
            Mr0 = DramCtl.Mr0.Zero
                .WithBl(DramCtl.Mr0.BlValue.Bl8)
                .WithCl(11 - Mr0ClOffset)
                .WithWr(DramCtl.Mr0.WrValue.Wr12)
                .WithPpd(DramCtl.Mr0.PpdValue.FastExit),
            Mr1 = DramCtl.Mr1.Zero.WithRttNomA6(true),
            Mr2 = DramCtl.Mr2.Zero.WithCwl(8 - Mr2CwlOffset),
            Mr3 = DramCtl.Mr3.Zero,
        };
    }

    // MR0 holds CL - 4 and MR2 CWL - 5 (JESD79-3F tables 2 and 6).
    private const uint Mr0ClOffset = 4;
    private const uint Mr2CwlOffset = 5;

    // PTR3/PTR4 initialization waits (U-Boot ddr3_1333.c: 500 us, 360 ns, 200 us, 1 us).
    private const uint Tdinit0Microseconds = 500;
    private const uint Tdinit1Nanoseconds = 360;
    private const uint Tdinit2Microseconds = 200;
    private const uint Tdinit3Microseconds = 1;

    /// <summary>BL8 / 2: a burst's length in controller clocks (U-Boot "BL / 2").</summary>
    private const uint HalfBurst = 2;

    // PITMG0 constants U-Boot writes (2 << 24, 1 << 8).
    private const uint CtrlDelay = 2;
    private const uint WriteDataDelay = 1;

    /// <summary>The register values for DRAM clock <paramref name="clockMhz"/> (U-Boot mctl_set_timing_params).</summary>
    // Inlined: called with Ddr3_1333 and a constant clock, ilc folds the whole result to constants,
    // so the first stage carries neither the arithmetic nor the field checks.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public DramTimingRegisters ToRegisters(uint clockMhz)
    {
        uint twr = Clocks(clockMhz, TwrNs, TwrMin);
        uint twtr = Clocks(clockMhz, TwtrNs, TwtrMin);
        return new DramTimingRegisters
        {
            Mr0 = Mr0, Mr1 = Mr1, Mr2 = Mr2, Mr3 = Mr3,
            Dramtmg0 = DramCtl.Dramtmg0.Zero
                .WithTwtp(Tcwl + HalfBurst + twr)
                .WithTfaw(Clocks(clockMhz, TfawNs, 0))
                .WithTrasMax(TrasMax)
                .WithTras(Clocks(clockMhz, TrasNs, 0)),
            Dramtmg1 = DramCtl.Dramtmg1.Zero
                .WithTxp(Clocks(clockMhz, TxpNs, TxpMin))
                .WithTrtp(Clocks(clockMhz, TrtpNs, TrtpMin))
                .WithTrc(Clocks(clockMhz, TrcNs, 0)),
            Dramtmg2 = DramCtl.Dramtmg2.Zero
                .WithTcwl(Tcwl)
                .WithTcl(Tcl)
                .WithTrd2wr(Tcl + HalfBurst + 1u - Tcwl)
                .WithTwr2rd(Tcwl + HalfBurst + twtr),
            Dramtmg3 = DramCtl.Dramtmg3.Zero.WithTmrw(Tmrw).WithTmrd(Tmrd).WithTmod(Tmod),
            Dramtmg4 = DramCtl.Dramtmg4.Zero
                .WithTrcd(Clocks(clockMhz, TrcdNs, 0))
                .WithTccd(Tccd)
                .WithTrrd(Clocks(clockMhz, TrrdNs, TrrdMin))
                .WithTrp(Clocks(clockMhz, TrpNs, 0)),
            Dramtmg5 = DramCtl.Dramtmg5.Zero
                .WithTcksrx(Tcksrx).WithTcksre(Tcksre).WithTckesr(Tckesr).WithTcke(Tcke),
            Pitmg0 = DramCtl.Pitmg0.Zero
                .WithTCtrlDelay(CtrlDelay).WithTRddataEn(TRdataEn)
                .WithTphyWrdata(WriteDataDelay).WithTphyWrlat(WrLatency),
            // PTR3/PTR4 count DRAM clocks (not controller clocks), plus one.
            Ptr3 = DramCtl.Ptr3.Zero
                .WithTdinit0(Tdinit0Microseconds * clockMhz + 1)
                .WithTdinit1(Tdinit1Nanoseconds * clockMhz / 1000 + 1),
            Ptr4 = DramCtl.Ptr4.Zero
                .WithTdinit2(Tdinit2Microseconds * clockMhz + 1)
                .WithTdinit3(Tdinit3Microseconds * clockMhz + 1),
            // tREFI in units of 32 controller clocks.
            Rfshtmg = DramCtl.Rfshtmg.Zero
                .WithTrefi(Clocks(clockMhz, TrefiNs, 0) / 32)
                .WithTrfc(Clocks(clockMhz, TrfcNs, 0)),
        };
    }

    /// <summary>Nanoseconds to controller clocks (half the DRAM clock), rounded up, at least <paramref name="floor"/> (U-Boot ns_to_t).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Clocks(uint dramMhz, uint nanoseconds, uint floor)
    {
        uint clocks = (dramMhz / 2 * nanoseconds + 999) / 1000;
        return clocks < floor ? floor : clocks;
    }
}
