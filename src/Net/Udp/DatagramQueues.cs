using Unikernel.Net.Wire;

namespace Unikernel.Net;

/// <summary>
/// The receive queues of all UDP sockets: per socket a bounded first-in first-out ring of
/// datagram slots, each holding up to <see cref="SlotSize"/> bytes, all in flat arrays made
/// at start-up (no array of objects, so bare metal needs no covariant-store check). A full
/// queue refuses new datagrams (the caller counts them): it never pushes out what the
/// application has not read yet.
/// </summary>
public sealed class DatagramQueues
{
    /// <summary>A whole Ethernet payload (1500 bytes) less the smallest IPv4 and UDP headers.</summary>
    public const int SlotSize = 1472;

    private readonly int _depth;
    private readonly byte[] _payloads;
    private readonly int[] _lengths;
    private readonly IpEndpoint[] _remotes;
    private readonly Ipv6Address[] _locals;
    private readonly int[] _heads;
    private readonly int[] _counts;

    public DatagramQueues(int queues, int depth)
    {
        if (queues < 0 || depth < 1)
            Kernel.Panic("DatagramQueues: a queue needs at least one slot"u8);
        _depth = depth;
        _payloads = new byte[queues * depth * SlotSize];
        _lengths = new int[queues * depth];
        _remotes = new IpEndpoint[queues * depth];
        _locals = new Ipv6Address[queues * depth];
        _heads = new int[queues];
        _counts = new int[queues];
    }

    public int Depth => _depth;

    public int Count(int queue) => _counts[queue];

    public bool IsFull(int queue) => _counts[queue] == _depth;

    /// <summary>Copies a datagram into <paramref name="queue"/>; false if it is full or the payload does not fit a slot.</summary>
    public bool TryEnqueue(int queue, ReadOnlySpan<byte> payload, IpEndpoint remote, Ipv6Address local)
    {
        if (IsFull(queue) || payload.Length > SlotSize)
            return false;
        int slot = queue * _depth + (_heads[queue] + _counts[queue]) % _depth;
        payload.CopyTo(_payloads.AsSpan(slot * SlotSize, SlotSize));
        _lengths[slot] = payload.Length;
        _remotes[slot] = remote;
        _locals[slot] = local;
        _counts[queue]++;
        return true;
    }

    /// <summary>
    /// Takes the oldest datagram of <paramref name="queue"/>: copies as much as fits into
    /// <paramref name="destination"/> (the rest is lost, as recv on a short buffer does) and
    /// returns its full length in <paramref name="length"/>; false when empty.
    /// </summary>
    public bool TryDequeue(int queue, Span<byte> destination, out int length, out IpEndpoint remote, out Ipv6Address local)
    {
        if (_counts[queue] == 0)
        {
            length = 0;
            remote = default;
            local = default;
            return false;
        }
        int slot = queue * _depth + _heads[queue];
        length = _lengths[slot];
        remote = _remotes[slot];
        local = _locals[slot];
        int copied = length < destination.Length ? length : destination.Length;
        _payloads.AsSpan(slot * SlotSize, copied).CopyTo(destination);
        _heads[queue] = (_heads[queue] + 1) % _depth;
        _counts[queue]--;
        return true;
    }

    public void Clear(int queue)
    {
        _heads[queue] = 0;
        _counts[queue] = 0;
    }
}
