namespace Unikernel.Kit;

/// <summary>
/// A moment on the kernel's monotonic clock (<see cref="KernelClock.Milliseconds"/>), for
/// timeouts and periodic work: made with <see cref="In"/> or <see cref="At"/>, compared with the
/// clock by <see cref="HasPassed"/>. <see cref="Never"/> is a deadline that never comes.
/// </summary>
public readonly struct Deadline
{
    /// <summary>A deadline at <paramref name="milliseconds"/> on the kernel's clock.</summary>
    public Deadline(long milliseconds)
    {
        Milliseconds = milliseconds;
    }

    /// <summary>The moment, in milliseconds since the clock started (<see cref="long.MaxValue"/> for <see cref="Never"/>).</summary>
    public long Milliseconds { get; }

    /// <summary>A deadline that never comes.</summary>
    public static Deadline Never => new(long.MaxValue);

    /// <summary><paramref name="milliseconds"/> from now (negative: already passed).</summary>
    public static Deadline In(long milliseconds) => new(KernelClock.Milliseconds + milliseconds);

    /// <summary>At <paramref name="milliseconds"/> on the kernel's clock.</summary>
    public static Deadline At(long milliseconds) => new(milliseconds);

    /// <summary>True for <see cref="Never"/>.</summary>
    public bool IsNever => Milliseconds == long.MaxValue;

    /// <summary>True once the clock has reached the deadline (never for <see cref="Never"/>).</summary>
    public bool HasPassed => KernelClock.Milliseconds >= Milliseconds;

    /// <summary>Milliseconds until the deadline, 0 once it has passed (<see cref="long.MaxValue"/> for <see cref="Never"/>).</summary>
    public long RemainingMilliseconds
    {
        get
        {
            if (IsNever)
                return long.MaxValue;
            long remaining = Milliseconds - KernelClock.Milliseconds;
            return remaining > 0 ? remaining : 0;
        }
    }

    /// <summary>The earlier of this deadline and <paramref name="other"/>.</summary>
    public Deadline Earliest(Deadline other) => other.Milliseconds < Milliseconds ? other : this;
}
