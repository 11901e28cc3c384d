namespace Unikernel.Platform.Scheduling;

/// <summary>Why <see cref="Scheduler{TClock, TIdle}.Spawn"/> did or did not take a task.</summary>
public enum SpawnStatus : byte
{
    Spawned,
    /// <summary>Every slot holds a task: the capacity chosen at start-up is too small.</summary>
    Full,
    /// <summary>The poll function is null.</summary>
    NoFunction,
}
