using Unikernel.Net.Wire;

namespace Unikernel.Net;

public partial struct NetworkInterface
{
    // RFC 4861 section 4.6: option types for the link-layer addresses.
    private const byte SourceLinkLayerAddressOption = 1;
    private const byte TargetLinkLayerAddressOption = 2;

    // A target link-layer address option for Ethernet: type, length 1 (8 bytes), the MAC (RFC 4861 section 4.6.1).
    private const int LinkLayerAddressOptionLength = 8;

    /// <summary>IPv6 to our link-local address or a group we are in, carrying ICMPv6 we answer: echo and neighbour solicitation.</summary>
    private Verdict ProcessIpv6(EthernetFrame ethernet, Span<byte> reply)
    {
        if (!Ipv6Packet.TryParse(ethernet.Payload, out var ip, out var error))
            return Verdict.FromWireError(error);
        Ipv6Address destination = ip.Destination;
        if (destination != _linkLocal && destination != Ipv6Address.AllNodes && destination != SolicitedNodeGroup)
            return Verdict.Drop(DropReason.NotOurAddress);
        if (!ip.FindUpperLayer(out var protocol, out int offset, out error))
            return Verdict.FromWireError(error);
        // A fragment ends the walk: we do not reassemble, and NDP must not be fragmented anyway (RFC 6980).
        if (protocol != IpProtocol.Icmpv6)
            return Verdict.Drop(DropReason.Unsupported);
        if (!Icmpv6Packet.TryParse(ip.Payload.Slice(offset), out var icmp, out error))
            return Verdict.FromWireError(error);
        Ipv6Address source = ip.Source;
        // RFC 4291 section 2.7: a multicast address is never a source.
        if (source.IsMulticast)
            return Verdict.Drop(DropReason.InvalidSource);
        if (!icmp.VerifyChecksum(source, destination))
            return Verdict.Drop(DropReason.BadChecksum);

        return icmp.Type switch
        {
            Icmpv6Type.EchoRequest => ProcessEcho(ethernet, ip, icmp, reply),
            Icmpv6Type.NeighborSolicitation => ProcessNeighborSolicitation(ethernet, ip, icmp, reply),
            _ => Verdict.Drop(DropReason.Unsupported),
        };
    }

    /// <summary>
    /// An echo reply from our link-local address (RFC 4443 section 4.2), also to a request sent
    /// to a group we are in: the source must then be our unicast address, which it is.
    /// </summary>
    private readonly Verdict ProcessEcho(EthernetFrame ethernet, Ipv6Packet ip, Icmpv6Packet icmp, Span<byte> reply)
    {
        if (icmp.Code != 0)
            return Verdict.Drop(DropReason.Unsupported);
        Ipv6Address source = ip.Source;
        if (source.IsUnspecified || source.IsLoopback)
            return Verdict.Drop(DropReason.InvalidSource);

        int icmpLength = icmp.Buffer.Length;
        if (!TryStartReply(reply, ethernet.Source, EtherType.Ipv6, Ipv6Packet.HeaderLength + icmpLength, out int length))
            return Verdict.Drop(DropReason.ReplyBufferTooSmall);
        var replyIp = Ipv6Packet.Emit(reply.Slice(EthernetFrame.HeaderLength), _linkLocal, source, IpProtocol.Icmpv6,
            icmpLength, DefaultHopLimit);
        Icmpv6Packet.EmitEcho(replyIp.Payload, Icmpv6Type.EchoReply, icmp.Identifier, icmp.SequenceNumber, icmp.Payload,
            _linkLocal, source);
        return Verdict.Reply(length);
    }

    /// <summary>
    /// Validates a neighbour solicitation (RFC 4861 section 7.1.1) and, if it asks for our
    /// link-local address, answers with a solicited advertisement carrying our MAC (section 7.2.4).
    /// </summary>
    private readonly Verdict ProcessNeighborSolicitation(EthernetFrame ethernet, Ipv6Packet ip, Icmpv6Packet icmp, Span<byte> reply)
    {
        if (ip.HopLimit != NeighborDiscoveryHopLimit)
            return Verdict.Drop(DropReason.BadHopLimit);
        if (icmp.Code != 0)
            return Verdict.FromWireError(WireError.BadFormat);
        if (!icmp.TryGetTargetAddress(out var target))
            return Verdict.FromWireError(WireError.Truncated);
        if (target.IsMulticast)
            return Verdict.FromWireError(WireError.BadFormat);
        if (!CheckNeighborOptions(icmp.NeighborOptions, out bool hasSourceMac, out MacAddress sourceMac, out var error))
            return Verdict.FromWireError(error);

        Ipv6Address source = ip.Source;
        Ipv6Address destination = ip.Destination;
        bool duplicateAddressDetection = source.IsUnspecified;
        // From the unspecified address (duplicate address detection): only to a solicited-node
        // group, and without a source link-layer address option.
        if (duplicateAddressDetection && (hasSourceMac || destination != target.SolicitedNode))
            return Verdict.FromWireError(WireError.BadFormat);
        if (target != _linkLocal || (destination != _linkLocal && destination != SolicitedNodeGroup))
            return Verdict.Drop(DropReason.NotOurAddress);
        if (hasSourceMac && sourceMac.IsMulticast)
            return Verdict.Drop(DropReason.InvalidSource);

        // RFC 4861 section 7.2.4: to the solicitation's source with Solicited set; if that is
        // the unspecified address, to all nodes with Solicited clear. Override is set: the
        // address is ours alone, not anycast. We are not a router.
        Ipv6Address replyTo = duplicateAddressDetection ? Ipv6Address.AllNodes : source;
        MacAddress replyMac = duplicateAddressDetection ? MacAddress.FromIpv6Multicast(Ipv6Address.AllNodes)
            : hasSourceMac ? sourceMac : ethernet.Source;
        byte flags = duplicateAddressDetection ? Icmpv6Packet.OverrideFlag : (byte)(Icmpv6Packet.SolicitedFlag | Icmpv6Packet.OverrideFlag);

        const int IcmpLength = Icmpv6Packet.NeighborMessageLength + LinkLayerAddressOptionLength;
        if (!TryStartReply(reply, replyMac, EtherType.Ipv6, Ipv6Packet.HeaderLength + IcmpLength, out int length))
            return Verdict.Drop(DropReason.ReplyBufferTooSmall);
        var replyIp = Ipv6Packet.Emit(reply.Slice(EthernetFrame.HeaderLength), _linkLocal, replyTo, IpProtocol.Icmpv6,
            IcmpLength, NeighborDiscoveryHopLimit);
        var advertisement = Icmpv6Packet.Emit(replyIp.Payload, Icmpv6Type.NeighborAdvertisement, 0,
            IcmpLength - Icmpv6Packet.MinimumLength);
        advertisement.NeighborFlags = flags;
        _linkLocal.CopyTo(advertisement.Buffer.Slice(Icmpv6Packet.TargetAddressOffset));
        Span<byte> option = advertisement.NeighborOptions;
        option[0] = TargetLinkLayerAddressOption;
        option[1] = LinkLayerAddressOptionLength / 8;
        _mac.CopyTo(option.Slice(2));
        advertisement.FillChecksum(_linkLocal, replyTo);
        return Verdict.Reply(length);
    }

    /// <summary>
    /// Walks neighbour discovery options (RFC 4861 section 4.6): every option must have a
    /// non-zero length (section 7.1.1) and lie inside the message. Finds the first source
    /// link-layer address option; unknown options are skipped (section 4.6).
    /// </summary>
    private static bool CheckNeighborOptions(ReadOnlySpan<byte> options, out bool hasSourceMac, out MacAddress sourceMac, out WireError error)
    {
        hasSourceMac = false;
        sourceMac = default;
        int index = 0;
        while (index < options.Length)
        {
            if (options.Length - index < 2)
            {
                error = WireError.Truncated;
                return false;
            }
            int length = options[index + 1] * 8;
            if (length == 0)
            {
                error = WireError.BadFormat;
                return false;
            }
            if (options.Length - index < length)
            {
                error = WireError.Truncated;
                return false;
            }
            if (options[index] == SourceLinkLayerAddressOption && !hasSourceMac)
            {
                hasSourceMac = true;
                sourceMac = new MacAddress(options.Slice(index + 2));
            }
            index += length;
        }
        error = WireError.None;
        return true;
    }
}
