using Unikernel.Drivers.Dvfs;
using Unikernel.Hardware;

namespace Unikernel.Tests.Drivers;

/// <summary>
/// CPU DVFS on a simulated CCU with a <see cref="RecordingSupply"/> logging into the same trace.
/// Register words expected here come from the A64 PLL_CPUX_CTRL / CPUX_AXI_CFG layout as Linux
/// ccu-sun50i-a64.c and U-Boot clock_sun6i.h give it (N bits 12:8, K 5:4, M 1:0, P 17:16, lock
/// 28, enable 31; CPU source bits 17:16 with 1 = OSC24M, 2 = PLL_CPUX), independently of the YAML.
/// </summary>
[Collection("RecordingBus")]
public sealed class CpuFrequencyTests
{
    private const uint Lock = 1u << 28;
    private const uint PllEnable = 1u << 31;
    private const uint SourceOsc24M = 1u << 16;
    private const uint SourcePll = 2u << 16;
    private const uint SourceMask = 3u << 16;
    private const uint AxiDiv3AtbDiv2 = 2u | 1u << 8;   // U-Boot AXI_DIV_3, ATB_DIV_2

    private static readonly CcuA64<RecordingBus> Ccu = A64<RecordingBus>.Ccu;
    private static bool s_pllLocks;

    // sun50i-a64-cpu-opp.dtsi cpu0_opp_table: opp-hz, opp-microvolt.
    public static TheoryData<int, uint, uint> DeviceTreeOperatingPoints() => new()
    {
        { 0, 648_000_000, 1_040_000 },
        { 1, 816_000_000, 1_100_000 },
        { 2, 912_000_000, 1_120_000 },
        { 3, 960_000_000, 1_160_000 },
        { 4, 1_008_000_000, 1_200_000 },
        { 5, 1_056_000_000, 1_240_000 },
        { 6, 1_104_000_000, 1_260_000 },
        { 7, 1_152_000_000, 1_300_000 },
    };

    public CpuFrequencyTests()
    {
        RecordingBus.Reset();
        A64MiscClock.Now = 0;
        s_pllLocks = true;
        RecordingBus.OnRead = (address, value) =>
            address == Ccu.PllCpuxCtrl.Address && s_pllLocks && (value & PllEnable) != 0 ? value | Lock : value;
    }

    private static uint PllWord(uint n, uint k) => PllEnable | (n - 1) << 8 | (k - 1) << 4;

    /// <summary>The CPU running on PLL_CPUX at 24 MHz x n x k, the supply at <paramref name="millivolts"/>.</summary>
    private static void RunningAt(uint n, uint k, uint millivolts)
    {
        RecordingBus.Registers[Ccu.PllCpuxCtrl.Address] = PllWord(n, k) | Lock;
        RecordingBus.Registers[Ccu.CpuxAxiCfg.Address] = AxiDiv3AtbDiv2 | SourcePll;
        RecordingSupply.Reset(millivolts);
    }

    /// <summary>The highest 24 MHz x N x K (N 1-32, K 1-4, N x K at least 10) not above <paramref name="hz"/>, by trying them all.</summary>
    private static ulong HighestReachable(ulong hz)
    {
        ulong best = 0;
        for (ulong n = 1; n <= 32; n++)
            for (ulong k = 1; k <= 4; k++)
            {
                ulong rate = 24_000_000 * n * k;
                if (n * k >= 10 && rate <= hz && rate > best)
                    best = rate;
            }
        return best;
    }

    [Theory]
    [MemberData(nameof(DeviceTreeOperatingPoints))]
    public void Operating_points_are_the_device_tree_table_and_each_is_reached_exactly(int index, uint hz, uint microvolts)
    {
        OperatingPoint point = A64OperatingPoints.Get(index);
        Assert.Equal(hz, point.FrequencyHz);
        Assert.Equal(microvolts, point.Millivolts * 1000);

        Assert.True(PllCpuxFactors.ForFrequency(hz, out PllCpuxFactors factors));
        Assert.Equal(hz, HighestReachable(hz));   // every A64 point is a multiple of 24 MHz within N x K's reach
        Assert.Equal(hz, factors.FrequencyHz);
        Assert.Equal((1u, 1u), (factors.M, factors.P));
        Assert.InRange(factors.N, 1u, 32u);
        Assert.InRange(factors.K, 1u, 4u);
        Assert.Equal((ulong)hz, 24_000_000UL * factors.N * factors.K);
    }

    [Theory]
    [InlineData(1_000_000_000u)]   // 41.67 x 24 MHz; 41 is prime and above 32: no exact N x K
    [InlineData(800_000_000u)]
    [InlineData(1_210_000_000u)]   // 50 x 24 MHz = 1200 MHz is the nearest
    [InlineData(250_000_000u)]
    public void A_rate_without_exact_factors_gets_the_nearest_below(uint hz)
    {
        Assert.True(PllCpuxFactors.ForFrequency(hz, out PllCpuxFactors factors));
        Assert.Equal(HighestReachable(hz), factors.FrequencyHz);
        Assert.True(factors.FrequencyHz < hz);
    }

    [Fact]
    public void Rates_below_what_n_times_k_of_10_reaches_are_refused()
    {
        Assert.False(PllCpuxFactors.ForFrequency(239_999_999, out _));
        Assert.True(PllCpuxFactors.ForFrequency(240_000_000, out PllCpuxFactors factors));
        Assert.Equal(240_000_000u, factors.FrequencyHz);
    }

    [Fact]
    public void Raising_sets_the_voltage_before_the_frequency_and_reads_both_back()
    {
        RunningAt(27, 1, 1040);   // 648 MHz, operating point 0
        Assert.Equal(DvfsStatus.Ok, CpuFrequency<RecordingBus, A64MiscClock, RecordingSupply>.SetOperatingPoint(Ccu, 7));
        ApprovedTrace.Verify("Dvfs.Raise", A64MiscTrace.Named());

        var trace = A64MiscTrace.Named().ToList();
        int supply = trace.FindIndex(line => line.StartsWith("supply set 1300 mV"));
        int firstClockWrite = trace.FindIndex(line => line.StartsWith("write CCU."));
        Assert.InRange(supply, 0, firstClockWrite - 1);
        Assert.Equal(PllWord(24, 2), RecordingBus.Registers[Ccu.PllCpuxCtrl.Address]);   // 24 x 2 x 24 MHz = 1152 MHz
        Assert.Equal(AxiDiv3AtbDiv2 | SourcePll, RecordingBus.Registers[Ccu.CpuxAxiCfg.Address]);
        Assert.Equal(1_152_000_000u, CpuFrequency<RecordingBus, A64MiscClock, RecordingSupply>.CurrentHz(Ccu));
    }

    [Fact]
    public void Lowering_sets_the_frequency_before_the_voltage()
    {
        RunningAt(24, 2, 1300);   // 1152 MHz, operating point 7
        Assert.Equal(DvfsStatus.Ok, CpuFrequency<RecordingBus, A64MiscClock, RecordingSupply>.SetOperatingPoint(Ccu, 1));
        ApprovedTrace.Verify("Dvfs.Lower", A64MiscTrace.Named());

        var trace = A64MiscTrace.Named().ToList();
        int supply = trace.FindIndex(line => line.StartsWith("supply set 1100 mV"));
        int lastClockWrite = trace.FindLastIndex(line => line.StartsWith("write CCU."));
        Assert.True(lastClockWrite >= 0 && supply > lastClockWrite);
        Assert.Equal(PllWord(17, 2), RecordingBus.Registers[Ccu.PllCpuxCtrl.Address]);   // 17 x 2 x 24 MHz = 816 MHz
        Assert.Equal(1100u, RecordingSupply.Millivolts);
    }

    [Fact]
    public void Cpu_runs_on_the_oscillator_while_the_pll_is_reprogrammed()
    {
        RunningAt(27, 1, 1040);
        CpuFrequency<RecordingBus, A64MiscClock, RecordingSupply>.SetOperatingPoint(Ccu, 3);
        var writes = A64MiscTrace.Named().Where(line => line.StartsWith("write CCU.")).ToList();
        Assert.Equal([
            $"write CCU.CPUX_AXI_CFG <- 0x{AxiDiv3AtbDiv2 | SourceOsc24M:x8}",
            $"write CCU.PLL_CPUX_CTRL <- 0x{PllWord(20, 2):x8}",
            $"write CCU.CPUX_AXI_CFG <- 0x{AxiDiv3AtbDiv2 | SourcePll:x8}"], writes);
    }

    [Fact]
    public void Pll_that_never_locks_times_out_and_leaves_the_cpu_on_the_oscillator()
    {
        RunningAt(27, 1, 1040);
        s_pllLocks = false;
        RecordingBus.Registers[Ccu.PllCpuxCtrl.Address] = PllWord(27, 1);
        Assert.Equal(DvfsStatus.PllNoLock, CpuFrequency<RecordingBus, A64MiscClock, RecordingSupply>.SetOperatingPoint(Ccu, 5));
        Assert.Equal(SourceOsc24M, RecordingBus.Registers[Ccu.CpuxAxiCfg.Address] & SourceMask);
        Assert.InRange(A64MiscClock.Now, CpuFrequency<RecordingBus, A64MiscClock, RecordingSupply>.LockTimeoutMilliseconds, 100);
        Assert.Equal(24_000_000u, CpuFrequency<RecordingBus, A64MiscClock, RecordingSupply>.CurrentHz(Ccu));
    }

    [Theory]
    [InlineData(CpuSupplyStatus.Failed)]
    [InlineData(CpuSupplyStatus.OutOfRange)]
    public void Supply_failure_while_raising_leaves_the_frequency_untouched(CpuSupplyStatus answer)
    {
        RunningAt(27, 1, 1040);
        RecordingSupply.SetAnswer = answer;
        Assert.Equal(DvfsStatus.SupplyFailed, CpuFrequency<RecordingBus, A64MiscClock, RecordingSupply>.SetOperatingPoint(Ccu, 6));
        Assert.DoesNotContain(RecordingBus.Log, line => line.StartsWith("write"));
        Assert.Equal(PllWord(27, 1) | Lock, RecordingBus.Registers[Ccu.PllCpuxCtrl.Address]);
        Assert.Equal(1040u, RecordingSupply.Millivolts);
    }

    [Fact]
    public void Supply_failure_while_lowering_keeps_the_lower_frequency_at_the_old_higher_voltage()
    {
        RunningAt(24, 2, 1300);
        RecordingSupply.SetAnswer = CpuSupplyStatus.Failed;
        Assert.Equal(DvfsStatus.SupplyFailed, CpuFrequency<RecordingBus, A64MiscClock, RecordingSupply>.SetOperatingPoint(Ccu, 0));
        Assert.Equal(648_000_000u, CpuFrequency<RecordingBus, A64MiscClock, RecordingSupply>.CurrentHz(Ccu));
        Assert.Equal(1300u, RecordingSupply.Millivolts);
    }

    [Fact]
    public void Voltage_read_back_different_is_reported()
    {
        RunningAt(27, 1, 1040);
        RecordingSupply.ReadBackError = -20;
        Assert.Equal(DvfsStatus.VoltageMismatch, CpuFrequency<RecordingBus, A64MiscClock, RecordingSupply>.SetOperatingPoint(Ccu, 4));
    }

    [Fact]
    public void Pll_that_keeps_its_old_factors_is_reported_as_a_frequency_mismatch()
    {
        RunningAt(27, 1, 1040);
        // A PLL that locks but ignores the new factors.
        RecordingBus.OnRead = (address, value) => address == Ccu.PllCpuxCtrl.Address ? PllWord(27, 1) | Lock : value;
        Assert.Equal(DvfsStatus.FrequencyMismatch, CpuFrequency<RecordingBus, A64MiscClock, RecordingSupply>.SetOperatingPoint(Ccu, 2));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(8)]
    public void Unknown_operating_points_are_refused_and_nothing_changes(int index)
    {
        RunningAt(27, 1, 1040);
        Assert.Equal(DvfsStatus.NoSuchOperatingPoint, CpuFrequency<RecordingBus, A64MiscClock, RecordingSupply>.SetOperatingPoint(Ccu, index));
        Assert.Empty(RecordingBus.Log);
    }
}
