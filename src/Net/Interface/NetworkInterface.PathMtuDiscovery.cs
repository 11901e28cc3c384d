using System.Buffers.Binary;
using Unikernel.Net.Tcp;
using Unikernel.Net.Wire;

namespace Unikernel.Net;

public sealed partial class NetworkInterface
{
    /// <summary>What an ICMP error must quote of the invoking packet's transport header: ports and TCP's sequence number (RFC 792, RFC 5927 section 4.1).</summary>
    private const int QuotedTransportLength = 8;

    /// <summary>
    /// RFC 1191 section 7's plateaus, the MTUs of the links of its day, largest first: a router
    /// older than RFC 1191 reports no next-hop MTU, and the next plateau below the datagram's
    /// length is the guess.
    /// </summary>
    private static ReadOnlySpan<ushort> MtuPlateaus => [65535, 32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68];

    /// <summary>
    /// ICMPv6 Packet Too Big (RFC 4443 section 3.2) to one of our addresses: after the quoted
    /// packet is shown to be one we could have sent (<see cref="IsOurQuotedPacket"/>), the path
    /// MTU to its destination is lowered (RFC 8201 section 4) and a TCP connection to it resends
    /// what no longer fits (section 5.4). A message that fails the checks changes nothing.
    /// </summary>
    private Verdict ProcessPacketTooBig(Icmpv6Packet icmp, bool toUs)
    {
        if (!toUs || icmp.Code != 0)
            return Verdict.Drop(DropReason.Unsupported);
        Span<byte> quoted = icmp.Payload;
        if (quoted.Length < Ipv6Packet.HeaderLength || quoted[Ipv6Packet.VersionClassAndFlowOffset] >> 4 != Ipv6Packet.Version6)
            return Verdict.FromWireError(WireError.Truncated);
        // The quote is cut short, so its payload length is not to be trusted: read the header's fields, and walk only what is there.
        var inner = new Ipv6Packet(quoted);
        Ipv6Address local = inner.Source;
        Ipv6Address remote = inner.Destination;
        if (!_ipv6.Contains(local))
            return Verdict.Drop(DropReason.InvalidSource);
        Span<byte> rest = quoted.Slice(Ipv6Packet.HeaderLength);
        if (!Ipv6Packet.WalkExtensionHeaders(rest, inner.NextHeader, out var protocol, out int offset, out _))
            return Verdict.Drop(DropReason.InvalidSource);
        int reported = icmp.Mtu > EthernetMtu ? EthernetMtu : (int)icmp.Mtu;
        return LowerPathMtu(local, remote, protocol, rest.Slice(offset), reported);
    }

    /// <summary>
    /// ICMP destination unreachable, fragmentation needed (RFC 792, RFC 1191 section 4): as
    /// <see cref="ProcessPacketTooBig"/>, for IPv4. A next-hop MTU of 0 (a router before RFC
    /// 1191) is guessed from the plateau table below the quoted datagram's length (section 5).
    /// </summary>
    private Verdict ProcessFragmentationNeeded(Icmpv4Packet icmp)
    {
        Span<byte> quoted = icmp.Payload;
        if (quoted.Length < Ipv4Packet.MinimumHeaderLength || quoted[Ipv4Packet.VersionAndHeaderLengthOffset] >> 4 != Ipv4Packet.Version4)
            return Verdict.FromWireError(WireError.Truncated);
        var inner = new Ipv4Packet(quoted);
        int headerLength = inner.HeaderLength;
        if (headerLength < Ipv4Packet.MinimumHeaderLength || quoted.Length < headerLength + QuotedTransportLength)
            return Verdict.FromWireError(WireError.Truncated);
        if (_ipv4.IsUnspecified || inner.Source != _ipv4)
            return Verdict.Drop(DropReason.InvalidSource);
        int reported = icmp.NextHopMtu;
        if (reported == 0)
            reported = PlateauBelow(inner.TotalLength);
        return LowerPathMtu(Ipv6Address.MapIpv4(_ipv4), Ipv6Address.MapIpv4(inner.Destination), inner.Protocol, quoted.Slice(headerLength),
            reported);
    }

    /// <summary>The largest plateau of RFC 1191 section 7 below <paramref name="length"/>.</summary>
    private static int PlateauBelow(int length)
    {
        var plateaus = MtuPlateaus;
        for (int i = 0; i < plateaus.Length; i++)
        {
            if (plateaus[i] < length)
                return plateaus[i];
        }
        return plateaus[plateaus.Length - 1];
    }

    /// <summary>
    /// The checks RFC 5927 section 4 asks of an ICMP error before acting on it, then the action.
    /// The quoted packet was sent from one of our addresses (the callers check that); a TCP
    /// segment must belong to a connection of ours and carry a sequence number it has in flight
    /// (section 4.1); UDP and ICMP, which hold no state to check, and our IPv6 fragments are
    /// taken on the address alone; anything else we never send. Then the path MTU to
    /// <paramref name="remote"/> is lowered, and the connection that made the segment resends at
    /// the new size.
    /// </summary>
    private Verdict LowerPathMtu(in Ipv6Address local, in Ipv6Address remote, IpProtocol protocol, ReadOnlySpan<byte> transport, int reported)
    {
        int connection = -1;
        if (protocol == IpProtocol.Tcp)
        {
            if (!TcpBuiltIn || transport.Length < QuotedTransportLength)
                return Verdict.Drop(DropReason.InvalidSource);
            ushort localPort = BinaryPrimitives.ReadUInt16BigEndian(transport.Slice(TcpSegment.SourcePortOffset));
            ushort remotePort = BinaryPrimitives.ReadUInt16BigEndian(transport.Slice(TcpSegment.DestinationPortOffset));
            var sequence = new SeqNumber(BinaryPrimitives.ReadUInt32BigEndian(transport.Slice(TcpSegment.SequenceNumberOffset)));
            connection = _tcp.FindSender(local, localPort, remote, remotePort, sequence);
            if (connection < 0)
                return Verdict.Drop(DropReason.InvalidSource);
        }
        // An IPv6 quote that ends at a Fragment header is one of our fragments, which only UDP
        // and echo replies are (TCP's segments fit the path): taken on the address, as UDP is.
        else if (protocol != IpProtocol.Udp && protocol != IpProtocol.Icmp && protocol != IpProtocol.Icmpv6
            && protocol != IpProtocol.Ipv6Fragment)
            return Verdict.Drop(DropReason.InvalidSource);

        if (_pathMtu.Lower(remote, reported, _linkMtu, _now) && connection >= 0)
            _tcp.ResendForSmallerPath(connection);
        return Verdict.Absorbed;
    }
}
