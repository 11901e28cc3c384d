namespace Unikernel.Drivers.Timer;

/// <summary>What a timer request came to.</summary>
public enum TimerStatus
{
    /// <summary>Started, or (waiting) the count reached zero.</summary>
    Ok,

    /// <summary>An interval of zero, or wider than the counter: nothing was written.</summary>
    IntervalOutOfRange,

    /// <summary>A wait for the count to reach zero gave up at its deadline.</summary>
    TimedOut,
}
