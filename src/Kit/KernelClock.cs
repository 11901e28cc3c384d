using Unikernel.Boot;

namespace Unikernel.Kit;

/// <summary>
/// Time: the generic timer's counter (24 MHz on the Allwinner boards, 62.5 MHz on qemu-virt),
/// monotonic from the board's reset, the same clock on every core; reading it costs a register
/// read. Sleeping puts the core in <c>wfi</c> until the deadline timer (a one-shot on the same
/// counter) or another interrupt.
/// </summary>
public static class KernelClock
{
    /// <summary>Milliseconds since the counter started (the board's reset).</summary>
    public static long Milliseconds => GenericTimer.Milliseconds;

    /// <summary>Microseconds since the counter started (the board's reset).</summary>
    public static long Microseconds => GenericTimer.Microseconds;

    /// <summary>
    /// Sleeps <paramref name="milliseconds"/> (at least; 0 or less returns at once) in <c>wfi</c>:
    /// interrupts taken meanwhile run their handlers and the sleep goes on. Needs
    /// <see cref="Machine.Start"/>. On core 0 the board's periodic duty runs on the way (the
    /// Pine64+'s watchdog is fed), so a kernel may sleep as long as it likes.
    /// </summary>
    public static void Sleep(long milliseconds) => SleepUntil(Deadline.In(milliseconds));

    /// <summary>Sleeps in <c>wfi</c> until <paramref name="deadline"/> (<see cref="Deadline.Never"/>: for ever), as <see cref="Sleep"/>.</summary>
    public static void SleepUntil(Deadline deadline)
    {
        while (!deadline.HasPassed)
        {
            long wake = deadline.Milliseconds;
            if (Cpu.Core == 0)
            {
                Board.Service();
                long due = Board.ServiceDueAt;
                wake = due < wake ? due : wake;
            }
            KernelInterrupts.WaitUntil(new Deadline(wake));
        }
    }

    /// <summary>Spins for <paramref name="microseconds"/> without sleeping: for waits shorter than a wake-up costs (tens of microseconds).</summary>
    public static void Delay(long microseconds) => GenericTimer.Delay(microseconds);
}
