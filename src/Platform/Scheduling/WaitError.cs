namespace Unikernel.Platform.Scheduling;

/// <summary>What was wrong with a wait a task returned (<see cref="TaskFault"/>).</summary>
public enum WaitError : byte
{
    /// <summary>No fault.</summary>
    None,
    /// <summary><c>default(Wait)</c>, or a kind the scheduler does not know.</summary>
    NoWait,
    /// <summary>An interrupt ID at or beyond <see cref="InterruptWakeups.Capacity"/>.</summary>
    InterruptBeyondTable,
    /// <summary>Another task already waits for this interrupt: its wake-up would be taken by one of them only.</summary>
    InterruptAlreadyAwaited,
    /// <summary>A signal wait with no signal.</summary>
    NoSignal,
}
