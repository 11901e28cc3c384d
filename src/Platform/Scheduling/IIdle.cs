namespace Unikernel.Platform.Scheduling;

/// <summary>
/// Where a core goes when none of its tasks is ready. The board supplies it (a static member:
/// the call costs what a direct call costs): on bare metal, arm a timer for the deadline and
/// <c>wfi</c>; in host tests, a simulated clock that jumps to the deadline.
/// </summary>
public interface IIdle
{
    /// <summary>
    /// Sleeps until the clock reads <paramref name="deadline"/> (<see cref="Scheduler{TClock, TIdle}.NoDeadline"/>:
    /// none) or an interrupt is taken, whichever is first. Returns at once if
    /// <see cref="InterruptWakeups.Raised"/> of <paramref name="core"/> is no longer
    /// <paramref name="raised"/>: an interrupt came after the scheduler looked. The check and the
    /// sleep must not let an interrupt in between: with IRQs masked around both (<c>wfi</c> still
    /// wakes on a pending, masked IRQ; ARM ARM "Wait For Interrupt"), unmasked after. Returning
    /// early is always allowed: the scheduler looks again.
    /// </summary>
    static abstract void Sleep(int core, long deadline, uint raised);
}
