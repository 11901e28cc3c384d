using Unikernel.Net.Wire;

namespace Unikernel.Net;

public partial struct NetworkInterface
{
    /// <summary>IPv4 to our address, unfragmented, carrying an ICMP echo request: answered (RFC 792, RFC 1122 section 3.2.2.6).</summary>
    private Verdict ProcessIpv4(EthernetFrame ethernet, Span<byte> reply)
    {
        if (!Ipv4Packet.TryParse(ethernet.Payload, out var ip, out var error))
            return Verdict.FromWireError(error);
        // Broadcast and multicast echo requests are not answered: RFC 1122 section 3.2.2.6 allows
        // silently discarding them, and Linux does by default.
        if (!_hasIpv4 || ip.Destination != _ipv4)
            return Verdict.Drop(DropReason.NotOurAddress);
        // We do not reassemble (RFC 791 section 3.2): a fragment is not a whole message.
        if (ip.IsFragment)
            return Verdict.Drop(DropReason.Unsupported);
        if (ip.Protocol != IpProtocol.Icmp)
            return Verdict.Drop(DropReason.Unsupported);
        if (!Icmpv4Packet.TryParse(ip.Payload, out var icmp, out error))
            return Verdict.FromWireError(error);
        if (icmp.Type != Icmpv4Type.EchoRequest || icmp.Code != 0)
            return Verdict.Drop(DropReason.Unsupported);

        // RFC 1122 section 3.2.1.3: never answer a source that is not one host.
        Ipv4Address source = ip.Source;
        if (source.IsUnspecified || source.IsBroadcast || source.IsMulticast || source.IsLoopback || source == _ipv4)
            return Verdict.Drop(DropReason.InvalidSource);

        // The reply has a plain 20-byte header: options of the request (record route, timestamp)
        // are not reflected, which RFC 1122 section 3.2.2.6 asks for only as a SHOULD.
        int icmpLength = icmp.Buffer.Length;
        int ipLength = Ipv4Packet.MinimumHeaderLength + icmpLength;
        if (!TryStartReply(reply, ethernet.Source, EtherType.Ipv4, ipLength, out int length))
            return Verdict.Drop(DropReason.ReplyBufferTooSmall);
        var replyIp = Ipv4Packet.Emit(reply.Slice(EthernetFrame.HeaderLength), _ipv4, source, IpProtocol.Icmp,
            icmpLength, DefaultHopLimit);
        Icmpv4Packet.EmitEcho(replyIp.Payload, Icmpv4Type.EchoReply, icmp.Identifier, icmp.SequenceNumber, icmp.Payload);
        return Verdict.Reply(length);
    }
}
