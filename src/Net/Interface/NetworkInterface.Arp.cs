using Unikernel.Net.Wire;

namespace Unikernel.Net;

public partial struct NetworkInterface
{
    /// <summary>
    /// RFC 826, "Packet Reception": merge the sender into the table if it is already there; if
    /// we are the target, add it if it was not, and answer a request with our address.
    /// </summary>
    private Verdict ProcessArp(EthernetFrame ethernet, Span<byte> reply)
    {
        if (!ArpPacket.TryParse(ethernet.Payload, out var arp, out var error))
            return Verdict.FromWireError(error);

        MacAddress senderMac = arp.SenderHardwareAddress;
        Ipv4Address sender = arp.SenderProtocolAddress;
        // A group hardware address, or a broadcast or multicast protocol address, is nobody's.
        if (senderMac.IsMulticast || sender.IsBroadcast || sender.IsMulticast)
            return Verdict.Drop(DropReason.InvalidSource);
        // Someone else claiming our address (a conflict, RFC 5227 section 2.4): do not let it
        // into the table, and do not answer it.
        if (_hasIpv4 && sender == _ipv4)
            return Verdict.Drop(DropReason.InvalidSource);

        // 0.0.0.0 is an ARP probe (RFC 5227 section 2.1.1): nothing to learn, but a request for
        // our address is still answered, to defend it, as Linux does.
        bool learnable = !sender.IsUnspecified;
        bool merged = learnable && _arpCache.Update(sender, senderMac);
        if (!_hasIpv4 || arp.TargetProtocolAddress != _ipv4)
            return Verdict.Drop(DropReason.NotOurAddress);
        if (learnable && !merged)
            _arpCache.Add(sender, senderMac);
        if (arp.Operation == ArpOperation.Reply)
            return Verdict.Absorbed;

        if (!TryStartReply(reply, senderMac, EtherType.Arp, ArpPacket.Length, out int length))
            return Verdict.Drop(DropReason.ReplyBufferTooSmall);
        ArpPacket.Emit(reply.Slice(EthernetFrame.HeaderLength), ArpOperation.Reply, _mac, _ipv4, senderMac, sender);
        return Verdict.Reply(length);
    }
}
