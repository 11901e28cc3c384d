using Unikernel.Platform;
using Unikernel.Platform.Scheduling;

namespace Unikernel.Tests.Scheduling;

/// <summary>The scheduler's clock in tests: milliseconds that move only when a test or <see cref="SimulatedIdle"/> moves them.</summary>
internal struct SimulatedClock : IMonotonicClock
{
    public static long Now;

    public static long Milliseconds => Now;
}

/// <summary>
/// The idle hook in tests, playing the board's: it returns at once if an interrupt was raised
/// after the scheduler looked; otherwise it moves the clock to the next event (the deadline, or
/// an interrupt the test scheduled), at most <see cref="Step"/> at a time when set (an early
/// return, which the contract allows), and raises what is due: the scheduled interrupt, and at
/// the deadline <see cref="DeadlineInterrupt"/>, as a one-shot timer would. Sleeping with
/// nothing to wake for fails the test instead of hanging it. Records without allocating.
/// </summary>
internal struct SimulatedIdle : IIdle
{
    public const int Core = 1;
    private const uint NoInterrupt = uint.MaxValue;

    public static long Step;
    public static uint DeadlineInterrupt;
    public static int Sleeps;
    public static int EarlyReturns;
    public static long LastDeadline;
    public static readonly long[] Deadlines = new long[64];
    private static long s_interruptAt;
    private static uint s_interrupt;

    public static void Reset()
    {
        SimulatedClock.Now = 0;
        Step = 0;
        DeadlineInterrupt = NoInterrupt;
        Sleeps = 0;
        EarlyReturns = 0;
        LastDeadline = 0;
        Array.Clear(Deadlines);
        s_interruptAt = long.MaxValue;
        s_interrupt = NoInterrupt;
    }

    /// <summary>Interrupt <paramref name="id"/> will be taken on <see cref="Core"/> when the clock reaches <paramref name="time"/>.</summary>
    public static void ScheduleInterrupt(long time, uint id)
    {
        s_interruptAt = time;
        s_interrupt = id;
    }

    public static void Sleep(int core, long deadline, uint raised)
    {
        // Not Assert.Equal: it allocates, and the allocation test runs through here.
        if (core != Core)
            throw new InvalidOperationException($"idle called for core {core}");
        if (InterruptWakeups.Raised(core) != raised)
        {
            EarlyReturns++;
            return;
        }
        if (Sleeps < Deadlines.Length)
            Deadlines[Sleeps] = deadline;
        Sleeps++;
        LastDeadline = deadline;
        long next = Math.Min(deadline, s_interruptAt);
        if (next == long.MaxValue)
            throw new InvalidOperationException("the scheduler went idle with nothing that could wake it");
        long target = Step > 0 ? Math.Min(next, SimulatedClock.Now + Step) : next;
        SimulatedClock.Now = Math.Max(SimulatedClock.Now, target);
        if (SimulatedClock.Now >= s_interruptAt)
        {
            s_interruptAt = long.MaxValue;
            InterruptWakeups.Raise(core, s_interrupt);
        }
        if (SimulatedClock.Now >= deadline && DeadlineInterrupt != NoInterrupt)
            InterruptWakeups.Raise(core, DeadlineInterrupt);
    }
}
