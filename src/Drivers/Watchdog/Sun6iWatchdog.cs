using Unikernel.Drivers.Bus;
using Unikernel.Hardware;
using Unikernel.Platform;

namespace Unikernel.Drivers.Watchdog;

/// <summary>
/// Watchdog 0 of the A64/H3 timer block (hardware/blocks/timer-sun8i.yaml WDOG0_*, the sun6i
/// layout of Linux drivers/watchdog/sunxi_wdt.c at TIMER + 0xA0), clocked from the 24 MHz
/// oscillator. Two uses: <see cref="Reboot"/> resets the whole system at once, as U-Boot's
/// reset_cpu for sun6i-generation SoCs including the A64 does (arch/arm/mach-sunxi/board.c);
/// <see cref="Arm"/>, <see cref="Feed"/> and <see cref="Disarm"/> make it a guard that resets a
/// board that stops feeding it (sunxi_wdt_start, _ping, _stop).
/// </summary>
public static class Sun6iWatchdog<TBus, TClock>
    where TBus : IMmio
    where TClock : IMonotonicClock
{
    /// <summary>
    /// The shortest interval is 0.5 s (U-Boot: "Set the watchdog for its shortest interval (.5s)");
    /// a board still running 4 intervals after it did not reset.
    /// </summary>
    public const long RebootDeadlineMilliseconds = 2000;

    /// <summary>The longest interval the watchdog counts (sunxi_wdt.c WDT_MAX_TIMEOUT).</summary>
    public const uint LongestIntervalMilliseconds = 16_000;

    /// <summary>
    /// Resets the board: whole-system reset on expiry, the shortest interval (WDOG0_INTV_VALUE 0),
    /// enabled, the count restarted (U-Boot reset_cpu writes CFG, MODE, CTRL in this order). Returns
    /// only if the board has not reset by <see cref="RebootDeadlineMilliseconds"/>.
    /// </summary>
    public static WatchdogStatus Reboot(TimerSun8i<TBus> timer)
    {
        timer.Wdog0Cfg.Write(TimerSun8i.Wdog0Cfg.Zero.WithWdog0Config(TimerSun8i.Wdog0Cfg.Wdog0ConfigValue.ToWholeSystem));
        timer.Wdog0Mode.Write(TimerSun8i.Wdog0Mode.Zero.WithWdog0IntvValue(TimerSun8i.Wdog0Mode.Wdog0IntvValueValue.S05)
            .WithWdog0En(true));
        Feed(timer);
        long deadline = TClock.Milliseconds + RebootDeadlineMilliseconds;
        while (TClock.Milliseconds <= deadline)
        {
        }
        return WatchdogStatus.NoReset;
    }

    /// <summary>
    /// Starts the guard: the board resets unless <see cref="Feed"/> is called within the interval.
    /// The interval is the shortest supported one at least <paramref name="milliseconds"/> long
    /// (<see cref="TryInterval"/>), as sunxi_wdt_set_timeout rounds a missing entry up. Order as
    /// sunxi_wdt_start: interval, restart, whole-system reset, enable.
    /// </summary>
    public static WatchdogStatus Arm(TimerSun8i<TBus> timer, uint milliseconds)
    {
        if (!TryInterval(milliseconds, out var interval, out _))
            return WatchdogStatus.UnsupportedInterval;
        var mode = TimerSun8i.Wdog0Mode.Zero.WithWdog0IntvValue(interval);
        timer.Wdog0Mode.Write(mode);
        Feed(timer);
        timer.Wdog0Cfg.Write(TimerSun8i.Wdog0Cfg.Zero.WithWdog0Config(TimerSun8i.Wdog0Cfg.Wdog0ConfigValue.ToWholeSystem));
        timer.Wdog0Mode.Write(mode.WithWdog0En(true));
        return WatchdogStatus.Ok;
    }

    /// <summary>Restarts the count: the restart bit with the key, else the write is ignored (sunxi_wdt.c WDT_CTRL_RELOAD).</summary>
    public static void Feed(TimerSun8i<TBus> timer) =>
        timer.Wdog0Ctrl.Write(TimerSun8i.Wdog0Ctrl.Zero.WithKey(TimerSun8i.Wdog0Ctrl.KeyValue.KeyField).WithRstart(true));

    /// <summary>Stops the guard (sunxi_wdt_stop writes 0 to MODE).</summary>
    public static void Disarm(TimerSun8i<TBus> timer) => timer.Wdog0Mode.Write(TimerSun8i.Wdog0Mode.Zero);

    /// <summary>
    /// The shortest interval the watchdog counts that is at least <paramref name="milliseconds"/>:
    /// 0.5, 1, 2, 3, 4, 5, 6, 8, 10, 12, 14 or 16 s (sunxi_wdt.c wdt_timeout_map; 0.5 s is the
    /// register's value 0). False for 0 and for anything above 16 s.
    /// </summary>
    public static bool TryInterval(uint milliseconds, out TimerSun8i.Wdog0Mode.Wdog0IntvValueValue interval, out uint intervalMilliseconds)
    {
        interval = TimerSun8i.Wdog0Mode.Wdog0IntvValueValue.S05;
        intervalMilliseconds = 0;
        if (milliseconds == 0 || milliseconds > LongestIntervalMilliseconds)
            return false;
        for (var candidate = TimerSun8i.Wdog0Mode.Wdog0IntvValueValue.S05; candidate <= TimerSun8i.Wdog0Mode.Wdog0IntvValueValue.S16; candidate++)
        {
            uint length = Milliseconds(candidate);
            if (length >= milliseconds)
            {
                interval = candidate;
                intervalMilliseconds = length;
                return true;
            }
        }
        return false;
    }

    /// <summary>The length of an interval setting (sunxi_wdt.c wdt_timeout_map, read backwards).</summary>
    public static uint Milliseconds(TimerSun8i.Wdog0Mode.Wdog0IntvValueValue interval) => interval switch
    {
        TimerSun8i.Wdog0Mode.Wdog0IntvValueValue.S05 => 500,
        TimerSun8i.Wdog0Mode.Wdog0IntvValueValue.S1 => 1_000,
        TimerSun8i.Wdog0Mode.Wdog0IntvValueValue.S2 => 2_000,
        TimerSun8i.Wdog0Mode.Wdog0IntvValueValue.S3 => 3_000,
        TimerSun8i.Wdog0Mode.Wdog0IntvValueValue.S4 => 4_000,
        TimerSun8i.Wdog0Mode.Wdog0IntvValueValue.S5 => 5_000,
        TimerSun8i.Wdog0Mode.Wdog0IntvValueValue.S6 => 6_000,
        TimerSun8i.Wdog0Mode.Wdog0IntvValueValue.S8 => 8_000,
        TimerSun8i.Wdog0Mode.Wdog0IntvValueValue.S10 => 10_000,
        TimerSun8i.Wdog0Mode.Wdog0IntvValueValue.S12 => 12_000,
        TimerSun8i.Wdog0Mode.Wdog0IntvValueValue.S14 => 14_000,
        TimerSun8i.Wdog0Mode.Wdog0IntvValueValue.S16 => 16_000,
        _ => 0,
    };
}
