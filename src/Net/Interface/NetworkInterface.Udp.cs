using Unikernel.Net.Wire;

namespace Unikernel.Net;

public sealed partial class NetworkInterface
{
    /// <summary>ICMP errors quote the invoking datagram up to a 576-byte IPv4 datagram (RFC 1812 section 4.3.2.3).</summary>
    private const int Icmpv4ErrorLimit = 576;

    /// <summary>ICMPv6 errors quote as much as fits the minimum MTU (RFC 4443 section 2.4 (c)).</summary>
    private const int Icmpv6ErrorLimit = 1280;

    /// <summary>Made by the constructor; null in an image built without <see cref="NetworkFeatures.UdpSockets"/>.</summary>
    private readonly UdpSocketSet _udp = null!;

    /// <summary>The UDP sockets: bind, send and receive by <see cref="UdpHandle"/>. Null in an image built without UDP sockets.</summary>
    public UdpSocketSet Udp => _udp;

    /// <summary>NetworkFeatures.UdpSockets, as a property so the compiler does not call the code behind it unreachable; ilc folds it.</summary>
    private static bool UdpBuiltIn => NetworkFeatures.UdpSockets;

    /// <summary>A transmit slot is free: a datagram can be queued now.</summary>
    internal bool CanQueueFrame => _transmit.Count < _transmit.Depth;

    /// <summary>
    /// Builds a datagram from <paramref name="source"/> (one of ours, of the destination's family)
    /// and queues it; <see cref="Poll"/> sends it once the next hop is resolved. One larger than
    /// the path MTU goes into the outgoing datagram buffer and out in fragments.
    /// </summary>
    internal UdpSendResult QueueDatagram(Ipv6Address source, Ipv6Address destination, ushort sourcePort, ushort destinationPort,
        ReadOnlySpan<byte> payload)
    {
        int headers = EthernetFrame.HeaderLength + IpHeaderLength(destination) + UdpDatagram.HeaderLength;
        if (headers - EthernetFrame.HeaderLength + payload.Length > PathMtu(destination))
            return QueueFragmentedDatagram(source, destination, sourcePort, destinationPort, payload);
        int slot = _transmit.Reserve();
        if (slot < 0)
        {
            _counters.CountSendDrop(SendDropReason.QueueFull);
            return UdpSendResult.QueueFull;
        }
        payload.CopyTo(_transmit.Slot(slot).Slice(headers));
        return CommitDatagram(slot, source, destination, sourcePort, destinationPort, payload.Length);
    }

    /// <summary>Wraps the <paramref name="payloadLength"/> bytes already at the UDP payload offset of <paramref name="slot"/> and queues them.</summary>
    private UdpSendResult CommitDatagram(int slot, Ipv6Address source, Ipv6Address destination, ushort sourcePort, ushort destinationPort,
        int payloadLength)
    {
        if (destination.IsIpv4Mapped)
            return CommitIpv4Datagram(slot, source.MappedIpv4, destination.MappedIpv4, sourcePort, destinationPort, payloadLength);
        if (!TryRouteIpv6(destination, out var nextHop, out var groupMac))
            return NoRoute();
        Span<byte> frame = _transmit.Slot(slot);
        EthernetFrame.Emit(frame, groupMac, _mac, EtherType.Ipv6);
        int udpLength = UdpDatagram.HeaderLength + payloadLength;
        var ip = Ipv6Packet.Emit(frame.Slice(EthernetFrame.HeaderLength), source, destination, IpProtocol.Udp, udpLength, DefaultHopLimit);
        UdpDatagram.Emit(ip.Payload, sourcePort, destinationPort, payloadLength).FillChecksum(source, destination);
        Commit(slot, EthernetFrame.HeaderLength + Ipv6Packet.HeaderLength + udpLength, nextHop);
        return UdpSendResult.Queued;
    }

    /// <summary>The IPv4 half of <see cref="CommitDatagram"/>, on its own for DHCP, which sends nothing else.</summary>
    private UdpSendResult CommitIpv4Datagram(int slot, Ipv4Address source, Ipv4Address destination, ushort sourcePort, ushort destinationPort,
        int payloadLength)
    {
        if (!TryRouteIpv4(destination, out var nextHop, out var groupMac))
            return NoRoute();
        Span<byte> frame = _transmit.Slot(slot);
        EthernetFrame.Emit(frame, groupMac, _mac, EtherType.Ipv4);
        int udpLength = UdpDatagram.HeaderLength + payloadLength;
        var ip = Ipv4Packet.Emit(frame.Slice(EthernetFrame.HeaderLength), source, destination, IpProtocol.Udp, udpLength, DefaultHopLimit);
        UdpDatagram.Emit(ip.Payload, sourcePort, destinationPort, payloadLength).FillChecksum(source, destination);
        Commit(slot, EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength + udpLength, nextHop);
        return UdpSendResult.Queued;
    }

    private UdpSendResult NoRoute()
    {
        _counters.CountSendDrop(SendDropReason.NoRoute);
        return UdpSendResult.NoRoute;
    }

    /// <summary>Queues a built frame; a unicast next hop starts its resolution now, so the solicitation goes out on the next poll.</summary>
    private void Commit(int slot, int length, in Ipv6Address nextHop)
    {
        _transmit.Commit(slot, EthernetFrame.Pad(_transmit.Slot(slot), length), nextHop);
        if (!nextHop.IsUnspecified)
            _neighbors.Resolve(nextHop, _now, out _);
    }

    /// <summary>The next hop for a destination of either family (IPv4-mapped for IPv4).</summary>
    private bool TryRoute(in Ipv6Address destination, out Ipv6Address nextHop, out MacAddress groupMac) =>
        destination.IsIpv4Mapped
            ? TryRouteIpv4(destination.MappedIpv4, out nextHop, out groupMac)
            : TryRouteIpv6(destination, out nextHop, out groupMac);

    /// <summary>A next hop is known for <paramref name="destination"/> (IPv4-mapped for IPv4).</summary>
    internal bool HasRoute(Ipv6Address destination) => TryRoute(destination, out _, out _);

    /// <summary>The IP header we put before what goes to <paramref name="destination"/>: 20 bytes for IPv4 (no options), 40 for IPv6.</summary>
    private static int IpHeaderLength(in Ipv6Address destination) =>
        destination.IsIpv4Mapped ? Ipv4Packet.MinimumHeaderLength : Ipv6Packet.HeaderLength;

    /// <summary>The IP header of a packet we originate, before <paramref name="payloadLength"/> bytes already in place.</summary>
    private static void EmitIpHeader(Span<byte> packet, in Ipv6Address source, in Ipv6Address destination, IpProtocol protocol, int payloadLength)
    {
        if (destination.IsIpv4Mapped)
            Ipv4Packet.Emit(packet, source.MappedIpv4, destination.MappedIpv4, protocol, payloadLength, DefaultHopLimit);
        else
            Ipv6Packet.Emit(packet, source, destination, protocol, payloadLength, DefaultHopLimit);
    }

    /// <summary>
    /// The next hop for an IPv4 destination (IPv4-mapped), or unspecified with the group MAC
    /// when it needs no resolution: broadcast, multicast. On-link is our prefix and 169.254/16
    /// (RFC 3927 section 2.6); the rest goes to the gateway.
    /// </summary>
    private bool TryRouteIpv4(Ipv4Address destination, out Ipv6Address nextHop, out MacAddress groupMac)
    {
        nextHop = default;
        groupMac = default;
        uint mask = _ipv4PrefixLength <= 0 ? 0 : _ipv4PrefixLength >= 32 ? 0xFFFF_FFFF : ~(0xFFFF_FFFFu >> _ipv4PrefixLength);
        if (destination.IsBroadcast || (!_ipv4.IsUnspecified && mask != 0xFFFF_FFFF && destination.Value == (_ipv4.Value | ~mask)))
        {
            groupMac = MacAddress.Broadcast;
            return true;
        }
        if (destination.IsMulticast)
        {
            groupMac = MacAddress.FromIpv4Multicast(destination);
            return true;
        }
        if (destination.IsLinkLocal || ((destination.Value ^ _ipv4.Value) & mask) == 0)
        {
            nextHop = Ipv6Address.MapIpv4(destination);
            return true;
        }
        if (_ipv4Gateway.IsUnspecified)
            return false;
        nextHop = Ipv6Address.MapIpv4(_ipv4Gateway);
        return true;
    }

    /// <summary>
    /// The next hop for an IPv6 destination: itself when link-local or inside an on-link prefix
    /// of ours, else the default router (RFC 4861 section 5.2); multicast needs no resolution.
    /// </summary>
    private bool TryRouteIpv6(in Ipv6Address destination, out Ipv6Address nextHop, out MacAddress groupMac)
    {
        nextHop = default;
        groupMac = default;
        if (destination.IsMulticast)
        {
            groupMac = MacAddress.FromIpv6Multicast(destination);
            return true;
        }
        if (destination.IsLinkLocal || IsOnLink(destination))
        {
            nextHop = destination;
            return true;
        }
        nextHop = DefaultRouter;
        return !nextHop.IsUnspecified;
    }

    private bool IsOnLink(Ipv6Address destination)
    {
        for (int i = 1; i < Ipv6AddressTable.Capacity; i++)
        {
            if (_ipv6.StateAt(i) != AddressState.None && _ipv6.IsOnLinkPrefix(i) && destination.HasPrefix(_ipv6[i], 64))
                return true;
        }
        return false;
    }

    /// <summary>
    /// Our source for <paramref name="destination"/>: our IPv4 address for an IPv4-mapped one;
    /// for IPv6 (RFC 6724, simplified) link-local for link-local and link-scope multicast, else a
    /// global address, preferred before deprecated.
    /// </summary>
    internal bool TrySelectSource(Ipv6Address destination, out Ipv6Address source)
    {
        if (destination.IsIpv4Mapped)
        {
            source = Ipv6Address.MapIpv4(_ipv4);
            return !_ipv4.IsUnspecified;
        }
        bool linkScope = destination.IsLinkLocal || (destination.IsMulticast && (destination.High >> 48 & 0xF) <= 2);
        if (linkScope)
        {
            source = _ipv6[0];
            return true;
        }
        int chosen = -1;
        for (int i = 1; i < Ipv6AddressTable.Capacity; i++)
        {
            AddressState state = _ipv6.StateAt(i);
            if (state == AddressState.None)
                continue;
            if (chosen < 0 || (state != AddressState.Deprecated && _ipv6.StateAt(chosen) == AddressState.Deprecated))
                chosen = i;
        }
        source = chosen < 0 ? default : _ipv6[chosen];
        return chosen >= 0;
    }

    /// <summary>
    /// A datagram that reached us: into its socket's queue, or, when nobody listens, answered with
    /// port unreachable unless it was sent to a group (RFC 1122 section 4.1.3.1, RFC 4443 section 2.4 (e)).
    /// </summary>
    private Verdict DeliverUdp(UdpDatagram udp, in IpEndpoint remote, in Ipv6Address local, out bool portClosed)
    {
        if (DnsBuiltIn && _dns.OwnsPort(udp.DestinationPort))
        {
            portClosed = false;
            return _dns.Receive(udp.DestinationPort, udp.Payload, in remote, _now);
        }
        if (!UdpBuiltIn)
        {
            portClosed = true;
            return Verdict.Drop(DropReason.ClosedPort);
        }
        return _udp.Deliver(udp.DestinationPort, udp.Payload, in remote, in local, out portClosed);
    }

    /// <summary>
    /// ICMP destination unreachable, port unreachable (RFC 792, RFC 1122 section 3.2.2.1), quoting
    /// the datagram's IP header and as much of the rest as fits 576 bytes; rate-limited.
    /// </summary>
    private Verdict ReplyPortUnreachable(EthernetFrame ethernet, Ipv4Packet ip, Span<byte> reply)
    {
        if (!_icmpErrors.TryTake(_now))
            return Verdict.Drop(DropReason.ClosedPort);
        int quoted = ip.TotalLength;
        const int Room = Icmpv4ErrorLimit - Ipv4Packet.MinimumHeaderLength - Icmpv4Packet.HeaderLength;
        if (quoted > Room)
            quoted = Room;
        int icmpLength = Icmpv4Packet.HeaderLength + quoted;
        if (!TryStartReply(reply, ethernet.Source, EtherType.Ipv4, Ipv4Packet.MinimumHeaderLength + icmpLength, out int length))
            return Verdict.Drop(DropReason.ReplyBufferTooSmall);
        var replyIp = Ipv4Packet.Emit(reply.Slice(EthernetFrame.HeaderLength), _ipv4, ip.Source, IpProtocol.Icmp, icmpLength, DefaultHopLimit);
        var icmp = Icmpv4Packet.Emit(replyIp.Payload, Icmpv4Type.DestinationUnreachable, PortUnreachableCode, quoted);
        ip.Buffer.Slice(0, quoted).CopyTo(icmp.Payload);
        icmp.FillChecksum();
        return Verdict.Reply(length);
    }

    /// <summary>ICMPv6 destination unreachable (RFC 4443 section 3.1) with <paramref name="code"/>, quoting what fits 1280 bytes; rate-limited.</summary>
    private Verdict ReplyIpv6Error(EthernetFrame ethernet, Ipv6Packet ip, Icmpv6Type type, byte code, uint pointer, Span<byte> reply,
        DropReason whenLimited)
    {
        Ipv6Address source = ip.Source;
        if (source.IsUnspecified || source.IsMulticast || !_icmpErrors.TryTake(_now))
            return Verdict.Drop(whenLimited);
        int quoted = Ipv6Packet.HeaderLength + ip.PayloadLength;
        const int Room = Icmpv6ErrorLimit - Ipv6Packet.HeaderLength - Icmpv6Packet.MinimumLength;
        if (quoted > Room)
            quoted = Room;
        int icmpLength = Icmpv6Packet.MinimumLength + quoted;
        if (!TryStartReply(reply, ethernet.Source, EtherType.Ipv6, Ipv6Packet.HeaderLength + icmpLength, out int length))
            return Verdict.Drop(DropReason.ReplyBufferTooSmall);
        // From the address the packet was sent to if it is ours, else from one of ours of its scope.
        Ipv6Address from = ip.Destination;
        if (!_ipv6.Contains(from) && !TrySelectSource(source, out from))
            return Verdict.Drop(whenLimited);
        var replyIp = Ipv6Packet.Emit(reply.Slice(EthernetFrame.HeaderLength), from, source, IpProtocol.Icmpv6, icmpLength, DefaultHopLimit);
        var icmp = Icmpv6Packet.Emit(replyIp.Payload, type, code, quoted);
        if (type == Icmpv6Type.ParameterProblem)
            icmp.Pointer = pointer;
        ip.Buffer.Slice(0, quoted).CopyTo(icmp.Payload);
        icmp.FillChecksum(from, source);
        return Verdict.Reply(length);
    }

    /// <summary>Code 3 of destination unreachable (RFC 792).</summary>
    private const byte PortUnreachableCode = 3;

    /// <summary>Code 4 of ICMPv6 destination unreachable (RFC 4443 section 3.1).</summary>
    private const byte Ipv6PortUnreachableCode = 4;
}
