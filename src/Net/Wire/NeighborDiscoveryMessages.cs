namespace Unikernel.Net.Wire;

/// <summary>
/// Emitters for the neighbour discovery messages a host sends: router solicitations (RFC 4861
/// section 4.1), neighbour solicitations (section 4.3) and advertisements (section 4.4), each
/// as a complete IPv6 packet, checksum filled, ready for an Ethernet frame.
/// </summary>
/// <remarks>
/// A buffer too short is the caller's bug and panics, as every emitter does; the longest
/// message here is <see cref="MaximumNeighborSolicitationLength"/> bytes.
/// </remarks>
public static class NeighborDiscoveryMessages
{
    /// <summary>Every neighbour discovery message is sent with hop limit 255, so receivers can tell it never crossed a router (RFC 4861 section 3.1).</summary>
    public const byte HopLimit = 255;

    /// <summary>A router solicitation's fixed part: ICMPv6 header and four reserved octets (RFC 4861 section 4.1).</summary>
    public const int RouterSolicitationLength = 8;

    /// <summary>IPv6 header, router solicitation, source link-layer address option.</summary>
    public const int MaximumRouterSolicitationLength = Ipv6Packet.HeaderLength + RouterSolicitationLength
        + NdpOptionReader.EthernetLinkLayerAddressOptionLength;

    /// <summary>IPv6 header, neighbour solicitation, source link-layer address option.</summary>
    public const int MaximumNeighborSolicitationLength = Ipv6Packet.HeaderLength + Icmpv6Packet.NeighborMessageLength
        + NdpOptionReader.EthernetLinkLayerAddressOptionLength;

    /// <summary>IPv6 header, neighbour advertisement, target link-layer address option.</summary>
    public const int NeighborAdvertisementLength = Ipv6Packet.HeaderLength + Icmpv6Packet.NeighborMessageLength
        + NdpOptionReader.EthernetLinkLayerAddressOptionLength;

    /// <summary>
    /// Writes a router solicitation from <paramref name="source"/> to all routers (ff02::2) and
    /// returns the packet's length. It carries <paramref name="sourceMac"/> in a source
    /// link-layer address option unless <paramref name="source"/> is unspecified: RFC 4861
    /// section 4.1 forbids the option then, since no one may cache a mapping for ::.
    /// </summary>
    public static int EmitRouterSolicitation(Span<byte> ipv6PacketBuffer, Ipv6Address source, MacAddress sourceMac)
    {
        bool withAddress = !source.IsUnspecified;
        int icmpLength = RouterSolicitationLength + (withAddress ? NdpOptionReader.EthernetLinkLayerAddressOptionLength : 0);
        if (ipv6PacketBuffer.Length < Ipv6Packet.HeaderLength + icmpLength)
            Kernel.Panic("NeighborDiscoveryMessages.EmitRouterSolicitation: buffer too short"u8);
        Ipv6Address destination = Ipv6Address.AllRouters;
        var ip = Ipv6Packet.Emit(ipv6PacketBuffer, source, destination, IpProtocol.Icmpv6, icmpLength, HopLimit);
        // Icmpv6Packet.Emit zeroes the first body word, which is the solicitation's reserved field.
        var icmp = Icmpv6Packet.Emit(ip.Payload, Icmpv6Type.RouterSolicitation, 0, icmpLength - Icmpv6Packet.MinimumLength);
        if (withAddress)
            NdpOptionReader.EmitLinkLayerAddress(icmp.Payload, NdpOptionType.SourceLinkLayerAddress, sourceMac);
        icmp.FillChecksum(source, destination);
        return ip.Buffer.Length;
    }

    /// <summary>
    /// Writes a neighbour solicitation for <paramref name="target"/> and returns the packet's
    /// length. <paramref name="destination"/> is the target's solicited-node group for address
    /// resolution and duplicate address detection, or the target itself to check reachability
    /// (RFC 4861 section 7.2.2). A source link-layer address option carries
    /// <paramref name="sourceMac"/> if there is one and <paramref name="source"/> is not
    /// unspecified: duplicate address detection sends from :: and must not include it
    /// (RFC 4861 section 4.3, RFC 4862 section 5.4.2).
    /// </summary>
    public static int EmitNeighborSolicitation(Span<byte> ipv6PacketBuffer, Ipv6Address source, Ipv6Address destination,
        Ipv6Address target, MacAddress? sourceMac)
    {
        bool withAddress = sourceMac.HasValue && !source.IsUnspecified;
        int icmpLength = Icmpv6Packet.NeighborMessageLength + (withAddress ? NdpOptionReader.EthernetLinkLayerAddressOptionLength : 0);
        if (ipv6PacketBuffer.Length < Ipv6Packet.HeaderLength + icmpLength)
            Kernel.Panic("NeighborDiscoveryMessages.EmitNeighborSolicitation: buffer too short"u8);
        var ip = Ipv6Packet.Emit(ipv6PacketBuffer, source, destination, IpProtocol.Icmpv6, icmpLength, HopLimit);
        var icmp = Icmpv6Packet.Emit(ip.Payload, Icmpv6Type.NeighborSolicitation, 0, icmpLength - Icmpv6Packet.MinimumLength);
        target.CopyTo(icmp.Buffer.Slice(Icmpv6Packet.TargetAddressOffset));
        if (withAddress)
            NdpOptionReader.EmitLinkLayerAddress(icmp.NeighborOptions, NdpOptionType.SourceLinkLayerAddress, sourceMac.GetValueOrDefault());
        icmp.FillChecksum(source, destination);
        return ip.Buffer.Length;
    }

    /// <summary>
    /// Writes a neighbour advertisement for our address <paramref name="target"/> (also its
    /// source) to <paramref name="destination"/> with <paramref name="flags"/>
    /// (<see cref="Icmpv6Packet.SolicitedFlag"/>, <see cref="Icmpv6Packet.OverrideFlag"/>) and
    /// <paramref name="targetMac"/> in a target link-layer address option; returns
    /// <see cref="NeighborAdvertisementLength"/>.
    /// </summary>
    public static int EmitNeighborAdvertisement(Span<byte> ipv6PacketBuffer, Ipv6Address target, Ipv6Address destination,
        byte flags, MacAddress targetMac)
    {
        const int IcmpLength = Icmpv6Packet.NeighborMessageLength + NdpOptionReader.EthernetLinkLayerAddressOptionLength;
        if (ipv6PacketBuffer.Length < NeighborAdvertisementLength)
            Kernel.Panic("NeighborDiscoveryMessages.EmitNeighborAdvertisement: buffer too short"u8);
        var ip = Ipv6Packet.Emit(ipv6PacketBuffer, target, destination, IpProtocol.Icmpv6, IcmpLength, HopLimit);
        var icmp = Icmpv6Packet.Emit(ip.Payload, Icmpv6Type.NeighborAdvertisement, 0, IcmpLength - Icmpv6Packet.MinimumLength);
        icmp.NeighborFlags = flags;
        target.CopyTo(icmp.Buffer.Slice(Icmpv6Packet.TargetAddressOffset));
        NdpOptionReader.EmitLinkLayerAddress(icmp.NeighborOptions, NdpOptionType.TargetLinkLayerAddress, targetMac);
        icmp.FillChecksum(target, destination);
        return ip.Buffer.Length;
    }
}
