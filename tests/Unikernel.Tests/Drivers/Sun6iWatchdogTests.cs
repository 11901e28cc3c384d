using Unikernel.Drivers.Watchdog;
using Unikernel.Hardware;

namespace Unikernel.Tests.Drivers;

/// <summary>
/// Watchdog 0 on a simulated timer block. Register words expected here are built from Linux
/// sunxi_wdt.c (sun6i_wdt_reg: timeout shift 4, reset value 1; WDT_CTRL_RELOAD; wdt_timeout_map)
/// and U-Boot's reset_cpu, independently of the YAML.
/// </summary>
[Collection("RecordingBus")]
public sealed class Sun6iWatchdogTests
{
    private const uint Reload = 1u | 0x0A57u << 1;   // WDT_CTRL_RELOAD
    private const uint Enable = 1u;                  // WDT_MODE_EN
    private const uint WholeSystemReset = 1u;        // sun6i wdt_reset_val
    private const int TimeoutShift = 4;

    private static readonly TimerSun8i<RecordingBus> Timer = A64<RecordingBus>.Timer;

    public Sun6iWatchdogTests()
    {
        RecordingBus.Reset();
        A64MiscClock.Now = 0;
    }

    [Fact]
    public void Reboot_sets_a_whole_system_reset_at_the_shortest_interval_then_reports_a_board_that_kept_running()
    {
        Assert.Equal(WatchdogStatus.NoReset, Sun6iWatchdog<RecordingBus, A64MiscClock>.Reboot(Timer));
        Assert.InRange(A64MiscClock.Now, Sun6iWatchdog<RecordingBus, A64MiscClock>.RebootDeadlineMilliseconds, 2 * Sun6iWatchdog<RecordingBus, A64MiscClock>.RebootDeadlineMilliseconds);
        ApprovedTrace.Verify("Watchdog.Reboot", A64MiscTrace.Named());
        // U-Boot reset_cpu: CFG, MODE (interval 0 = 0.5 s, enabled), CTRL.
        Assert.Equal([
            $"write TIMER.WDOG0_CFG <- 0x{WholeSystemReset:x8}",
            $"write TIMER.WDOG0_MODE <- 0x{Enable:x8}",
            $"write TIMER.WDOG0_CTRL <- 0x{Reload:x8}"], A64MiscTrace.Named());
    }

    // sunxi_wdt.c wdt_timeout_map: seconds -> register value; 0.5 s is value 0, and a missing entry rounds up.
    [Theory]
    [InlineData(1u, 0x0u, 500u)]
    [InlineData(500u, 0x0u, 500u)]
    [InlineData(501u, 0x1u, 1000u)]
    [InlineData(1000u, 0x1u, 1000u)]
    [InlineData(2000u, 0x2u, 2000u)]
    [InlineData(3000u, 0x3u, 3000u)]
    [InlineData(4000u, 0x4u, 4000u)]
    [InlineData(5000u, 0x5u, 5000u)]
    [InlineData(6000u, 0x6u, 6000u)]
    [InlineData(7000u, 0x7u, 8000u)]
    [InlineData(8000u, 0x7u, 8000u)]
    [InlineData(9000u, 0x8u, 10000u)]
    [InlineData(10000u, 0x8u, 10000u)]
    [InlineData(12000u, 0x9u, 12000u)]
    [InlineData(13500u, 0xAu, 14000u)]
    [InlineData(14000u, 0xAu, 14000u)]
    [InlineData(16000u, 0xBu, 16000u)]
    public void Arm_picks_the_shortest_supported_interval_not_below_the_one_asked(uint milliseconds, uint registerValue, uint intervalMilliseconds)
    {
        Assert.True(Sun6iWatchdog<RecordingBus, A64MiscClock>.TryInterval(milliseconds, out _, out uint chosen));
        Assert.Equal(intervalMilliseconds, chosen);

        Assert.Equal(WatchdogStatus.Ok, Sun6iWatchdog<RecordingBus, A64MiscClock>.Arm(Timer, milliseconds));
        uint interval = registerValue << TimeoutShift;
        // sunxi_wdt_start: interval (set_timeout), restart (ping), reset function, enable.
        Assert.Equal([
            $"write TIMER.WDOG0_MODE <- 0x{interval:x8}",
            $"write TIMER.WDOG0_CTRL <- 0x{Reload:x8}",
            $"write TIMER.WDOG0_CFG <- 0x{WholeSystemReset:x8}",
            $"write TIMER.WDOG0_MODE <- 0x{interval | Enable:x8}"], A64MiscTrace.Named());
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(16001u)]
    [InlineData(60000u)]
    [InlineData(uint.MaxValue)]
    public void Intervals_the_watchdog_cannot_count_are_refused_and_nothing_is_written(uint milliseconds)
    {
        Assert.Equal(WatchdogStatus.UnsupportedInterval, Sun6iWatchdog<RecordingBus, A64MiscClock>.Arm(Timer, milliseconds));
        Assert.Empty(RecordingBus.Log);
    }

    [Fact]
    public void Feed_writes_the_restart_bit_with_the_key()
    {
        Sun6iWatchdog<RecordingBus, A64MiscClock>.Feed(Timer);
        Assert.Equal([$"write TIMER.WDOG0_CTRL <- 0x{Reload:x8}"], A64MiscTrace.Named());
        Assert.Equal(0x14AFu, Reload);   // the key 0xA57 in bits 12:1, restart in bit 0
    }

    [Fact]
    public void Disarm_clears_the_mode_register()
    {
        Sun6iWatchdog<RecordingBus, A64MiscClock>.Arm(Timer, 4000);
        RecordingBus.Log.Clear();
        Sun6iWatchdog<RecordingBus, A64MiscClock>.Disarm(Timer);
        Assert.Equal(["write TIMER.WDOG0_MODE <- 0x00000000"], A64MiscTrace.Named());
    }
}
