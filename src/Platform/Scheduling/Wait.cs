namespace Unikernel.Platform.Scheduling;

/// <summary>
/// What a task waits for before it is polled again: the value every poll returns. Made by the
/// static members; <c>default(Wait)</c> is not a wait, and the scheduler stops a task that
/// returns it (<see cref="WaitError.NoWait"/>). A wake-up may be early in one way only: a task
/// woken by an interrupt or a signal checks its own condition again (the hardware or the ring),
/// as poll-based executors do (embassy's futures, RTIC's software tasks).
/// </summary>
public readonly struct Wait
{
    private Wait(WaitKind kind, long deadline, uint interrupt, Signal? signal, uint seen)
    {
        Kind = kind;
        Deadline = deadline;
        Interrupt = interrupt;
        Signal = signal;
        Seen = seen;
    }

    /// <summary>Poll again after every other ready task has had its turn.</summary>
    public static Wait Yield => new(WaitKind.Yield, 0, 0, null, 0);

    /// <summary>The task has finished: its slot is free again.</summary>
    public static Wait Done => new(WaitKind.Done, 0, 0, null, 0);

    /// <summary>Poll again once the clock (<see cref="IMonotonicClock.Milliseconds"/>) reads <paramref name="deadline"/> or later, not before.</summary>
    public static Wait Until(long deadline) => new(WaitKind.Until, deadline, 0, null, 0);

    /// <summary>
    /// Poll again once interrupt <paramref name="id"/> has been taken on this core
    /// (<see cref="InterruptWakeups.Raise"/>), at once if it was taken since the task last
    /// woke for it. One task per interrupt ID.
    /// </summary>
    public static Wait ForInterrupt(uint id) => new(WaitKind.Interrupt, 0, id, null, 0);

    /// <summary>
    /// Poll again once <paramref name="signal"/>'s count is no longer <paramref name="seen"/>.
    /// Read <paramref name="seen"/> (<see cref="Signal.Count"/>) before looking at what the signal
    /// guards (a ring found empty): a raise in between then still wakes the task.
    /// </summary>
    public static Wait ForSignal(Signal signal, uint seen) => new(WaitKind.Signal, 0, 0, signal, seen);

    public WaitKind Kind { get; }

    /// <summary>For <see cref="WaitKind.Until"/>: the clock reading to wake at.</summary>
    public long Deadline { get; }

    /// <summary>For <see cref="WaitKind.Interrupt"/>: the interrupt ID.</summary>
    public uint Interrupt { get; }

    /// <summary>For <see cref="WaitKind.Signal"/>: the signal and the count the task last saw.</summary>
    public Signal? Signal { get; }

    public uint Seen { get; }
}
