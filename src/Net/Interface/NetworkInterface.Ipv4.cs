using Unikernel.Net.Wire;

namespace Unikernel.Net;

public sealed partial class NetworkInterface
{
    /// <summary>The DHCP client's port (RFC 2131 section 4.1).</summary>
    private const ushort DhcpClientPort = 68;

    /// <summary>
    /// IPv4 to our address (or broadcast, for UDP): ICMP echo requests answered (RFC 792, RFC 1122
    /// section 3.2.2.6), fragmentation needed taken as path MTU news (RFC 1191), UDP delivered to
    /// sockets or DHCP, TCP to its sockets, the rest counted.
    /// </summary>
    private Verdict ProcessIpv4(EthernetFrame ethernet, Span<byte> reply)
    {
        if (!Ipv4Packet.TryParse(ethernet.Payload, out var ip, out var error))
            return Verdict.FromWireError(error);
        Ipv4Address destination = ip.Destination;
        bool toUs = !_ipv4.IsUnspecified && destination == _ipv4;
        bool toGroup = destination.IsBroadcast || destination.IsMulticast || IsSubnetBroadcast(destination);
        // Before DHCP binds, the server may send to the address it offers (RFC 2131 section 4.1).
        bool awaitingLease = UsesDhcp && _ipv4.IsUnspecified;
        if (!toUs && !toGroup && !awaitingLease)
            return Verdict.Drop(DropReason.NotOurAddress);
        // RFC 1122 section 3.2.1.3: never answer or accept from a source that is not one host
        // (0.0.0.0 is fine only for DHCP, which we are not the server of).
        Ipv4Address source = ip.Source;
        if (source.IsBroadcast || source.IsMulticast || source.IsLoopback || (!_ipv4.IsUnspecified && source == _ipv4))
            return Verdict.Drop(DropReason.InvalidSource);
        // A fragment is not a whole message (RFC 791 section 3.2): reassembled, or dropped when reassembly is off.
        if (ip.IsFragment)
            return Reassembles ? ProcessIpv4Fragment(ethernet, ip, toUs, reply) : Verdict.Drop(DropReason.Unsupported);
        return DeliverIpv4(ethernet, ip, toUs, reply);
    }

    /// <summary>A whole IPv4 datagram, received or reassembled, from a valid source: UDP, TCP, ICMP echo.</summary>
    private Verdict DeliverIpv4(EthernetFrame ethernet, Ipv4Packet ip, bool toUs, Span<byte> reply)
    {
        Ipv4Address source = ip.Source;
        Ipv4Address destination = ip.Destination;
        WireError error;
        if (ip.Protocol == IpProtocol.Udp)
            return ProcessUdpv4(ethernet, ip, toUs, reply);
        if (!toUs)
            return Verdict.Drop(DropReason.NotOurAddress);
        if (NetworkFeatures.Tcp && ip.Protocol == IpProtocol.Tcp)
        {
            if (source.IsUnspecified)
                return Verdict.Drop(DropReason.InvalidSource);
            return ProcessTcp(ethernet, Ipv6Address.MapIpv4(destination), Ipv6Address.MapIpv4(source), ip.Payload, reply);
        }
        if (ip.Protocol != IpProtocol.Icmp)
            return Verdict.Drop(DropReason.Unsupported);
        if (!Icmpv4Packet.TryParse(ip.Payload, out var icmp, out error))
            return Verdict.FromWireError(error);
        if (icmp.Type == Icmpv4Type.DestinationUnreachable && icmp.Code == Icmpv4Packet.FragmentationNeededCode)
            return ProcessFragmentationNeeded(icmp);
        // Broadcast and multicast echo requests are not answered (toUs above): RFC 1122 section
        // 3.2.2.6 allows silently discarding them, and Linux does by default.
        if (icmp.Type != Icmpv4Type.EchoRequest || icmp.Code != 0)
            return Verdict.Drop(DropReason.Unsupported);
        if (source.IsUnspecified)
            return Verdict.Drop(DropReason.InvalidSource);

        // The reply has a plain 20-byte header: options of the request (record route, timestamp)
        // are not reflected, which RFC 1122 section 3.2.2.6 asks for only as a SHOULD.
        int icmpLength = icmp.Buffer.Length;
        int ipLength = Ipv4Packet.MinimumHeaderLength + icmpLength;
        Ipv6Address to = Ipv6Address.MapIpv4(source);
        if (!TryStartIpReply(reply, ethernet.Source, EtherType.Ipv4, ipLength, to, out Span<byte> packet, out int length))
            return Verdict.Drop(DropReason.ReplyBufferTooSmall);
        var replyIp = Ipv4Packet.Emit(packet, _ipv4, source, IpProtocol.Icmp, icmpLength, DefaultHopLimit);
        Icmpv4Packet.EmitEcho(replyIp.Payload, Icmpv4Type.EchoReply, icmp.Identifier, icmp.SequenceNumber, icmp.Payload);
        return SendIpReply(length, ipLength, Ipv6Address.MapIpv4(_ipv4), to, ethernet.Source, reply);
    }

    private Verdict ProcessUdpv4(EthernetFrame ethernet, Ipv4Packet ip, bool toUs, Span<byte> reply)
    {
        if (!UdpDatagram.TryParse(ip.Payload, out var udp, out var error))
            return Verdict.FromWireError(error);
        Ipv4Address source = ip.Source;
        if (!udp.VerifyChecksum(source, ip.Destination))
            return Verdict.Drop(DropReason.BadChecksum);
        if (UsesDhcp && udp.DestinationPort == DhcpClientPort)
            return ProcessDhcp(ethernet, source, udp.Payload);
        if (!toUs && _ipv4.IsUnspecified)
            return Verdict.Drop(DropReason.NotOurAddress);
        if (source.IsUnspecified || udp.SourcePort == 0)
            return Verdict.Drop(DropReason.InvalidSource);

        var remote = new IpEndpoint(source, udp.SourcePort);
        Verdict verdict = DeliverUdp(udp, remote, Ipv6Address.MapIpv4(ip.Destination), out bool portClosed);
        if (portClosed && toUs)
            return ReplyPortUnreachable(ethernet, ip, reply);
        return verdict;
    }

    private bool IsSubnetBroadcast(Ipv4Address destination)
    {
        if (_ipv4.IsUnspecified || _ipv4PrefixLength <= 0 || _ipv4PrefixLength >= 31)
            return false;
        uint host = 0xFFFF_FFFFu >> _ipv4PrefixLength;
        return destination.Value == (_ipv4.Value | host);
    }
}
