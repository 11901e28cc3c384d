using Unikernel.Net.Wire;

namespace Unikernel.Net;

/// <summary>
/// One UDP socket (RFC 768): the port it is bound to and its receive queue, a bounded
/// first-in first-out ring of datagram slots of <see cref="UdpSocketSet.LargestPayload"/> bytes,
/// in flat arrays made at start-up (no array of objects, so bare metal needs no covariant-store
/// check). A full queue refuses new datagrams (the caller counts them): it never pushes out
/// what the application has not read yet.
/// </summary>
internal struct UdpSocket
{
    private byte[] _payloads;
    private int _slotSize;
    private int[] _lengths;
    private IpEndpoint[] _remotes;
    private Ipv6Address[] _locals;
    private int _head;
    private int _count;

    /// <summary>Port 0 marks a free socket (it is not a port one can bind, RFC 768).</summary>
    private ushort _port;

    /// <summary>Bumped at each bind, so a stale handle is recognised.</summary>
    private ushort _generation;

    /// <summary>Gives the slot, once at start-up, the queue it keeps for every socket bound in it.</summary>
    public void MakeQueue(int depth, int slotSize)
    {
        _slotSize = slotSize;
        _payloads = new byte[depth * slotSize];
        _lengths = new int[depth];
        _remotes = new IpEndpoint[depth];
        _locals = new Ipv6Address[depth];
    }

    public readonly ushort Port => _port;

    public readonly ushort Generation => _generation;

    public readonly bool IsBound => _port != 0;

    public readonly bool IsFull => _count == _lengths.Length;

    public readonly bool HasDatagram => _count > 0;

    public void Bind(ushort port)
    {
        _port = port;
        ushort generation = (ushort)(_generation + 1);
        // Generation 0 is never used, so the default handle names no socket.
        _generation = generation == 0 ? (ushort)1 : generation;
        _head = 0;
        _count = 0;
    }

    /// <summary>Unbinds, dropping what was not read.</summary>
    public void Close()
    {
        _port = 0;
        _head = 0;
        _count = 0;
    }

    /// <summary>Copies a datagram into the queue; false if it is full or the payload does not fit a slot.</summary>
    public bool TryEnqueue(ReadOnlySpan<byte> payload, in IpEndpoint remote, in Ipv6Address local)
    {
        if (IsFull || payload.Length > _slotSize)
            return false;
        int slot = (_head + _count) % _lengths.Length;
        payload.CopyTo(_payloads.AsSpan(slot * _slotSize, _slotSize));
        _lengths[slot] = payload.Length;
        _remotes[slot] = remote;
        _locals[slot] = local;
        _count++;
        return true;
    }

    /// <summary>
    /// Takes the oldest datagram: copies as much as fits into <paramref name="destination"/> (the
    /// rest is lost, as recv on a short buffer does) and returns its full length in
    /// <paramref name="length"/>; false when the queue is empty.
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
        _payloads.AsSpan(slot * _slotSize, copied).CopyTo(destination);
        _head = (_head + 1) % _lengths.Length;
        _count--;
        return true;
    }
}
