using System.Threading;

namespace Unikernel.Platform;

/// <summary>
/// Mutual exclusion between cores by spinning: a word that is 1 while held. <see cref="Enter"/>
/// takes it with an atomic compare-exchange (a full barrier: nothing inside moves before it) and,
/// while another core holds it, waits with plain reads so the exclusive monitor is not hammered;
/// <see cref="Exit"/> is a release store (nothing inside moves after it). Not reentrant, no
/// fairness, no interrupt masking: hold it briefly, and never from an IRQ handler that might
/// interrupt its holder on the same core.
/// </summary>
public struct Spinlock
{
    private uint _held;

    public readonly bool IsHeld => Volatile.Read(in _held) != 0;

    public void Enter()
    {
        while (Atomic.CompareExchange(ref _held, 1, 0) != 0)
        {
            while (Volatile.Read(ref _held) != 0)
            {
            }
        }
    }

    /// <summary>Takes the lock if it is free; false, and nothing taken, if another holds it.</summary>
    public bool TryEnter() => Atomic.CompareExchange(ref _held, 1, 0) == 0;

    /// <summary>Releases the lock; only its holder may call it.</summary>
    public void Exit() => Volatile.Write(ref _held, 0);
}
