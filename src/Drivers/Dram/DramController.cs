using Unikernel.Drivers.Bus;
using Unikernel.Hardware;
using Unikernel.Platform;

namespace Unikernel.Drivers.Dram;

/// <summary>
/// Brings up the DesignWare-style DRAM controller and PHY of the H3 and A64
/// (hardware/blocks/dram-com.yaml, dram-ctl.yaml) and finds out how much DRAM is there.
/// <para>Order as U-Boot's sunxi_dram_init (arch/arm/mach-sunxi/dram_sunxi_dw.c): clocks
/// (<typeparamref name="TDramClock"/>), controller set-up (geometry, timings, MBUS priorities,
/// PHY configuration, bit delays), ZQ calibration and PHY init with DQS gate training for two
/// ranks and 32 bits, falling back to one rank and/or 16 bits for what training reported
/// missing, then the size: rows, banks and page size found by writing at addresses that alias
/// the DRAM base only when an address bit is beyond what the chips decode (U-Boot
/// mctl_auto_detect_dram_size / mctl_mem_matches).</para>
/// DRAM itself is read and written through <typeparamref name="TBus"/> too, so tests can model it.
/// </summary>
public readonly struct DramController<TBus, TClock, TDramClock>
    where TBus : IMmio
    where TClock : IMonotonicClock
    where TDramClock : IDramClock
{
    private const int ByteLanes = 4;
    private const int LinesPerLane = 11;
    private const int AddressLines = 31;

    // Detection ranges (U-Boot mctl_auto_detect_dram_size): the row, bank and page address bits
    // are probed from the smallest up; the largest is what is left when nothing aliased.
    private const int MinRowBits = 11;
    private const int MaxRowBits = 16;
    private const int MinBankBits = 2;
    private const int MaxBankBits = 3;
    private const int MinPageShift = 9;    // 512 bytes
    private const int MaxPageShift = 13;   // 8 KiB

    // Geometry the PHY is trained with before the size is known (U-Boot's initial dram_para).
    private const int TrainingRowBits = 15;
    private const int TrainingBankBits = 3;
    private const int TrainingPageShift = 12;

    // U-Boot mctl_mem_matches: 0 at the base, this at the probed address.
    private const uint AliasPattern = 0xAA55AA55;
    private const uint PresencePattern = 0x5A5AA5A5;

    // DRAMTMG8 "two rank timing" (U-Boot ddr3_1333.c; 0x33 on the H5 only).
    private const uint TwoRankXsX32 = 0x10;
    private const uint TwoRankXsDllX32 = 0x66;

    /// <summary>UPD2.DFI_PHY_UPD U-Boot raises the DFI PHY update interval to ("increase DFI_PHY_UPD clock").</summary>
    private const uint DfiPhyUpdate = 0x50;

    /// <summary>PGCR2.DQS_GATING_PD: DQS auto gating power-down mode U-Boot selects.</summary>
    private const uint DqsGatingPowerDown = 3;

    // ODTMAP: dual rank 0x303, single rank 0x201 (U-Boot sunxi_dram_init).
    private const uint OdtDualRank = 3;
    private const uint OdtRank0Single = 1;
    private const uint OdtRank1Single = 2;

    // H3 ZQ quirk (U-Boot mctl_h3_zq_calibration_quirk): the short path keeps the 5-bit
    // calibration results of each pad and copies them into the byte above.
    private const uint ZqResultMask = 0x001F001F;
    private const uint ZqLow16Mask = 0xFFFF;
    private const uint ZqPerPadStart = 0x0A0A0A0A;
    private const uint RepeatNibble6 = 0x111111;
    private const uint RepeatByte4 = 0x01010101;
    private const int ZqPads = 6;

    // Methods copy these into locals first: to the compiler an MMIO store may alias `this`, so a
    // field is reloaded after every register access, while a local stays in a register (a third
    // less code per access on AArch64, where the first stage must fit in 32 KiB).
    private readonly DramCom<TBus> _com;
    private readonly DramCtl<TBus> _ctl;
    private readonly SysconSun8i<TBus> _syscon;

    /// <param name="com">MCTL_COM, e.g. <c>H3&lt;DirectMmio&gt;.Dramcom</c>.</param>
    /// <param name="ctl">MCTL_CTL with the PHY, e.g. <c>H3&lt;DirectMmio&gt;.Dramctl0</c>.</param>
    /// <param name="syscon">System control, read for the H3 ZQ quirk.</param>
    public DramController(DramCom<TBus> com, DramCtl<TBus> ctl, SysconSun8i<TBus> syscon)
    {
        _com = com;
        _ctl = ctl;
        _syscon = syscon;
    }

    /// <summary>
    /// The size MCTL_CR describes: what an earlier stage detected and programmed, read back by a
    /// later one (ranks x 2^(row bits + bank bits) x page size, U-Boot mctl_calc_size).
    /// </summary>
    public ulong ConfiguredSizeBytes()
    {
        DramCom<TBus> com = _com;
        var cr = com.Cr.Read();
        int ranks = cr.Rank == DramCom.Cr.RankValue.Dual ? 2 : 1;
        int bankBits = cr.Bank == DramCom.Cr.BankValue.Eight ? 3 : 2;
        int rowBits = (int)cr.RowBits + 1;
        ulong pageSize = 1UL << ((int)cr.PageSize + 3);
        return (ulong)ranks * (1UL << (rowBits + bankBits)) * pageSize;
    }

    /// <summary>The whole bring-up; on <see cref="DramStatus.Ok"/> DRAM is usable from <see cref="DramParameters.DramBase"/>.</summary>
    public DramResult Initialize(in DramParameters p)
    {
        DramCom<TBus> com = _com;
        DramCtl<TBus> ctl = _ctl;
        DramStatus status = TDramClock.Start(p.ClockMhz);
        if (status != DramStatus.Ok)
            return DramResult.Failed(status);
        ctl.Clken.Write(p.ClockEnable);
        DramWait<TClock>.Settle(1);

        var geometry = new Geometry
        {
            Ranks = 2, FullWidth = true,
            RowBits = TrainingRowBits, BankBits = TrainingBankBits, PageShift = TrainingPageShift,
        };
        status = InitializeChannel(p, ref geometry);
        if (status != DramStatus.Ok)
            return DramResult.Failed(status);

        bool dual = geometry.Ranks == 2;
        ctl.Odtmap.Write(DramCtl.Odtmap.Zero
            .WithRank0WrOdt(dual ? OdtDualRank : OdtRank0Single)
            .WithRank1WrOdt(dual ? OdtDualRank : OdtRank1Single));
        DramWait<TClock>.Settle(1);
        if (p.OdtConfiguration.Raw != 0)
            ctl.Odtcfg.Write(p.OdtConfiguration);
        if (p.Vtf != 0)
        {
            var vtfcr = ctl.Vtfcr.Read();
            ctl.Vtfcr.Write(vtfcr.WithVtf(vtfcr.Vtf | p.Vtf));
        }
        if (p.DqHoldDisable)
            ctl.Pgcr2.Write(ctl.Pgcr2.Read().WithDqHold(false));
        com.Cccr.Write(com.Cccr.Read().WithClearCredit(true));
        DramWait<TClock>.Settle(1);

        DetectSize(p, ref geometry);
        SetGeometry(geometry);

        // Whatever the probes found, something must hold a value at the base.
        TBus.Write32(p.DramBase, PresencePattern);
        if (TBus.Read32(p.DramBase) != PresencePattern)
            return DramResult.Failed(DramStatus.NoMemory);

        return new DramResult
        {
            Status = DramStatus.Ok,
            SizeBytes = 1UL << (geometry.RowBits + geometry.BankBits + geometry.PageShift + geometry.Ranks - 1),
            Ranks = geometry.Ranks,
            RowBits = geometry.RowBits,
            Banks = 1 << geometry.BankBits,
            PageSize = 1 << geometry.PageShift,
            FullWidth = geometry.FullWidth,
        };
    }

    /// <summary>U-Boot mctl_channel_init: everything up to a trained PHY and a controller in normal operation.</summary>
    private DramStatus InitializeChannel(in DramParameters p, ref Geometry geometry)
    {
        DramCom<TBus> com = _com;
        DramCtl<TBus> ctl = _ctl;
        SetGeometry(geometry);
        SetTimings(p);
        SetMasterPriorities(p);

        // VT compensation off; PGCR1 as U-Boot has it.
        ctl.Pgcr0.Write(ctl.Pgcr0.Read().WithVtcEn(false).WithVtEn(0));
        ctl.Pgcr1.Write(ctl.Pgcr1.Read().WithUndocumented24(false).WithUndocumented26(true));

        // UPD2 is writable only while MCTL_COM.PROTECT holds the key.
        com.Protect.Write(DramCom.Protect.Zero.WithKey(DramCom.Protect.KeyValue.Unlock));
        DramWait<TClock>.Settle(1);
        ctl.Upd2.Write(ctl.Upd2.Read().WithDfiPhyUpd(DfiPhyUpdate));
        com.Protect.Write(DramCom.Protect.Zero.WithKey(DramCom.Protect.KeyValue.Locked));
        DramWait<TClock>.Settle(1);

        var odt = p.OdtEnabled ? DramCtl.DxValues.Gcr.DxOdtValue.Dynamic : DramCtl.DxValues.Gcr.DxOdtValue.Off;
        for (int lane = 0; lane < ByteLanes; lane++)
        {
            var gcr = ctl.Dx(lane).Gcr;
            gcr.Write(gcr.Read().WithUndocumented31(0).WithUndocumented1512(0).WithDxOdt(odt));
        }

        ctl.Aciocr.Write(ctl.Aciocr.Read().WithAcPdr(true));
        ctl.Pgcr2.Write(ctl.Pgcr2.Read().WithDqsGatingPd(DqsGatingPowerDown));
        if (p.DxClockDynamic)
            ctl.Pgcr0.Write(ctl.Pgcr0.Read().WithDxClkMode(0));
        ctl.Pgcr2.Write(ctl.Pgcr2.Read().WithPhyPhaseSel(p.PhyPhaseSelect));

        SetTrainedRanks(geometry.Ranks);
        SetBitDelays(p);
        DramWait<TClock>.Settle(1);

        var init = DramCtl.Pir.Zero.WithPllinit(true).WithDcal(true).WithPhyrst(true)
            .WithDraminit(true).WithDramrst(true).WithQsgate(true);
        DramStatus status;
        if (TDramClock.ZqCalibration == DramZqCalibration.H3Quirk)
        {
            status = CalibrateZqH3(p.Zq.ZqProg);
        }
        else
        {
            ctl.Zqcr.Write(ctl.Zqcr.Read().WithZqProg(p.Zq.ZqProg));
            init = init.WithZcal(true);
            status = DramStatus.Ok;
        }
        if (status == DramStatus.Ok)
            status = InitializePhy(init);
        if (status != DramStatus.Ok)
            return status;

        // Training errors: rank 1 missing (gate errors on lanes 0/1 for rank 1) and/or the upper
        // half of the bus missing (rank 0 gate errors on lanes 2/3). Retrain without them.
        if (ctl.Pgsr0.Read().TrainErr != 0)
        {
            if (ctl.Dx(0).Gsr0.Read().Rank1GateErr || ctl.Dx(1).Gsr0.Read().Rank1GateErr)
            {
                geometry.Ranks = 1;
                SetTrainedRanks(1);
            }
            if (ctl.Dx(2).Gsr0.Read().Rank0GateErr || ctl.Dx(3).Gsr0.Read().Rank0GateErr)
            {
                geometry.FullWidth = false;
                DisableUpperLanes();
            }
            SetGeometry(geometry);
            DramWait<TClock>.Settle(1);

            status = InitializePhy(DramCtl.Pir.Zero.WithQsgate(true));
            if (status != DramStatus.Ok)
                return status;
            if (ctl.Pgsr0.Read().TrainErr != 0)
                return DramStatus.TrainingFailed;
        }

        long deadline = DramWait<TClock>.Deadline();
        while (!ctl.Statr.Read().Normal)
        {
            if (DramWait<TClock>.Expired(deadline))
                return DramStatus.Timeout;
        }

        ctl.Rfshctl0.Write(ctl.Rfshctl0.Read().WithRefreshPulse(true));
        DramWait<TClock>.Settle(1);
        ctl.Rfshctl0.Write(ctl.Rfshctl0.Read().WithRefreshPulse(false));
        DramWait<TClock>.Settle(1);

        ctl.Pgcr3.Write(p.Pgcr3);
        ctl.Zqcr.Write(ctl.Zqcr.Read().WithPwrdown(true));
        com.Maer.Write(new DramCom.Maer(uint.MaxValue));
        return DramStatus.Ok;
    }

    /// <summary>Starts the PHY steps in <paramref name="steps"/> and waits for PGSR0.IDONE (U-Boot mctl_phy_init).</summary>
    private DramStatus InitializePhy(DramCtl.Pir steps)
    {
        DramCtl<TBus> ctl = _ctl;
        ctl.Pir.Write(steps.WithInit(true));
        long deadline = DramWait<TClock>.Deadline();
        while (!ctl.Pgsr0.Read().Idone)
        {
            if (DramWait<TClock>.Expired(deadline))
                return DramStatus.Timeout;
        }
        return DramStatus.Ok;
    }

    private void SetTrainedRanks(int ranks)
    {
        var dtcr = _ctl.Dtcr;
        dtcr.Write(dtcr.Read().WithRanken(ranks == 2 ? DramCtl.Dtcr.RankenValue.Rank01 : DramCtl.Dtcr.RankenValue.Rank0));
    }

    private void DisableUpperLanes()
    {
        DramCtl<TBus> ctl = _ctl;
        ctl.Dx(2).Gcr.Write(DramCtl.DxValues.Gcr.Zero);
        ctl.Dx(3).Gcr.Write(DramCtl.DxValues.Gcr.Zero);
    }

    /// <summary>MCTL_CR: DDR3, 2T, BL8, interleaved, and the geometry (U-Boot mctl_set_cr).</summary>
    private void SetGeometry(in Geometry g)
    {
        DramCom<TBus> com = _com;
        com.Cr.Write(DramCom.Cr.Zero
            .WithBurstLength(DramCom.Cr.BurstLengthValue.Bl8)
            .WithSequential(DramCom.Cr.SequentialValue.Interleaved)
            .WithDramType(DramCom.Cr.DramTypeValue.Ddr3)
            .WithCmdRate(DramCom.Cr.CmdRateValue.Rate2t)
            .WithBank(g.BankBits == 3 ? DramCom.Cr.BankValue.Eight : DramCom.Cr.BankValue.Four)
            .WithBusFullWidth(g.FullWidth ? DramCom.Cr.BusFullWidthValue.Full : DramCom.Cr.BusFullWidthValue.Half)
            .WithRank(g.Ranks == 2 ? DramCom.Cr.RankValue.Dual : DramCom.Cr.RankValue.Single)
            .WithPageSize((uint)(g.PageShift - 3))
            .WithRowBits((uint)(g.RowBits - 1)));
    }

    /// <summary>Mode registers, DRAMTMGn, PHY interface and init timing, refresh (U-Boot mctl_set_timing_params).</summary>
    private void SetTimings(in DramParameters p)
    {
        DramCtl<TBus> ctl = _ctl;
        DramTimingRegisters t = p.Timing;
        ctl.Mr0.Write(t.Mr0);
        ctl.Mr1.Write(t.Mr1);
        ctl.Mr2.Write(t.Mr2);
        ctl.Mr3.Write(t.Mr3);
        ctl.Dramtmg0.Write(t.Dramtmg0);
        ctl.Dramtmg1.Write(t.Dramtmg1);
        ctl.Dramtmg2.Write(t.Dramtmg2);
        ctl.Dramtmg3.Write(t.Dramtmg3);
        ctl.Dramtmg4.Write(t.Dramtmg4);
        ctl.Dramtmg5.Write(t.Dramtmg5);
        ctl.Dramtmg8.Write(ctl.Dramtmg8.Read().WithTXsDllX32(TwoRankXsDllX32).WithTXsX32(TwoRankXsX32));
        ctl.Pitmg0.Write(t.Pitmg0);
        ctl.Ptr3.Write(t.Ptr3);
        ctl.Ptr4.Write(t.Ptr4);
        ctl.Rfshtmg.Write(t.Rfshtmg);
    }

    /// <summary>MBUS bandwidth windows and per-port limits (U-Boot mctl_set_master_priority_*).</summary>
    private void SetMasterPriorities(in DramParameters p)
    {
        DramCom<TBus> com = _com;
        if (p.MbusTimer != 0)
            com.Tmr.Write(new DramCom.Tmr(p.MbusTimer));
        com.Bwcr.Write(DramCom.Bwcr.Zero.WithBwLimitEn(true).WithWindow(p.MbusWindow));
        if (p.CpuHighPriority)
            com.Mapr.Write(DramCom.Mapr.Zero.WithCpuHigh(true));

        ReadOnlySpan<MbusPort> ports = p.MbusPorts;
        for (int port = 0; port < ports.Length; port++)
        {
            var mcr = com.Mcr(port);
            mcr.Cfg0.Write(ports[port].Cfg0);
            mcr.Cfg1.Write(ports[port].Cfg1);
        }

        if (p.MdfsBandwidthLimit2.Raw != 0)
            com.MdfsBwlr(2).Write(p.MdfsBandwidthLimit2);
    }

    /// <summary>Board trace delays into the bit delay lines, with the PHY FIFO held in reset (U-Boot mctl_set_bit_delays).</summary>
    private void SetBitDelays(in DramParameters p)
    {
        DramCtl<TBus> ctl = _ctl;
        ctl.Pgcr0.Write(ctl.Pgcr0.Read().WithPhyFifoResetN(false));
        for (int lane = 0; lane < ByteLanes; lane++)
        {
            var dx = ctl.Dx(lane);
            for (int line = 0; line < LinesPerLane; line++)
            {
                int i = lane * LinesPerLane + line;
                dx.Bdlr(line).Write(DramCtl.DxValues.Bdlr.Zero
                    .WithWriteDelay(p.DxWriteDelays[i]).WithReadDelay(p.DxReadDelays[i]));
            }
        }
        for (int line = 0; line < AddressLines; line++)
        {
            uint delay = p.AcDelays.IsEmpty ? 0u : p.AcDelays[line];
            ctl.Acbdlr(line).Write(DramCtl.Acbdlr.Zero.WithWriteDelay(delay));
        }
        ctl.Pgcr0.Write(ctl.Pgcr0.Read().WithPhyFifoResetN(true));
    }

    /// <summary>
    /// H3 ZQ calibration (U-Boot mctl_h3_zq_calibration_quirk): on most chips one calibration,
    /// whose results are copied to both halves of each pad's setting; on chip variants flagged in
    /// the system controller, each of the six pads calibrated with its own ZQ nibble, and the
    /// pull-up result taken one step lower in Allwinner's Gray-like code.
    /// </summary>
    private DramStatus CalibrateZqH3(uint zq)
    {
        DramCtl<TBus> ctl = _ctl;
        DramStatus status;
        if (_syscon.Ver.Read().VerBits == 0 && !_syscon.ChipVariant.Read().ZqQuirk)
        {
            var zqcr = ctl.Zqcr.Read();
            ctl.Zqcr.Write(zqcr.WithZqProg(zqcr.ZqProg & ~ZqLow16Mask | zq & ZqLow16Mask));
            ctl.Pir.Write(DramCtl.Pir.Zero.WithClrsr(true));
            status = InitializePhy(DramCtl.Pir.Zero.WithZcal(true));
            if (status != DramStatus.Ok)
                return status;

            uint pads01 = ctl.Zqdr(0).Read().Raw & ZqResultMask;
            ctl.Zqdr(0).Write(new DramCtl.Zqdr(pads01 | pads01 << 8));
            uint pads23 = ctl.Zqdr(1).Read().Raw & ZqResultMask;
            ctl.Zqdr(1).Write(new DramCtl.Zqdr(pads23 | pads23 << 8));
            ctl.Zqdr(2).Write(new DramCtl.Zqdr(pads23 | pads23 << 8));
            return DramStatus.Ok;
        }

        ctl.Zqdr(2).Write(new DramCtl.Zqdr(ZqPerPadStart));
        Span<uint> pads = stackalloc uint[ZqPads];
        for (int pad = 0; pad < ZqPads; pad++)
        {
            uint nibble = zq >> (pad * 4) & 0xF;
            ctl.Zqcr.Write(DramCtl.Zqcr.Zero.WithZqProg(nibble * RepeatNibble6));

            ctl.Pir.Write(DramCtl.Pir.Zero.WithClrsr(true));
            status = InitializePhy(DramCtl.Pir.Zero.WithZcal(true));
            if (status != DramStatus.Ok)
                return status;
            uint value = ctl.Zqdr(0).Read().Byte0;
            ctl.Zqdr(2).Write(new DramCtl.Zqdr(value * RepeatByte4));

            ctl.Pir.Write(DramCtl.Pir.Zero.WithClrsr(true));
            status = InitializePhy(DramCtl.Pir.Zero.WithZcal(true));
            if (status != DramStatus.Ok)
                return status;
            int step = MgrayToBinary[(int)ctl.Zqdr(0).Read().Byte3 & 0x1F] - 1;
            pads[pad] = value | (uint)BinaryToMgray[step < 0 ? 0 : step] << 8;
        }

        // Two pads per ZQDR: even pads in the low half, odd in the high.
        for (int pair = 0; pair < ZqPads / 2; pair++)
            ctl.Zqdr(pair).Write(new DramCtl.Zqdr(pads[2 * pair + 1] << 16 | pads[2 * pair]));
        return DramStatus.Ok;
    }

    // Allwinner's code for the ZQ pull-up step (U-Boot bin_to_mgray / mgray_to_bin).
    private static ReadOnlySpan<byte> BinaryToMgray =>
    [
        0x00, 0x01, 0x02, 0x03, 0x06, 0x07, 0x04, 0x05, 0x0C, 0x0D, 0x0E, 0x0F, 0x0A, 0x0B, 0x08, 0x09,
        0x18, 0x19, 0x1A, 0x1B, 0x1E, 0x1F, 0x1C, 0x1D, 0x14, 0x15, 0x16, 0x17, 0x12, 0x13, 0x10, 0x11,
    ];

    private static ReadOnlySpan<byte> MgrayToBinary =>
    [
        0x00, 0x01, 0x02, 0x03, 0x06, 0x07, 0x04, 0x05, 0x0E, 0x0F, 0x0C, 0x0D, 0x08, 0x09, 0x0A, 0x0B,
        0x1E, 0x1F, 0x1C, 0x1D, 0x18, 0x19, 0x1A, 0x1B, 0x10, 0x11, 0x12, 0x13, 0x16, 0x17, 0x14, 0x15,
    ];

    /// <summary>
    /// Rows, then banks, then page size: with the other two at a safe value and the one probed
    /// at its maximum in MCTL_CR, the first address bit whose write lands on the DRAM base is
    /// one past what the chips decode (U-Boot mctl_auto_detect_dram_size).
    /// </summary>
    private void DetectSize(in DramParameters p, ref Geometry g)
    {
        nuint dram = p.DramBase;

        g.PageShift = MinPageShift;
        g.RowBits = MaxRowBits;
        g.BankBits = MinBankBits;
        SetGeometry(g);
        for (g.RowBits = MinRowBits; g.RowBits < MaxRowBits; g.RowBits++)
        {
            if (Aliases(dram, 1u << (g.RowBits + g.BankBits + g.PageShift)))
                break;
        }

        g.BankBits = MaxBankBits;
        SetGeometry(g);
        for (g.BankBits = MinBankBits; g.BankBits < MaxBankBits; g.BankBits++)
        {
            if (Aliases(dram, 1u << (g.BankBits + g.PageShift)))
                break;
        }

        g.PageShift = MaxPageShift;
        SetGeometry(g);
        for (g.PageShift = MinPageShift; g.PageShift < MaxPageShift; g.PageShift++)
        {
            if (Aliases(dram, 1u << g.PageShift))
                break;
        }
    }

    /// <summary>True when a write at <paramref name="offset"/> lands on the DRAM base (U-Boot mctl_mem_matches).</summary>
    private static bool Aliases(nuint dram, uint offset)
    {
        TBus.Write32(dram, 0);
        TBus.Write32(dram + offset, AliasPattern);
        return TBus.Read32(dram) == TBus.Read32(dram + offset);
    }

    private struct Geometry
    {
        public int Ranks;
        public bool FullWidth;
        public int RowBits;
        public int BankBits;
        public int PageShift;
    }
}
