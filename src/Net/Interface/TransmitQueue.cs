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
    public void Commit(int slot, int length, Ipv6Address nextHop)
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
    public int OldestFor(Ipv6Address nextHop, out int length)
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

    public void Clear()
    {
        for (int i = 0; i < _lengths.Length; i++)
            _lengths[i] = 0;
    }
}
