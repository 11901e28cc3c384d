using Unikernel.Platform;

namespace Unikernel.Drivers.Timer;

/// <summary>
/// The pause an Allwinner timer needs after it is stopped, before it is loaded again: "at least
/// 2 cycles of the timer source clock" (Linux drivers/clocksource/timer-sun4i.c and timer-sun5i.c,
/// sun4i_clkevt_sync: the stop reaches the counter's clock domain only on its next edges).
/// Measured on the generic timer's counter, so it needs no other timer running; it is bounded by
/// construction: the count of counter ticks is fixed before the loop.
/// </summary>
internal static class SourceClockWait
{
    /// <summary>Source cycles to wait: Linux's TIMER_SYNC_TICKS, one more than the manual's two.</summary>
    public const uint Cycles = 3;

    /// <summary>Waits <see cref="Cycles"/> periods of a <paramref name="sourceHertz"/> clock (at least one counter tick).</summary>
    public static void AfterStop(uint sourceHertz)
    {
        ulong frequency = GenericTimer.Frequency;
        ulong ticks = sourceHertz == 0 ? 1 : (Cycles * frequency + sourceHertz - 1) / sourceHertz + 1;
        ulong start = GenericTimer.Counter;
        while (GenericTimer.Counter - start < ticks)
        {
        }
    }
}
