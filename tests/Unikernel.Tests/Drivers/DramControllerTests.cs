using Unikernel.Drivers.Dram;
using Unikernel.Hardware;
using Unikernel.Tool;

namespace Unikernel.Tests.Drivers;

[Collection("DramBus")]
public sealed class DramControllerTests
{
    private static DramResult Run(DramGeometry chips, Action? configure = null)
    {
        DramBus.Reset(chips);
        DramTestClock.Now = 0;
        configure?.Invoke();
        var controller = new DramController<DramBus, DramTestClock, H3DramClock<DramBus, DramTestClock>>(
            H3<DramBus>.Dramcom, H3<DramBus>.Dramctl0, H3<DramBus>.Sysctl);
        return controller.Initialize(H3DramParameters.OrangePiPc);
    }

    public static TheoryData<int, int, int, int, bool> Geometries()
    {
        var data = new TheoryData<int, int, int, int, bool>();
        foreach (int ranks in new[] { 1, 2 })
            for (int rows = 11; rows <= 16; rows++)
                foreach (int bankBits in new[] { 2, 3 })
                    for (int pageShift = 10; pageShift <= 13; pageShift++)
                        foreach (bool half in new[] { false, true })
                            data.Add(ranks, rows, bankBits, pageShift, half);
        return data;
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Detects_every_geometry_the_controller_supports(int ranks, int rows, int bankBits, int pageShift, bool halfWidth)
    {
        var chips = new DramGeometry(ranks, rows, bankBits, pageShift, halfWidth);
        DramResult result = Run(chips, () => DramBus.Logging = false);

        AssertDetected(chips, result);

        // MCTL_CR holds the detected geometry, and all of it is distinct memory: a word written at
        // the start of every row of the last bank of the last rank reads back only there.
        uint cr = DramBus.Register(DramBus.Com);
        Assert.Equal(ranks == 2 ? 1u : 0u, cr & 3);
        Assert.Equal((uint)rows - 1, cr >> 4 & 0xF);
        Assert.Equal(bankBits == 3 ? 4u : 0u, cr & 4);
        Assert.Equal((uint)chips.VisiblePageShift - 3, cr >> 8 & 0xF);
        Assert.Equal(halfWidth ? 0u : 1u, cr >> 12 & 1);
        DramBus.Write32(DramBus.Dram, 0x1234_5678);
        DramBus.Write32(DramBus.Dram + (nuint)(result.SizeBytes - 4), 0x9ABC_DEF0);
        Assert.Equal(0x1234_5678u, DramBus.Read32(DramBus.Dram));
        Assert.Equal(0x9ABC_DEF0u, DramBus.Read32(DramBus.Dram + (nuint)(result.SizeBytes - 4)));
        Assert.Equal(0x1234_5678u, DramBus.Read32(DramBus.Dram + (nuint)result.SizeBytes)); // the next address wraps
    }

    [Fact]
    public void Qemu_model_comes_out_at_one_GiB_as_U_Boot_measured_there()
    {
        DramResult result = Run(default, () => DramBus.QemuModel = true);

        Assert.Equal(DramStatus.Ok, result.Status);
        Assert.Equal(1UL << 30, result.SizeBytes);
        Assert.Equal(2, result.Ranks);
        Assert.Equal(13, result.RowBits);
        Assert.Equal(8, result.Banks);
        Assert.Equal(8192, result.PageSize);
        Assert.True(result.FullWidth);
    }

    [Fact]
    public void Orange_Pi_PC_bring_up_follows_the_approved_register_trace()
    {
        DramResult result = Run(DramGeometry.OrangePiPc);
        Assert.Equal(DramStatus.Ok, result.Status);
        Assert.Equal(1UL << 30, result.SizeBytes);

        ApprovedTrace.Verify("DramController.OrangePiPc", DramBus.Log);
    }

    [Fact]
    public void Single_rank_board_is_retrained_for_rank_0_only()
    {
        DramResult result = Run(new DramGeometry(1, 14, 3, 12));

        Assert.Equal(DramStatus.Ok, result.Status);
        Assert.Equal(1, result.Ranks);
        Assert.Equal(1u, DramBus.Register(DramBus.Ctl + 0x0C0) >> 24 & 0xF); // DTCR.RANKEN = rank 0
        Assert.Equal(0x201u, DramBus.Register(DramBus.Ctl + 0x120));        // ODTMAP single rank
        Assert.Contains("write CTL.PIR <- 0x00000401", DramBus.Log);         // QSGATE retraining
    }

    [Fact]
    public void Pll_that_never_locks_is_reported_not_waited_for_forever()
    {
        DramResult result = Run(DramGeometry.OrangePiPc, () => DramBus.PllStuck = true);

        Assert.Equal(DramStatus.PllNoLock, result.Status);
        Assert.Equal(0UL, result.SizeBytes);
        Assert.InRange(DramTestClock.Now, 1000, 3000);
    }

    [Fact]
    public void Dram_clock_update_that_never_completes_is_a_timeout()
    {
        Assert.Equal(DramStatus.Timeout, Run(DramGeometry.OrangePiPc, () => DramBus.ClockUpdateStuck = true).Status);
        Assert.InRange(DramTestClock.Now, 1000, 3000);
    }

    [Fact]
    public void Phy_init_that_never_finishes_is_a_timeout()
    {
        Assert.Equal(DramStatus.Timeout, Run(DramGeometry.OrangePiPc, () => DramBus.PhyStuck = true).Status);
        Assert.Equal(1, DramBus.PhyInits); // the first (ZQ calibration) wait gave up
        Assert.InRange(DramTestClock.Now, 1000, 3000);
    }

    [Fact]
    public void Controller_that_never_reaches_normal_operation_is_a_timeout()
    {
        Assert.Equal(DramStatus.Timeout, Run(DramGeometry.OrangePiPc, () => DramBus.StatusStuck = true).Status);
        Assert.InRange(DramTestClock.Now, 1000, 3000);
    }

    [Fact]
    public void Training_errors_that_survive_the_fallback_fail_the_bring_up()
    {
        Assert.Equal(DramStatus.TrainingFailed, Run(DramGeometry.OrangePiPc, () => DramBus.TrainingAlwaysFails = true).Status);
        Assert.Equal(DramStatus.TrainingFailed, Run(new DramGeometry(0, 14, 3, 12)).Status);
    }

    [Fact]
    public void Dram_that_holds_nothing_is_no_memory()
    {
        Assert.Equal(DramStatus.NoMemory, Run(DramGeometry.OrangePiPc, () => DramBus.DataLinesDead = true).Status);
    }

    [Fact]
    public void H3_variants_with_the_ZQ_flag_calibrate_each_pad()
    {
        DramResult result = Run(DramGeometry.OrangePiPc, () => DramBus.Registers[DramBus.Syscon + 0x0F0] = 1);

        Assert.Equal(DramStatus.Ok, result.Status);
        // Six pads, two ZQ calibrations each, then the PHY init itself.
        Assert.Equal(13, DramBus.PhyInits);
        int zqcrWrites = DramBus.Log.Count(line => line.StartsWith("write CTL.ZQCR <- 0x00", StringComparison.Ordinal));
        Assert.True(zqcrWrites >= 6);
        // ZQ 0x3B3BFB: pad 0 gets nibble B, pad 2 nibble 3, pad 5 nibble 3, each repeated in 6 nibbles.
        Assert.Contains("write CTL.ZQCR <- 0x00bbbbbb", DramBus.Log);
        Assert.Contains("write CTL.ZQCR <- 0x00333333", DramBus.Log);
        Assert.Contains("write CTL.ZQCR <- 0x00ffffff", DramBus.Log);
        // ZQDR2 starts at 10 in every byte; each pad's first result (ZQDR0's low byte, 0x08 plus
        // the PHY inits so far in the simulation) goes into every byte before the second calibration.
        Assert.Contains("write CTL.ZQDR2 <- 0x0a0a0a0a", DramBus.Log);
        Assert.Contains("write CTL.ZQDR2 <- 0x09090909", DramBus.Log);
    }

    /// <summary>What the controller detected is the simulated chips' geometry and size.</summary>
    internal static void AssertDetected(DramGeometry chips, DramResult result)
    {
        Assert.Equal(DramStatus.Ok, result.Status);
        Assert.Equal(chips.Ranks, result.Ranks);
        Assert.Equal(chips.RowBits, result.RowBits);
        Assert.Equal(1 << chips.BankBits, result.Banks);
        Assert.Equal(1 << chips.VisiblePageShift, result.PageSize);
        Assert.Equal(!chips.HalfWidth, result.FullWidth);
        Assert.Equal(chips.SizeBytes, result.SizeBytes);
    }
}
