namespace Unikernel.Platform;

/// <summary>The network stack's and the drivers' clock on the boards: the ARM generic timer (CNTPCT at CNTFRQ).</summary>
public struct GenericTimerClock : IMonotonicClock
{
    public static long Milliseconds => GenericTimer.Milliseconds;
}
