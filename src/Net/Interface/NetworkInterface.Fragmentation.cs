using Unikernel.Net.Wire;

namespace Unikernel.Net;

public sealed partial class NetworkInterface
{
    /// <summary>A datagram larger than the path MTU can be sent now: the outgoing buffer exists and is free.</summary>
    internal bool CanSendFragmented => _outgoing != null && !_outgoing.IsBusy;

    /// <summary>
    /// The most bytes after the IP header a datagram to <paramref name="destination"/> may carry
    /// when fragmented: our largest datagram, and the wire's limit (RFC 791's 65,535-byte total
    /// length, RFC 8200's 65,535-byte payload); 0 when we do not fragment.
    /// </summary>
    private int LargestFragmentedPayload(in Ipv6Address destination)
    {
        if (_outgoing == null)
            return 0;
        int wire = destination.IsIpv4Mapped ? Ipv4Packet.MaximumLength - Ipv4Packet.MinimumHeaderLength : Ipv6Packet.MaximumPayloadLength;
        return _outgoing.Capacity < wire ? _outgoing.Capacity : wire;
    }

    /// <summary>
    /// Builds a UDP datagram too large for one frame in the outgoing buffer; <see cref="Poll"/>
    /// sends its fragments once the next hop is resolved.
    /// </summary>
    private UdpSendResult QueueFragmentedDatagram(in Ipv6Address source, in Ipv6Address destination, ushort sourcePort, ushort destinationPort,
        ReadOnlySpan<byte> payload)
    {
        int udpLength = UdpDatagram.HeaderLength + payload.Length;
        if (udpLength > LargestFragmentedPayload(destination))
            return UdpSendResult.TooLarge;
        if (_outgoing.IsBusy)
        {
            _counters.CountSendDrop(SendDropReason.QueueFull);
            return UdpSendResult.QueueFull;
        }
        if (!TryRoute(destination, out var nextHop, out var groupMac))
            return NoRoute();
        Span<byte> packet = _outgoing.Packet;
        EmitIpHeader(packet, source, destination, IpProtocol.Udp, udpLength);
        int ipHeader = IpHeaderLength(destination);
        var udp = UdpDatagram.Emit(packet.Slice(ipHeader), sourcePort, destinationPort, payload.Length);
        payload.CopyTo(udp.Payload);
        if (destination.IsIpv4Mapped)
            udp.FillChecksum(source.MappedIpv4, destination.MappedIpv4);
        else
            udp.FillChecksum(source, destination);
        _outgoing.Start(ipHeader + udpLength, PathMtu(destination), _fragmentIdentifiers.Next(source, destination), nextHop, groupMac);
        if (!nextHop.IsUnspecified)
            _neighbors.Resolve(nextHop, _now, out _);
        return UdpSendResult.Queued;
    }

    /// <summary>
    /// Where to build an IP reply of <paramref name="ipLength"/> bytes to <paramref name="destination"/>
    /// (IPv4-mapped for IPv4), <paramref name="mac"/> on this link: in <paramref name="reply"/>
    /// behind its Ethernet header when it fits the path MTU (<paramref name="frameLength"/> the
    /// frame's length), else in the outgoing buffer to go in fragments (a reply to a reassembled
    /// request may be that large; <paramref name="frameLength"/> 0). False when neither can take it:
    /// the outgoing buffer is busy, the reply is past its size, or <paramref name="reply"/> is shorter than the path MTU.
    /// </summary>
    private bool TryStartIpReply(Span<byte> reply, MacAddress mac, EtherType type, int ipLength, in Ipv6Address destination,
        out Span<byte> packet, out int frameLength)
    {
        int mtu = PathMtu(destination);
        if (ipLength <= mtu)
        {
            bool started = TryStartReply(reply, mac, type, ipLength, out frameLength);
            packet = started ? reply.Slice(EthernetFrame.HeaderLength) : default;
            return started;
        }
        frameLength = 0;
        bool fits = CanSendFragmented && ipLength - IpHeaderLength(destination) <= LargestFragmentedPayload(destination)
            && reply.Length >= EthernetFrame.HeaderLength + mtu;
        packet = fits ? _outgoing.Packet : default;
        return fits;
    }

    /// <summary>
    /// Sends the reply <see cref="TryStartIpReply"/> placed, now built: the frame as it is, or
    /// from the outgoing buffer in fragments to <paramref name="mac"/>, the first now, in
    /// <paramref name="reply"/>, the rest from <see cref="Poll"/>.
    /// </summary>
    private Verdict SendIpReply(int frameLength, int ipLength, in Ipv6Address source, in Ipv6Address destination, MacAddress mac,
        Span<byte> reply)
    {
        if (frameLength > 0)
            return Verdict.Reply(frameLength);
        _outgoing.Start(ipLength, PathMtu(destination), _fragmentIdentifiers.Next(source, destination), default, mac);
        return Verdict.Reply(_outgoing.EmitNext(reply, _mac));
    }

    /// <summary>The next fragment of the outgoing datagram, once its next hop is known; a next hop that never answers loses it, counted.</summary>
    private int EmitOutgoingFragment(Span<byte> frame)
    {
        if (_outgoing == null || !_outgoing.IsBusy)
            return 0;
        Ipv6Address nextHop = _outgoing.NextHop;
        if (!nextHop.IsUnspecified)
        {
            if (_neighbors.StateOf(nextHop) == NeighborState.None)
            {
                _outgoing.Drop();
                _counters.CountSendDrop(SendDropReason.Unresolved);
                return 0;
            }
            if (!_neighbors.Resolve(nextHop, _now, out var mac))
                return 0;
            _outgoing.Resolved(mac);
        }
        return _outgoing.EmitNext(frame, _mac);
    }

    /// <summary>The outgoing datagram has a fragment ready to go now.</summary>
    private bool HasFragmentReady =>
        _outgoing != null && _outgoing.IsBusy && (_outgoing.NextHop.IsUnspecified || _neighbors.TryLookup(_outgoing.NextHop, out _));
}
