namespace Unikernel.Platform.Scheduling;

/// <summary>
/// Why <see cref="Scheduler{TClock, TIdle}.Run"/> stopped: <see cref="WaitError.None"/> when
/// every task has finished; otherwise the task (its slot) that returned a wait the scheduler
/// cannot keep, which it has removed, and what was wrong with the wait.
/// </summary>
public readonly struct TaskFault
{
    public TaskFault(int task, WaitKind kind, WaitError error)
    {
        Task = task;
        Kind = kind;
        Error = error;
    }

    public int Task { get; }

    public WaitKind Kind { get; }

    public WaitError Error { get; }

    public bool IsNone => Error == WaitError.None;
}
