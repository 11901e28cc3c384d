namespace Unikernel.Platform;

/// <summary>What <see cref="Cpu.Start{TBoard}"/> made of a core.</summary>
public enum CoreStartStatus
{
    /// <summary>The core runs its entry.</summary>
    Started,
    /// <summary>Not a core that can be started: core 0, or beyond the board's (or the entry code's) cores.</summary>
    NoSuchCore,
    /// <summary>Started before: a core runs one entry, then halts.</summary>
    AlreadyStarted,
    /// <summary>The board could not power the core on.</summary>
    PowerOnFailed,
    /// <summary>Powered on, but the core did not report within <see cref="Cpu.StartTimeoutMilliseconds"/>.</summary>
    Timeout,
}
