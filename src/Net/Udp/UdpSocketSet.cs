using Unikernel.Net.Wire;

namespace Unikernel.Net;

/// <summary>
/// The UDP sockets of an interface (<see cref="NetworkInterface.Udp"/>): a table made at
/// start-up, each socket bound to a port for both families and reached through its
/// <see cref="UdpHandle"/>. Received datagrams are queued on their socket by the interface;
/// sent ones are built straight into the interface's transmit queue.
/// </summary>
public sealed class UdpSocketSet
{
    /// <summary>The largest payload in one unfragmented frame: a whole Ethernet payload (1500 bytes) less the smallest IPv4 and UDP headers; the default socket slot.</summary>
    public const int MaximumPayload = 1472;

    private readonly NetworkInterface _interface;
    private readonly UdpSocket[] _sockets;

    internal UdpSocketSet(NetworkInterface owner, int sockets, int depth, int largestPayload)
    {
        if (sockets < 0 || (sockets > 0 && depth < 1) || largestPayload < 1 || largestPayload > UdpDatagram.MaximumLength - UdpDatagram.HeaderLength)
            Kernel.Panic("UDP sockets need a queue of at least one datagram of at most 65,527 bytes"u8);
        _interface = owner;
        _sockets = new UdpSocket[sockets];
        LargestPayload = largestPayload;
        for (int i = 0; i < sockets; i++)
            _sockets[i].MakeQueue(depth, largestPayload);
    }

    /// <summary>The largest payload a socket queues (<see cref="NetworkConfiguration.UdpLargestPayload"/>); larger datagrams are dropped as <see cref="DropReason.QueueFull"/>.</summary>
    public int LargestPayload { get; }

    /// <summary>Binds a socket to <paramref name="port"/> for both families; false if the port is taken, 0, or no socket is free.</summary>
    public bool TryBind(ushort port, out UdpHandle socket)
    {
        socket = UdpHandle.None;
        if (port == 0 || Find(port) >= 0)
            return false;
        for (int i = 0; i < _sockets.Length; i++)
        {
            if (_sockets[i].IsBound)
                continue;
            _sockets[i].Bind(port);
            socket = new UdpHandle(i, _sockets[i].Generation);
            return true;
        }
        return false;
    }

    /// <summary>Unbinds <paramref name="socket"/>, dropping what it has not read.</summary>
    public void Close(UdpHandle socket)
    {
        if (TryGet(socket, out int slot))
            _sockets[slot].Close();
    }

    /// <summary>
    /// The oldest datagram received on <paramref name="socket"/>: copies what fits into
    /// <paramref name="payload"/> and says who sent it and to which of our addresses.
    /// </summary>
    public bool TryReceive(UdpHandle socket, Span<byte> payload, out int length, out IpEndpoint remote, out Ipv6Address local)
    {
        if (TryGet(socket, out int slot))
            return _sockets[slot].TryDequeue(payload, out length, out remote, out local);
        length = 0;
        remote = default;
        local = default;
        return false;
    }

    /// <summary>
    /// Builds a datagram from <paramref name="socket"/>'s port to <paramref name="remote"/> and
    /// queues it; the interface's poll sends it once the next hop is resolved (or drops it,
    /// counted, if that fails). The source address is ours of the destination's family and scope.
    /// </summary>
    public UdpSendResult Send(UdpHandle socket, IpEndpoint remote, ReadOnlySpan<byte> payload)
    {
        if (!TryGet(socket, out int slot))
            return UdpSendResult.NotBound;
        if (!_interface.TrySelectSource(remote.Address, out Ipv6Address source))
            return UdpSendResult.NoSourceAddress;
        return _interface.QueueDatagram(source, remote.Address, _sockets[slot].Port, remote.Port, payload);
    }

    /// <summary>
    /// What the application can do on <paramref name="socket"/> now: Closed when it is not bound.
    /// Writable says a transmit slot is free, for a datagram that fits one frame; one larger than
    /// the path MTU also needs the interface's one outgoing datagram buffer, and is refused with
    /// <see cref="UdpSendResult.QueueFull"/> while another is still going out.
    /// </summary>
    public SocketReadiness Readiness(UdpHandle socket)
    {
        if (!TryGet(socket, out int slot))
            return SocketReadiness.Closed;
        SocketReadiness readiness = _interface.CanQueueFrame ? SocketReadiness.Writable : SocketReadiness.None;
        return _sockets[slot].HasDatagram ? readiness | SocketReadiness.Readable : readiness;
    }

    /// <summary>
    /// A datagram that reached us: into its socket's queue; <paramref name="portClosed"/> when
    /// nobody listens, for the interface to answer (RFC 1122 section 4.1.3.1).
    /// </summary>
    internal Verdict Deliver(ushort port, ReadOnlySpan<byte> payload, in IpEndpoint remote, in Ipv6Address local, out bool portClosed)
    {
        int slot = Find(port);
        portClosed = slot < 0;
        if (slot < 0)
            return Verdict.Drop(DropReason.ClosedPort);
        if (!_sockets[slot].TryEnqueue(payload, in remote, in local))
            return Verdict.Drop(DropReason.QueueFull);
        return Verdict.Absorbed;
    }

    /// <summary>A socket is bound to <paramref name="port"/>.</summary>
    internal bool IsBound(ushort port) => Find(port) >= 0;

    /// <summary>The socket bound to <paramref name="port"/>, or -1.</summary>
    private int Find(ushort port)
    {
        for (int i = 0; i < _sockets.Length; i++)
        {
            if (port != 0 && _sockets[i].Port == port)
                return i;
        }
        return -1;
    }

    private bool TryGet(UdpHandle socket, out int slot)
    {
        slot = socket.Slot;
        return !socket.IsNone && slot < _sockets.Length && _sockets[slot].IsBound && _sockets[slot].Generation == socket.Generation;
    }
}
