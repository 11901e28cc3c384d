using Unikernel.Net.Wire;

namespace Unikernel.Net;

/// <summary>
/// Frames we originate that wait for their next hop's link-layer address: whole Ethernet frames
/// whose destination MAC is written once the neighbour cache knows it. A fixed number of slots
/// in one buffer made at start-up; sent in the order they were queued, per next hop.
/// </summary>
public sealed class TransmitQueue
{
    /// <summary>An Ethernet frame without FCS at the standard MTU.</summary>
    public const int SlotSize = EthernetFrame.HeaderLength + 1500;

    private readonly byte[] _frames;
    private readonly int[] _lengths;
    private readonly Ipv6Address[] _nextHops;
    private readonly uint[] _order;
    private uint _sequence;

    public TransmitQueue(int depth)
    {
        if (depth < 1)
            Kernel.Panic("a transmit queue needs at least one slot"u8);
        _frames = new byte[depth * SlotSize];
        _lengths = new int[depth];
        _nextHops = new Ipv6Address[depth];
        _order = new uint[depth];
    }

    public int Depth => _lengths.Length;

    public int Count
    {
        get
        {
            int count = 0;
            for (int i = 0; i < _lengths.Length; i++)
            {
                if (_lengths[i] != 0)
                    count++;
            }
            return count;
        }
    }

    /// <summary>A free slot's buffer to build a frame in, or -1 when every slot is taken.</summary>
    public int Reserve()
    {
        for (int i = 0; i < _lengths.Length; i++)
        {
            if (_lengths[i] == 0)
                return i;
        }
        return -1;
    }

    public Span<byte> Slot(int slot) => _frames.AsSpan(slot * SlotSize, SlotSize);

    /// <summary>Queues the frame built in <paramref name="slot"/> for <paramref name="nextHop"/>.</summary>
    public void Commit(int slot, int length, in Ipv6Address nextHop)
    {
        _lengths[slot] = length;
        _nextHops[slot] = nextHop;
        _order[slot] = ++_sequence;
    }

    /// <summary>The oldest queued frame, or -1 when none: its slot, length and next hop.</summary>
    public int Oldest(out int length, out Ipv6Address nextHop)
    {
        int oldest = -1;
        for (int i = 0; i < _lengths.Length; i++)
        {
            if (_lengths[i] != 0 && (oldest < 0 || (int)(_order[i] - _order[oldest]) < 0))
                oldest = i;
        }
        length = oldest < 0 ? 0 : _lengths[oldest];
        nextHop = oldest < 0 ? default : _nextHops[oldest];
        return oldest;
    }

    /// <summary>The oldest frame queued for <paramref name="nextHop"/>, or -1 when none.</summary>
    public int OldestFor(in Ipv6Address nextHop, out int length)
    {
        int oldest = -1;
        for (int i = 0; i < _lengths.Length; i++)
        {
            if (_lengths[i] != 0 && _nextHops[i] == nextHop && (oldest < 0 || (int)(_order[i] - _order[oldest]) < 0))
                oldest = i;
        }
        length = oldest < 0 ? 0 : _lengths[oldest];
        return oldest;
    }

    /// <summary>The next hop of slot <paramref name="slot"/> if it holds a frame.</summary>
    public bool TryGetNextHop(int slot, out Ipv6Address nextHop)
    {
        nextHop = _nextHops[slot];
        return _lengths[slot] != 0;
    }

    public void Release(int slot) => _lengths[slot] = 0;

    /// <summary>
    /// Copies out the oldest frame whose next hop <paramref name="neighbors"/> knows, its
    /// destination MAC filled in, and frees its slot; returns its length, 0 when none is ready.
    /// A frame whose neighbour is gone from the cache (resolution failed) is dropped and counted
    /// in <paramref name="unresolved"/>; when the oldest waits, the oldest for any resolved next
    /// hop goes first.
    /// </summary>
    public int TakeReady(Span<byte> frame, ref NeighborCache neighbors, long now, out int unresolved)
    {
        unresolved = 0;
        for (int attempt = 0; attempt < Depth; attempt++)
        {
            int slot = Oldest(out int length, out var nextHop);
            if (slot < 0)
                return 0;
            if (!nextHop.IsUnspecified)
            {
                if (neighbors.StateOf(nextHop) == NeighborState.None)
                {
                    Release(slot);
                    unresolved++;
                    continue;
                }
                if (!neighbors.Resolve(nextHop, now, out var mac))
                    return TakeResolved(frame, ref neighbors, now);
                mac.CopyTo(Slot(slot));
            }
            Slot(slot).Slice(0, length).CopyTo(frame);
            Release(slot);
            return length;
        }
        return 0;
    }

    /// <summary>The oldest head-of-line frame for any next hop that is resolved, when the oldest of all waits.</summary>
    private int TakeResolved(Span<byte> frame, ref NeighborCache neighbors, long now)
    {
        for (int slot = 0; slot < Depth; slot++)
        {
            if (!TryGetNextHop(slot, out var nextHop) || nextHop.IsUnspecified || !neighbors.TryLookup(nextHop, out _))
                continue;
            int first = OldestFor(nextHop, out int length);
            neighbors.Resolve(nextHop, now, out var mac);
            mac.CopyTo(Slot(first));
            Slot(first).Slice(0, length).CopyTo(frame);
            Release(first);
            return length;
        }
        return 0;
    }

    public void Clear()
    {
        for (int i = 0; i < _lengths.Length; i++)
            _lengths[i] = 0;
    }
}
