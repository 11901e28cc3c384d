using Unikernel.Net.Wire;

namespace Unikernel.Net;

public sealed partial class NetworkInterface
{
    /// <summary>
    /// Moves the clock to <paramref name="now"/> (milliseconds, never going back) and writes the
    /// next frame the interface originates into <paramref name="frame"/> (at least
    /// <see cref="TransmitQueue.SlotSize"/> bytes): a neighbour solicitation or ARP request, a
    /// Time Exceeded for a datagram whose reassembly timed out, the next fragment of a datagram
    /// larger than the path MTU, a queued datagram whose next hop is resolved, a duplicate address detection probe, an MLD
    /// report, a router solicitation, a DHCP message. Returns its length, 0 when nothing is due:
    /// call it until it returns 0, then again by <see cref="NextPollAt"/> or when a frame arrives.
    /// </summary>
    public int Poll(long now, Span<byte> frame)
    {
        if (frame.Length < TransmitQueue.SlotSize)
            Kernel.Panic("NetworkInterface.Poll: the frame buffer is shorter than an Ethernet frame"u8);
        AdvanceClock(now);
        if (DnsBuiltIn)
            _dns.Send(_now);

        while (_neighbors.TryTakeSolicitation(_now, out var neighbor, out var unicastTo))
        {
            int length = EmitSolicitation(neighbor, unicastTo, frame);
            if (length > 0)
                return Sent(length);
        }
        int timedOut = EmitReassemblyTimeout(frame);
        if (timedOut > 0)
            return Sent(timedOut);
        int fragment = EmitOutgoingFragment(frame);
        if (fragment > 0)
            return Sent(fragment);
        int queued = TakeQueuedFrame(frame);
        if (queued > 0)
            return Sent(queued);
        int segment = EmitTcp(frame);
        if (segment > 0)
            return Sent(segment);
        int own = UsesAutoconfiguration ? _autoconfiguration.Emit(frame, ref _ipv6, _now) : 0;
        if (own > 0)
            return Sent(Pad(frame, own));
        int probe = EmitDhcpArp(frame);
        if (probe > 0)
            return Sent(probe);
        if (QueueDhcp())
            return Sent(TakeQueuedFrame(frame));
        return 0;
    }

    /// <summary>
    /// Moves the clock to <paramref name="now"/> (it never goes back) and runs what time alone
    /// changes: duplicate address detection ending, lifetimes running out. <see cref="Process"/>
    /// runs at this time; call it before processing a frame that arrived after a sleep.
    /// </summary>
    public void AdvanceClock(long now)
    {
        if (now > _now)
            _now = now;
        AdvanceAddressTimers();
    }

    /// <summary>When <see cref="Poll"/> next has something to do by the clock alone (<see cref="long.MaxValue"/> if never).</summary>
    public long NextPollAt
    {
        get
        {
            long next = _neighbors.NextDeadline;
            next = Earlier(next, _ipv6.NextDeadline(_now));
            if (UsesAutoconfiguration)
                next = Earlier(next, _autoconfiguration.NextDeadline);
            if (UsesDhcp)
                next = Earlier(next, _dhcp.NextDeadline);
            if (_transmit.Count > 0 || HasFragmentReady)
                next = Earlier(next, _now);
            if (Reassembles)
                next = Earlier(next, _reassembly.NextDeadline);
            if (TcpBuiltIn)
                next = Earlier(next, _tcp.NextDeadline);
            if (DnsBuiltIn)
                next = Earlier(next, _dns.NextDeadline);
            return next;
        }
    }

    private static long Earlier(long a, long b) => a < b ? a : b;

    private int Sent(int length)
    {
        _counters.CountSent();
        return length;
    }

    /// <summary>
    /// An ARP request (RFC 826) for an IPv4-mapped neighbour, broadcast or, to probe, unicast; a
    /// neighbour solicitation (RFC 4861 section 7.2.2) to the solicited-node group or, to probe,
    /// to the neighbour itself. Frames for an IPv4 neighbour wait until we have an address.
    /// </summary>
    private int EmitSolicitation(Ipv6Address neighbor, MacAddress unicastTo, Span<byte> frame)
    {
        bool probe = unicastTo != MacAddress.Zero;
        if (neighbor.IsIpv4Mapped)
        {
            if (_ipv4.IsUnspecified)
                return 0;
            EthernetFrame.Emit(frame, probe ? unicastTo : MacAddress.Broadcast, _mac, EtherType.Arp);
            ArpPacket.Emit(frame.Slice(EthernetFrame.HeaderLength), ArpOperation.Request, _mac, _ipv4, MacAddress.Zero, neighbor.MappedIpv4);
            return Pad(frame, EthernetFrame.HeaderLength + ArpPacket.Length);
        }
        if (!TrySelectSource(neighbor, out var source))
            return 0;
        Ipv6Address destination = probe ? neighbor : neighbor.SolicitedNode;
        EthernetFrame.Emit(frame, probe ? unicastTo : MacAddress.FromIpv6Multicast(destination), _mac, EtherType.Ipv6);
        // RFC 4429 section 3.3: an optimistic address does not announce its MAC in a solicitation.
        MacAddress? sourceMac = _ipv6.IsOptimistic(source) ? null : _mac;
        int length = NeighborDiscoveryMessages.EmitNeighborSolicitation(frame.Slice(EthernetFrame.HeaderLength), source, destination,
            neighbor, sourceMac);
        return Pad(frame, EthernetFrame.HeaderLength + length);
    }

    /// <summary>
    /// The oldest queued frame whose next hop is known (<see cref="TransmitQueue.TakeReady"/>);
    /// frames whose neighbour never answered are dropped there and counted here (RFC 4861
    /// section 7.2.2 says to report it with an ICMP error; the sender is ourselves, so the
    /// counter is the report).
    /// </summary>
    private int TakeQueuedFrame(Span<byte> frame)
    {
        int length = _transmit.TakeReady(frame, ref _neighbors, _now, out int unresolved);
        for (; unresolved > 0; unresolved--)
            _counters.CountSendDrop(SendDropReason.Unresolved);
        return length;
    }

    private static int Pad(Span<byte> frame, int length) => EthernetFrame.Pad(frame, length);
}
