using System.Threading;

namespace Unikernel.Platform.Scheduling;

/// <summary>
/// A count one producer raises and one task waits on (<see cref="Wait.ForSignal"/>): what a
/// single-producer single-consumer ring carries for its reader ("written") or its writer
/// ("read"). Made once at start-up; raising it allocates nothing.
/// <para>One writer: only the producer raises it, from one core and one context (a task, or an
/// interrupt handler, not both), so the increment needs no atomic read-modify-write (our
/// corelib has <see cref="Volatile"/> only). The write is a release and the read an acquire:
/// what the producer stored before raising (the ring's slot) is visible to a consumer on
/// another core that sees the new count. A consumer on another core that is asleep in its idle
/// hook does not see it until that core wakes: the producer then also interrupts it (an SGI),
/// or the consumer's wait has a deadline too.</para>
/// </summary>
public sealed class Signal
{
    private uint _count;

    /// <summary>Raises so far (wraps at 2^32: a waiter compares for inequality only).</summary>
    public uint Count => Volatile.Read(ref _count);

    /// <summary>Counts one more raise; the producer's only call.</summary>
    public void Raise() => Volatile.Write(ref _count, _count + 1);
}
