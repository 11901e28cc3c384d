using System.Runtime.InteropServices;
using System.Threading;
using Unikernel.Platform.Scheduling;

namespace Unikernel.Platform;

/// <summary>
/// A lock-free ring between exactly one producer and one consumer, which may run on different
/// cores: <see cref="TryWrite"/> from the one, <see cref="TryRead"/> from the other. The slots
/// are taken at creation; nothing allocates after.
/// <para>Each index has one writer. The producer fills a slot, then publishes it with a release
/// store of the tail; the consumer reads the tail with an acquire load before it reads the slot,
/// and frees the slot with a release store of the head after reading it, which the producer's
/// acquire load of the head sees before it writes there again (the message-passing pattern of the
/// ARMv8 ARM, K11 "Barrier litmus tests"; Linux Documentation/core-api/circular-buffers.rst). The
/// indices count freely and wrap at 2^32; a slot is the index masked by the power-of-two
/// capacity, and <c>tail - head</c> is the fill.</para>
/// <para>Each side raises a <see cref="Signal"/> after it moves its index, so a task of the
/// cooperative scheduler can wait for the ring (<c>Wait.ForSignal(ring.Written, seen)</c>, the
/// count read before the ring was found empty); each signal has one writer, like its index.</para>
/// </summary>
public sealed class SpscRing<T> where T : unmanaged
{
    private readonly T[] _slots;
    private readonly uint _mask;
    private SpscRingIndices _indices;

    /// <summary>A ring of <paramref name="capacity"/> slots, a power of two from 2 to 2^30; panics otherwise.</summary>
    public SpscRing(int capacity)
    {
        if (capacity < 2 || capacity > 1 << 30 || (capacity & (capacity - 1)) != 0)
            Kernel.Panic("SPSC ring capacity must be a power of two from 2 to 2^30"u8);
        _slots = new T[capacity];
        _mask = (uint)capacity - 1;
    }

    public int Capacity => _slots.Length;

    /// <summary>Raised by the producer after each item it writes: what a consumer waits on.</summary>
    public Signal Written { get; } = new();

    /// <summary>Raised by the consumer after each item it takes: what a producer that found the ring full waits on.</summary>
    public Signal Taken { get; } = new();

    /// <summary>Items written and not yet read, as seen from either side (a moment's value).</summary>
    public int Count => (int)(Volatile.Read(ref _indices.Tail) - Volatile.Read(ref _indices.Head));

    /// <summary>Producer only: appends <paramref name="item"/>; false when the ring is full.</summary>
    public bool TryWrite(T item)
    {
        uint tail = _indices.Tail;
        if (tail - Volatile.Read(ref _indices.Head) == (uint)_slots.Length)
            return false;
        _slots[tail & _mask] = item;
        Volatile.Write(ref _indices.Tail, tail + 1);
        Written.Raise();
        return true;
    }

    /// <summary>Consumer only: takes the oldest item; false when the ring is empty.</summary>
    public bool TryRead(out T item)
    {
        uint head = _indices.Head;
        if (Volatile.Read(ref _indices.Tail) == head)
        {
            item = default;
            return false;
        }
        item = _slots[head & _mask];
        Volatile.Write(ref _indices.Head, head + 1);
        Taken.Raise();
        return true;
    }
}

/// <summary>
/// The two indices of an <see cref="SpscRing{T}"/> a cache line apart (64 bytes: the Cortex-A7's
/// and Cortex-A53's line), so the producer's stores to the tail do not take the consumer's head
/// line away and back. Not nested in the ring: a generic type cannot have explicit layout.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct SpscRingIndices
{
    /// <summary>The next slot the producer writes; written by the producer only.</summary>
    [FieldOffset(0)] public uint Tail;

    /// <summary>The next slot the consumer reads; written by the consumer only.</summary>
    [FieldOffset(64)] public uint Head;
}
