using Unikernel.Drivers.Dram;
using Unikernel.Hardware;

namespace Unikernel.Tests.Drivers;

/// <summary>The shared DRAM controller with the A64's clocks and <see cref="A64DramParameters.Pine64Plus"/>.</summary>
[Collection("DramBus")]
public sealed class A64DramControllerTests
{
    private static DramResult Run(DramGeometry chips, Action? configure = null)
    {
        DramBus.Reset(chips, a64: true);
        DramTestClock.Now = 0;
        configure?.Invoke();
        var controller = new DramController<DramBus, DramTestClock, A64DramClock<DramBus, DramTestClock>>(
            A64<DramBus>.Dramcom, A64<DramBus>.Dramctl0, A64<DramBus>.Sysctl);
        return controller.Initialize(A64DramParameters.Pine64Plus);
    }

    [Theory]
    [MemberData(nameof(DramControllerTests.Geometries), MemberType = typeof(DramControllerTests))]
    public void Detects_every_geometry_the_controller_supports(int ranks, int rows, int bankBits, int pageShift, bool halfWidth)
    {
        var chips = new DramGeometry(ranks, rows, bankBits, pageShift, halfWidth);
        DramResult result = Run(chips, () => DramBus.Logging = false);

        DramControllerTests.AssertDetected(chips, result);

        // All of it is distinct memory: the last word reads back only there, the next address wraps.
        DramBus.Write32(DramBus.Dram, 0x1234_5678);
        DramBus.Write32(DramBus.Dram + (nuint)(result.SizeBytes - 4), 0x9ABC_DEF0);
        Assert.Equal(0x1234_5678u, DramBus.Read32(DramBus.Dram));
        Assert.Equal(0x9ABC_DEF0u, DramBus.Read32(DramBus.Dram + (nuint)(result.SizeBytes - 4)));
        Assert.Equal(0x1234_5678u, DramBus.Read32(DramBus.Dram + (nuint)result.SizeBytes));
    }

    [Fact]
    public void Pine64_Plus_bring_up_follows_the_approved_register_trace()
    {
        DramResult result = Run(DramGeometry.Pine64Plus);
        Assert.Equal(DramStatus.Ok, result.Status);
        Assert.Equal(2UL << 30, result.SizeBytes);

        ApprovedTrace.Verify("DramController.Pine64Plus", DramBus.Log);
    }

    [Fact]
    public void DRAM_clock_comes_from_PLL_DDR1_at_twice_672_MHz()
    {
        Assert.Equal(DramStatus.Ok, Run(DramGeometry.Pine64Plus).Status);

        uint pll = DramBus.Register(DramBus.Ccu + 0x04C);
        Assert.Equal(1u << 31, pll & 1u << 31);          // enabled
        Assert.Equal(56u - 1, pll >> 8 & 0x7F);          // N = 1344 MHz / 24 MHz
        Assert.Equal(0u, pll & 3);                        // M = 1
        Assert.Equal(0u, DramBus.Register(DramBus.Ccu + 0x020) >> 31); // PLL_DDR0 left off
        uint dramCfg = DramBus.Register(DramBus.Ccu + 0x0F4);
        Assert.Equal(1u, dramCfg >> 20 & 3);             // source PLL_DDR1
        Assert.Equal(0u, dramCfg & 0xF);                 // divide by 1
        Assert.Equal(1u << 31, dramCfg & 1u << 31);      // controller out of reset
        Assert.Equal(0x81000002u, DramBus.Register(DramBus.Ccu + 0x15C)); // U-Boot MBUS_CLK_DEFAULT on sun50i
    }

    [Fact]
    public void PLL_DDR1_that_never_locks_is_reported_not_waited_for_forever()
    {
        // PLL_PERIPH0 already running (as U-Boot's clock_init_safe leaves it): only PLL_DDR1 hangs.
        DramResult result = Run(DramGeometry.Pine64Plus, () =>
        {
            DramBus.Registers[DramBus.Ccu + 0x028] = 0x90041811;
            DramBus.PllStuck = true;
        });

        Assert.Equal(DramStatus.PllNoLock, result.Status);
        Assert.Contains("write CCU.PLL_DDR1_CTRL <- 0xc0003700", DramBus.Log);
        Assert.StartsWith("read  CCU.PLL_DDR1_CTRL", DramBus.Log[^1], StringComparison.Ordinal);
        Assert.Equal("PLL_DDR did not lock", System.Text.Encoding.ASCII.GetString(DramStatusText.Describe(result.Status)));
        Assert.Equal(0UL, result.SizeBytes);
        Assert.InRange(DramTestClock.Now, 1000, 3000);
        Assert.DoesNotContain(DramBus.Log, line => line.StartsWith("write COM.", StringComparison.Ordinal));
    }

    [Fact]
    public void PLL_PERIPH0_that_never_locks_stops_before_the_DRAM_PLL()
    {
        DramResult result = Run(DramGeometry.Pine64Plus, () => DramBus.PllStuck = true);

        Assert.Equal(DramStatus.PllNoLock, result.Status);
        Assert.DoesNotContain("write CCU.PLL_DDR1_CTRL <- 0xc0003700", DramBus.Log);
        Assert.InRange(DramTestClock.Now, 1000, 3000);
    }

    [Fact]
    public void ZQ_is_calibrated_with_the_PHY_init_not_by_the_H3_quirk()
    {
        Assert.Equal(DramStatus.Ok, Run(DramGeometry.Pine64Plus).Status);

        Assert.Contains("write CTL.PIR <- 0x000005f3", DramBus.Log); // ZCAL|PLLINIT|DCAL|PHYRST|DRAMRST|DRAMINIT|QSGATE|INIT
        Assert.DoesNotContain(DramBus.Log, line => line.Contains("SYSCON", StringComparison.Ordinal));
        Assert.DoesNotContain(DramBus.Log, line => line.StartsWith("write CTL.ZQDR", StringComparison.Ordinal));
        Assert.Equal(0x3B3BBBu, DramBus.Register(DramBus.Ctl + 0x140) & 0xFFFFFF);
    }

    [Fact]
    public void Single_rank_board_is_retrained_for_rank_0_only()
    {
        DramResult result = Run(new DramGeometry(1, 16, 3, 12));

        Assert.Equal(DramStatus.Ok, result.Status);
        Assert.Equal(2UL << 30, result.SizeBytes);
        Assert.Equal(1u, DramBus.Register(DramBus.Ctl + 0x0C0) >> 24 & 0xF); // DTCR.RANKEN = rank 0
        Assert.Equal(0x201u, DramBus.Register(DramBus.Ctl + 0x120));        // ODTMAP single rank
    }
}
