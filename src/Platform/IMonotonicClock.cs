namespace Unikernel.Platform;

/// <summary>
/// The time the stack runs on: milliseconds that only go forward, from any epoch. A board
/// implements it over its generic timer (a static member, so the call costs nothing); the host
/// over a stopwatch. The interface itself keeps no clock: time is always passed in.
/// </summary>
public interface IMonotonicClock
{
    static abstract long Milliseconds { get; }
}
