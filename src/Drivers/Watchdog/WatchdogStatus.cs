namespace Unikernel.Drivers.Watchdog;

/// <summary>How a watchdog request ended.</summary>
public enum WatchdogStatus : byte
{
    Ok,

    /// <summary>The interval asked for is 0 or longer than the longest the watchdog counts (16 s).</summary>
    UnsupportedInterval,

    /// <summary>The watchdog was set to reset the board, but the board was still running after the deadline.</summary>
    NoReset,
}
