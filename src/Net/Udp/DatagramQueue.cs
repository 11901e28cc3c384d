using Unikernel.Net.Wire;

namespace Unikernel.Net;

/// <summary>
/// A bounded first-in first-out queue of received datagrams for one UDP socket: a fixed number
/// of slots, each holding up to <see cref="SlotSize"/> bytes, all in one buffer made at
/// start-up. When it is full, new datagrams are refused (and counted by the caller), never
/// allowed to push out what the application has not read yet.
/// </summary>
public sealed class DatagramQueue
{
    /// <summary>A whole Ethernet payload (1500 bytes) less the smallest IPv4 and UDP headers.</summary>
    public const int SlotSize = 1472;

    private readonly byte[] _payloads;
    private readonly int[] _lengths;
    private readonly IpEndpoint[] _remotes;
    private readonly Ipv6Address[] _locals;
    private int _head;
    private int _count;

    public DatagramQueue(int depth)
    {
        if (depth < 1)
            Kernel.Panic("a datagram queue needs at least one slot");
        _payloads = new byte[depth * SlotSize];
        _lengths = new int[depth];
        _remotes = new IpEndpoint[depth];
        _locals = new Ipv6Address[depth];
    }

    public int Depth => _lengths.Length;

    public int Count => _count;

    public bool IsFull => _count == _lengths.Length;

    /// <summary>Copies a datagram in; false if the queue is full or the payload does not fit a slot.</summary>
    public bool TryEnqueue(ReadOnlySpan<byte> payload, IpEndpoint remote, Ipv6Address local)
    {
        if (IsFull || payload.Length > SlotSize)
            return false;
        int slot = (_head + _count) % _lengths.Length;
        payload.CopyTo(_payloads.AsSpan(slot * SlotSize, SlotSize));
        _lengths[slot] = payload.Length;
        _remotes[slot] = remote;
        _locals[slot] = local;
        _count++;
        return true;
    }

    /// <summary>
    /// Takes the oldest datagram: copies as much as fits into <paramref name="destination"/>
    /// (the rest is lost, as recv on a short buffer does) and returns its full length in
    /// <paramref name="length"/>; false when empty.
    /// </summary>
    public bool TryDequeue(Span<byte> destination, out int length, out IpEndpoint remote, out Ipv6Address local)
    {
        if (_count == 0)
        {
            length = 0;
            remote = default;
            local = default;
            return false;
        }
        int slot = _head;
        length = _lengths[slot];
        remote = _remotes[slot];
        local = _locals[slot];
        int copied = length < destination.Length ? length : destination.Length;
        _payloads.AsSpan(slot * SlotSize, copied).CopyTo(destination);
        _head = (_head + 1) % _lengths.Length;
        _count--;
        return true;
    }

    public void Clear()
    {
        _head = 0;
        _count = 0;
    }
}
