using Unikernel.Net.Wire;

namespace Unikernel.Net;

public sealed partial class NetworkInterface
{
    /// <summary>Parameter Problem code 1, unrecognised Next Header (RFC 4443 section 3.4).</summary>
    private const byte UnrecognizedNextHeaderCode = 1;

    /// <summary>Parameter Problem code 2, unrecognised IPv6 option (RFC 4443 section 3.4).</summary>
    private const byte UnrecognizedOptionCode = 2;

    /// <summary>
    /// IPv6 to one of our addresses or a group we are in: ICMPv6 (echo, neighbour discovery,
    /// router advertisements, MLD queries) and UDP; an upper layer we do not know is answered with
    /// a Parameter Problem (RFC 8200 section 4).
    /// </summary>
    private Verdict ProcessIpv6(EthernetFrame ethernet, Span<byte> reply)
    {
        if (!Ipv6Packet.TryParse(ethernet.Payload, out var ip, out var error))
            return Verdict.FromWireError(error);
        Ipv6Address destination = ip.Destination;
        bool toUs = _ipv6.Contains(destination);
        if (!toUs && !_ipv6.IsOurGroup(destination))
            return Verdict.Drop(DropReason.NotOurAddress);
        // RFC 4291 section 2.7: a multicast address is never a source.
        if (ip.Source.IsMulticast)
            return Verdict.Drop(DropReason.InvalidSource);
        return WalkToUpperLayer(ethernet, ip, toUs, reassembled: false, reply);
    }

    /// <summary>
    /// Walks the extension headers of a packet received whole or <paramref name="reassembled"/>
    /// (RFC 8200 section 4.5: the headers after the Fragment header are processed only then),
    /// answering an unrecognised option as its action bits ask, and hands the packet to its upper
    /// layer, or a fragment to reassembly.
    /// </summary>
    private Verdict WalkToUpperLayer(EthernetFrame ethernet, Ipv6Packet ip, bool toUs, bool reassembled, Span<byte> reply)
    {
        if (!Ipv6Packet.WalkExtensionHeaders(ip.Payload, ip.NextHeader, out var protocol, out int offset, out int nextHeaderField, out var error))
        {
            if (error == WireError.Unsupported && nextHeaderField != 0)
                return RejectOption(ethernet, ip, nextHeaderField, reply);
            return Verdict.FromWireError(error);
        }
        // A real fragment ends the walk at its Fragment header (an atomic one was walked past, RFC
        // 6946); one inside a reassembled datagram is not taken apart again (DeliverIpv6 drops it).
        if (protocol == IpProtocol.Ipv6Fragment && Reassembles && !reassembled)
            return ProcessIpv6Fragment(ethernet, ip, offset, nextHeaderField, toUs, reply);
        return DeliverIpv6(ethernet, ip, protocol, offset, nextHeaderField, toUs, reply);
    }

    /// <summary>
    /// A whole IPv6 packet, received or reassembled, to its upper layer at <paramref name="offset"/>
    /// in the payload; an upper layer we do not know is answered with a Parameter Problem.
    /// </summary>
    private Verdict DeliverIpv6(EthernetFrame ethernet, Ipv6Packet ip, IpProtocol protocol, int offset, int nextHeaderField, bool toUs,
        Span<byte> reply)
    {
        if (protocol == IpProtocol.Icmpv6)
            return ProcessIcmpv6(ethernet, ip, ip.Payload.Slice(offset), toUs, reply);
        if (protocol == IpProtocol.Udp)
            return ProcessUdpv6(ethernet, ip, ip.Payload.Slice(offset), toUs, reply);
        if (NetworkFeatures.Tcp && protocol == IpProtocol.Tcp)
            return toUs ? ProcessTcp(ethernet, ip.Destination, ip.Source, ip.Payload.Slice(offset), reply) : Verdict.Drop(DropReason.NotOurAddress);
        // A fragment here: reassembly is off, or a reassembled packet held another. No Next Header means nothing to do.
        if (protocol == IpProtocol.Ipv6Fragment || protocol == IpProtocol.Ipv6NoNextHeader || !toUs)
            return Verdict.Drop(DropReason.Unsupported);
        return ReplyIpv6Error(ethernet, ip, Icmpv6Type.ParameterProblem, UnrecognizedNextHeaderCode, (uint)nextHeaderField, reply,
            DropReason.Unsupported);
    }

    /// <summary>
    /// An unrecognised option whose action bits (RFC 8200 section 4.2) ask for the packet to be
    /// discarded: silently (01), or with a Parameter Problem, code 2, pointing at the option type
    /// (10 always, 11 only when the destination was not multicast; RFC 4443 section 2.4 (e.3)
    /// lets these two go to a multicast packet's source), never about an ICMPv6 error (e.1). The
    /// packet is counted as unsupported.
    /// </summary>
    private Verdict RejectOption(EthernetFrame ethernet, Ipv6Packet ip, int pointer, Span<byte> reply)
    {
        Ipv6OptionAction action = Ipv6Options.ActionOf(ip.Buffer[pointer]);
        bool report = action == Ipv6OptionAction.DiscardAndReport
            || (action == Ipv6OptionAction.DiscardAndReportUnlessMulticast && !ip.Destination.IsMulticast);
        // RFC 4443 section 2.4 (e.1): never an error about an ICMPv6 error.
        if (!report || Ipv6Packet.MayBeIcmpv6Error(ip.Payload, ip.NextHeader))
            return Verdict.Drop(DropReason.Unsupported);
        return ReplyIpv6Error(ethernet, ip, Icmpv6Type.ParameterProblem, UnrecognizedOptionCode, (uint)pointer, reply, DropReason.Unsupported);
    }

    /// <summary>DAD ends, lifetimes run out: a global address whose valid lifetime ended is dropped and reported.</summary>
    private void AdvanceAddressTimers()
    {
        int expired;
        while ((expired = _ipv6.Advance(_now)) >= 0)
            _events.Add(new InterfaceEvent(InterfaceEventKind.Ipv6AddressExpired, _ipv6[expired], 64, default, 0));
        if (UsesDhcp)
            AdvanceDhcp();
    }

    /// <summary>Another node has the address (RFC 4862 section 5.4.5): it is not ours; we stop using it and say so.</summary>
    private void LoseDuplicate(int slot)
    {
        Ipv6Address address = _ipv6[slot];
        _ipv6.Remove(slot);
        _events.Add(new InterfaceEvent(InterfaceEventKind.DuplicateAddress, address, 64, default, 0));
    }

    private Verdict ProcessIcmpv6(EthernetFrame ethernet, Ipv6Packet ip, Span<byte> message, bool toUs, Span<byte> reply)
    {
        if (!Icmpv6Packet.TryParse(message, out var icmp, out var error))
            return Verdict.FromWireError(error);
        if (!icmp.VerifyChecksum(ip.Source, ip.Destination))
            return Verdict.Drop(DropReason.BadChecksum);

        return icmp.Type switch
        {
            Icmpv6Type.EchoRequest => ProcessEcho(ethernet, ip, icmp, toUs, reply),
            Icmpv6Type.PacketTooBig => ProcessPacketTooBig(icmp, toUs),
            Icmpv6Type.NeighborSolicitation => ProcessNeighborSolicitation(ethernet, ip, icmp, reply),
            Icmpv6Type.NeighborAdvertisement => ProcessNeighborAdvertisement(ip, icmp),
            Icmpv6Type.RouterAdvertisement => ProcessRouterAdvertisement(ip, icmp),
            Icmpv6Type.MulticastListenerQuery => UsesAutoconfiguration
                ? _autoconfiguration.ProcessMulticastListenerQuery(ip, icmp, _ipv6, _now) : Verdict.Drop(DropReason.Unsupported),
            _ => Verdict.Drop(DropReason.Unsupported),
        };
    }

    private Verdict ProcessUdpv6(EthernetFrame ethernet, Ipv6Packet ip, Span<byte> datagram, bool toUs, Span<byte> reply)
    {
        if (!UdpDatagram.TryParse(datagram, out var udp, out var error))
            return Verdict.FromWireError(error);
        Ipv6Address source = ip.Source;
        if (!udp.VerifyChecksum(source, ip.Destination))
            return Verdict.Drop(DropReason.BadChecksum);
        if (source.IsUnspecified || udp.SourcePort == 0)
            return Verdict.Drop(DropReason.InvalidSource);
        var remote = new IpEndpoint(source, udp.SourcePort);
        Verdict verdict = DeliverUdp(udp, remote, ip.Destination, out bool portClosed);
        if (portClosed && toUs)
            return ReplyIpv6Error(ethernet, ip, Icmpv6Type.DestinationUnreachable, Ipv6PortUnreachableCode, 0, reply, DropReason.ClosedPort);
        return verdict;
    }

    /// <summary>
    /// An echo reply (RFC 4443 section 4.2) from the address the request was sent to, or, for
    /// a request to a group we are in, from our unicast address of the requester's scope.
    /// </summary>
    private Verdict ProcessEcho(EthernetFrame ethernet, Ipv6Packet ip, Icmpv6Packet icmp, bool toUs, Span<byte> reply)
    {
        if (icmp.Code != 0)
            return Verdict.Drop(DropReason.Unsupported);
        Ipv6Address source = ip.Source;
        if (source.IsUnspecified || source.IsLoopback)
            return Verdict.Drop(DropReason.InvalidSource);
        Ipv6Address from = ip.Destination;
        if (!toUs && !TrySelectSource(source, out from))
            return Verdict.Drop(DropReason.NotOurAddress);

        int icmpLength = icmp.Buffer.Length;
        int ipLength = Ipv6Packet.HeaderLength + icmpLength;
        if (!TryStartIpReply(reply, ethernet.Source, EtherType.Ipv6, ipLength, source, out Span<byte> packet, out int length))
            return Verdict.Drop(DropReason.ReplyBufferTooSmall);
        var replyIp = Ipv6Packet.Emit(packet, from, source, IpProtocol.Icmpv6, icmpLength, DefaultHopLimit);
        Icmpv6Packet.EmitEcho(replyIp.Payload, Icmpv6Type.EchoReply, icmp.Identifier, icmp.SequenceNumber, icmp.Payload,
            from, source);
        return SendIpReply(length, ipLength, from, source, ethernet.Source, reply);
    }

    /// <summary>
    /// Validates a neighbour solicitation (RFC 4861 section 7.1.1), learns the sender's MAC, and
    /// if it asks for one of our addresses answers with an advertisement carrying our MAC (section
    /// 7.2.4). Another node's duplicate address detection for an address we are still testing
    /// means the address is not ours to keep (RFC 4862 section 5.4.3).
    /// </summary>
    private Verdict ProcessNeighborSolicitation(EthernetFrame ethernet, Ipv6Packet ip, Icmpv6Packet icmp, Span<byte> reply)
    {
        if (!CheckNeighborMessage(ip, icmp, NdpOptionType.SourceLinkLayerAddress, out var target, out bool hasSourceMac, out MacAddress sourceMac,
            out Verdict rejected))
            return rejected;

        Ipv6Address source = ip.Source;
        Ipv6Address destination = ip.Destination;
        bool duplicateAddressDetection = source.IsUnspecified;
        // From the unspecified address (duplicate address detection): only to a solicited-node
        // group, and without a source link-layer address option.
        if (duplicateAddressDetection && (hasSourceMac || destination != target.SolicitedNode))
            return Verdict.FromWireError(WireError.BadFormat);
        int slot = _ipv6.Find(target);
        if (slot < 0 || (destination != target && destination != target.SolicitedNode))
            return Verdict.Drop(DropReason.NotOurAddress);
        if (hasSourceMac && sourceMac.IsMulticast)
            return Verdict.Drop(DropReason.InvalidSource);
        if (UsesAutoconfiguration && duplicateAddressDetection && _ipv6.StateAt(slot) == AddressState.Optimistic)
        {
            LoseDuplicate(slot);
            return Verdict.Absorbed;
        }
        if (hasSourceMac)
            _neighbors.Learn(source, sourceMac, _now);

        // RFC 4861 section 7.2.4: to the solicitation's source with Solicited set; if that is
        // the unspecified address, to all nodes with Solicited clear. Override is set, the
        // address being ours alone, except while optimistic (RFC 4429 section 3.3). Not a router.
        Ipv6Address replyTo = duplicateAddressDetection ? Ipv6Address.AllNodes : source;
        MacAddress replyMac = duplicateAddressDetection ? MacAddress.FromIpv6Multicast(Ipv6Address.AllNodes)
            : hasSourceMac ? sourceMac : ethernet.Source;
        byte flags = _ipv6.StateAt(slot) == AddressState.Optimistic ? (byte)0 : Icmpv6Packet.OverrideFlag;
        if (!duplicateAddressDetection)
            flags |= Icmpv6Packet.SolicitedFlag;

        if (!TryStartReply(reply, replyMac, EtherType.Ipv6, NeighborDiscoveryMessages.NeighborAdvertisementLength, out int length))
            return Verdict.Drop(DropReason.ReplyBufferTooSmall);
        NeighborDiscoveryMessages.EmitNeighborAdvertisement(reply.Slice(EthernetFrame.HeaderLength), target, replyTo, flags, _mac);
        return Verdict.Reply(length);
    }

    /// <summary>
    /// A neighbour advertisement (RFC 4861 section 7.1.2, 7.2.5): confirms or updates a cache
    /// entry; one for an address we are testing proves it a duplicate (RFC 4862 section 5.4.4).
    /// </summary>
    private Verdict ProcessNeighborAdvertisement(Ipv6Packet ip, Icmpv6Packet icmp)
    {
        if (!CheckNeighborMessage(ip, icmp, NdpOptionType.TargetLinkLayerAddress, out var target, out bool hasMac, out MacAddress mac,
            out Verdict rejected))
            return rejected;
        byte flags = icmp.NeighborFlags;
        bool solicited = (flags & Icmpv6Packet.SolicitedFlag) != 0;
        if (solicited && ip.Destination.IsMulticast)
            return Verdict.FromWireError(WireError.BadFormat);
        int slot = _ipv6.Find(target);
        if (slot >= 0)
        {
            if (!UsesAutoconfiguration || _ipv6.StateAt(slot) != AddressState.Optimistic)
                return Verdict.Drop(DropReason.InvalidSource);
            LoseDuplicate(slot);
            return Verdict.Absorbed;
        }
        if (!hasMac || mac.IsMulticast)
            return Verdict.Drop(DropReason.Unsupported);
        return _neighbors.Confirm(target, mac, solicited, (flags & Icmpv6Packet.OverrideFlag) != 0, _now)
            ? Verdict.Absorbed : Verdict.Drop(DropReason.NotOurAddress);
    }

    /// <summary>
    /// The checks a solicitation and an advertisement share (RFC 4861 sections 7.1.1 and 7.1.2):
    /// hop limit 255, code 0, a unicast target, options that walk (none of zero length, none past
    /// the end); and the link-layer address option of <paramref name="option"/>, if there is one.
    /// </summary>
    private static bool CheckNeighborMessage(Ipv6Packet ip, Icmpv6Packet icmp, NdpOptionType option, out Ipv6Address target, out bool hasMac,
        out MacAddress mac, out Verdict rejected)
    {
        hasMac = false;
        mac = default;
        rejected = default;
        target = default;
        if (ip.HopLimit != NeighborDiscoveryHopLimit)
            rejected = Verdict.Drop(DropReason.BadHopLimit);
        else if (icmp.Code != 0)
            rejected = Verdict.FromWireError(WireError.BadFormat);
        else if (!icmp.TryGetTargetAddress(out target))
            rejected = Verdict.FromWireError(WireError.Truncated);
        else if (target.IsMulticast)
            rejected = Verdict.FromWireError(WireError.BadFormat);
        else if (!NdpOptionReader.Validate(icmp.NeighborOptions, out var error))
            rejected = Verdict.FromWireError(error);
        else
        {
            hasMac = NdpOptionReader.TryFindLinkLayerAddress(icmp.NeighborOptions, option, out mac);
            return true;
        }
        return false;
    }
}
