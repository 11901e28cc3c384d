using Unikernel.Net.Wire;

namespace Unikernel.Net;

public sealed partial class NetworkInterface
{
    /// <summary>
    /// RFC 826, "Packet Reception": merge the sender into the table if it is already there; if
    /// we are the target, add it if it was not, and answer a request with our address. A reply
    /// to our own request confirms the entry (reachable).
    /// </summary>
    private Verdict ProcessArp(EthernetFrame ethernet, Span<byte> reply)
    {
        if (!ArpPacket.TryParse(ethernet.Payload, out var arp, out var error))
            return Verdict.FromWireError(error);

        if (IsDhcpConflict(arp))
        {
            _dhcp.ReportConflict(_now);
            return Verdict.Absorbed;
        }
        MacAddress senderMac = arp.SenderHardwareAddress;
        Ipv4Address sender = arp.SenderProtocolAddress;
        // A group hardware address, or a broadcast or multicast protocol address, is nobody's.
        if (senderMac.IsMulticast || sender.IsBroadcast || sender.IsMulticast)
            return Verdict.Drop(DropReason.InvalidSource);
        // Someone else claiming our address (a conflict, RFC 5227 section 2.4): do not let it
        // into the table, and do not answer it.
        bool hasIpv4 = !_ipv4.IsUnspecified;
        if (hasIpv4 && sender == _ipv4)
            return Verdict.Drop(DropReason.InvalidSource);

        // 0.0.0.0 is an ARP probe (RFC 5227 section 2.1.1): nothing to learn, but a request for
        // our address is still answered, to defend it, as Linux does.
        bool learnable = !sender.IsUnspecified;
        Ipv6Address key = Ipv6Address.MapIpv4(sender);
        bool merged = learnable && _neighbors.Merge(key, senderMac, _now);
        if (!hasIpv4 || arp.TargetProtocolAddress != _ipv4)
            return Verdict.Drop(DropReason.NotOurAddress);
        if (learnable && !merged)
            _neighbors.Learn(key, senderMac, _now);
        // A reply to us answers our request (or is news we may use): the entry is confirmed.
        if (arp.Operation == ArpOperation.Reply)
        {
            if (learnable)
                _neighbors.Confirm(key, senderMac, solicited: true, overrideFlag: true, _now);
            return Verdict.Absorbed;
        }

        if (!TryStartReply(reply, senderMac, EtherType.Arp, ArpPacket.Length, out int length))
            return Verdict.Drop(DropReason.ReplyBufferTooSmall);
        ArpPacket.Emit(reply.Slice(EthernetFrame.HeaderLength), ArpOperation.Reply, _mac, _ipv4, senderMac, sender);
        return Verdict.Reply(length);
    }
}
