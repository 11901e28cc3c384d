using Unikernel.Net.Wire;

namespace Unikernel.Net;

public sealed partial class NetworkInterface
{
    /// <summary>Parameter Problem code 0, erroneous header field (RFC 4443 section 3.4).</summary>
    private const byte ErroneousHeaderFieldCode = 0;

    /// <summary>Parameter Problem code 3, first fragment has an incomplete header chain (RFC 7112 section 6).</summary>
    private const byte IncompleteHeaderChainCode = 3;

    /// <summary>Time Exceeded code 1, fragment reassembly time exceeded (RFC 792, RFC 4443 section 3.3).</summary>
    private const byte ReassemblyTimeExceededCode = 1;

    /// <summary>Reassembly buffers are configured.</summary>
    private bool Reassembles => _reassembly != null;

    /// <summary>Datagrams being reassembled now (abandoned ones included, until their timeout).</summary>
    public int DatagramsReassembling => Reassembles ? _reassembly.InUse : 0;

    /// <summary>
    /// An IPv6 fragment (RFC 8200 section 4.5) whose Fragment header is at <paramref name="offset"/>
    /// in the payload: checked, kept, and when it completes its datagram, the datagram goes to its
    /// upper layer as if it had come whole. <paramref name="nextHeaderField"/> is where the Next
    /// Header naming the Fragment header is, counted from the IPv6 header.
    /// </summary>
    private Verdict ProcessIpv6Fragment(EthernetFrame ethernet, Ipv6Packet ip, int offset, int nextHeaderField, bool toUs, Span<byte> reply)
    {
        Span<byte> payload = ip.Payload;
        // The walk stopped here only with the 8 bytes of a Fragment header present.
        var fragment = new Ipv6FragmentHeader(payload.Slice(offset, Ipv6FragmentHeader.Length));
        Span<byte> data = payload.Slice(offset + Ipv6FragmentHeader.Length);
        int unfragmentable = Ipv6Packet.HeaderLength + offset;
        int end = fragment.Offset + data.Length;
        // RFC 8200 section 4.5: all but the last fragment carry a multiple of 8 bytes; otherwise
        // a Parameter Problem points at the Payload Length.
        if (!Reassembly.HasWholeBlocks(fragment.MoreFragments, data.Length))
            return ReplyFragmentError(ethernet, ip, fragment, data, ErroneousHeaderFieldCode, Ipv6Packet.PayloadLengthOffset, toUs, reply);
        // The reassembled payload (unfragmentable headers and data) past 65,535 bytes, or past what
        // we hold: a Parameter Problem pointing at the Fragment Offset.
        if (offset + end > Ipv6Packet.MaximumPayloadLength || end > _reassembly.Capacity)
            return ReplyFragmentError(ethernet, ip, fragment, data, ErroneousHeaderFieldCode,
                (uint)(unfragmentable + Ipv6FragmentHeader.OffsetAndFlagsOffset), toUs, reply);
        if (unfragmentable > Reassembly.HeaderRoom)
            return Verdict.Drop(DropReason.Unsupported);
        // RFC 7112 section 5: the first fragment holds every header through the upper layer's.
        if (fragment.Offset == 0 && !HasWholeHeaderChain(fragment.NextHeader, data))
            return ReplyFragmentError(ethernet, ip, fragment, data, IncompleteHeaderChainCode, 0, toUs, reply);

        FragmentOutcome outcome = _reassembly.Add(ip.Source, ip.Destination, fragment.Identification, 0, fragment.Offset,
            fragment.MoreFragments, data, _now, out int slot);
        if (outcome != FragmentOutcome.Stored && outcome != FragmentOutcome.Complete)
            return FragmentDropped(outcome);
        if (fragment.Offset == 0)
            _reassembly.SetFirst(slot, ip.Buffer.Slice(0, unfragmentable), ethernet.Source, nextHeaderField, fragment.Buffer);
        if (outcome == FragmentOutcome.Stored)
            return Verdict.Absorbed;

        // RFC 8200 section 4.5: the first fragment's headers, their last Next Header now the
        // Fragment header's, and the payload length of what is there.
        Span<byte> datagram = _reassembly.Datagram(slot);
        datagram[_reassembly.NextHeaderFieldOf(slot)] = _reassembly.FirstNextHeader(slot);
        var whole = new Ipv6Packet(datagram);
        whole.PayloadLength = datagram.Length - Ipv6Packet.HeaderLength;
        return Reassembled(slot, WalkToUpperLayer(ethernet, whole, toUs, reassembled: true, reply));
    }

    /// <summary>
    /// An IPv4 fragment (RFC 791 section 3.2) from a valid source: checked, kept, and when it
    /// completes its datagram, the datagram goes on as if it had come whole.
    /// </summary>
    private Verdict ProcessIpv4Fragment(EthernetFrame ethernet, Ipv4Packet ip, bool toUs, Span<byte> reply)
    {
        Span<byte> data = ip.Payload;
        int headerLength = ip.HeaderLength;
        int end = ip.FragmentOffset + data.Length;
        if (!Reassembly.HasWholeBlocks(ip.MoreFragments, data.Length))
            return Verdict.Drop(DropReason.BadFragment);
        if (headerLength + end > Ipv4Packet.MaximumLength || end > _reassembly.Capacity)
            return Verdict.Drop(DropReason.BadFragment);
        // RFC 7112's rule for IPv4 too (and RFC 1858's tiny fragments): the first holds the upper layer's header.
        if (ip.FragmentOffset == 0 && data.Length < UpperLayerHeaderLength(ip.Protocol))
            return Verdict.Drop(DropReason.BadFragment);

        FragmentOutcome outcome = _reassembly.Add(Ipv6Address.MapIpv4(ip.Source), Ipv6Address.MapIpv4(ip.Destination), ip.Identification,
            (byte)ip.Protocol, ip.FragmentOffset, ip.MoreFragments, data, _now, out int slot);
        if (outcome != FragmentOutcome.Stored && outcome != FragmentOutcome.Complete)
            return FragmentDropped(outcome);
        if (ip.FragmentOffset == 0)
            _reassembly.SetFirst(slot, ip.Buffer.Slice(0, headerLength), ethernet.Source, 0, default);
        if (outcome == FragmentOutcome.Stored)
            return Verdict.Absorbed;

        var whole = new Ipv4Packet(_reassembly.Datagram(slot));
        whole.TotalLength = whole.Buffer.Length;
        whole.MoreFragments = false;
        whole.FragmentOffset = 0;
        whole.FillChecksum();
        return Reassembled(slot, DeliverIpv4(ethernet, whole, toUs, reply));
    }

    /// <summary>The datagram of <paramref name="slot"/> went to its upper layer (whose <paramref name="verdict"/> it is): its buffer is free again, counted.</summary>
    private Verdict Reassembled(int slot, Verdict verdict)
    {
        _reassembly.Release(slot);
        _counters.CountReassembled();
        return verdict;
    }

    private static Verdict FragmentDropped(FragmentOutcome outcome) => outcome switch
    {
        FragmentOutcome.Duplicate => Verdict.Drop(DropReason.DuplicateFragment),
        FragmentOutcome.Overlap => Verdict.Drop(DropReason.FragmentOverlap),
        FragmentOutcome.NoBuffer => Verdict.Drop(DropReason.NoReassemblyBuffer),
        _ => Verdict.Drop(DropReason.BadFragment),
    };

    /// <summary>
    /// A Parameter Problem about a fragment, except for one sent to a group (RFC 4443 section
    /// 2.4 (e)) or a first fragment of an ICMPv6 error (section 2.4 (e.1)); dropped as
    /// <see cref="DropReason.BadFragment"/> when not sent.
    /// </summary>
    private Verdict ReplyFragmentError(EthernetFrame ethernet, Ipv6Packet ip, Ipv6FragmentHeader fragment, ReadOnlySpan<byte> data, byte code,
        uint pointer, bool toUs, Span<byte> reply) =>
        toUs && !(fragment.Offset == 0 && CarriesIcmpv6Error(fragment.NextHeader, data))
            ? ReplyIpv6Error(ethernet, ip, Icmpv6Type.ParameterProblem, code, pointer, reply, DropReason.BadFragment)
            : Verdict.Drop(DropReason.BadFragment);

    /// <summary>
    /// A first fragment's data, starting with header <paramref name="nextHeader"/>, is known to
    /// hold an ICMPv6 error message (RFC 4443 section 2.1: a type below 128). A chain that cannot
    /// be followed says nothing: RFC 7112's Parameter Problem about it is still due.
    /// </summary>
    private static bool CarriesIcmpv6Error(IpProtocol nextHeader, ReadOnlySpan<byte> data) =>
        Ipv6Packet.WalkExtensionHeaders(data, nextHeader, out var protocol, out int offset, out _)
        && protocol == IpProtocol.Icmpv6 && offset < data.Length && data[offset] < Icmpv6Packet.FirstInformationalType;

    /// <summary>
    /// The first fragment's data, starting with header <paramref name="nextHeader"/>, holds every
    /// extension header and the upper layer's header (RFC 7112 section 5). A chain that fails
    /// for another reason passes here and is judged once reassembled.
    /// </summary>
    private static bool HasWholeHeaderChain(IpProtocol nextHeader, ReadOnlySpan<byte> data)
    {
        if (!Ipv6Packet.WalkExtensionHeaders(data, nextHeader, out var protocol, out int offset, out var error))
            return error != WireError.Truncated;
        return data.Length - offset >= UpperLayerHeaderLength(protocol);
    }

    /// <summary>The fixed header of the upper layers we handle: TCP's 20 bytes, UDP's 8, ICMP's 8; 0 for the rest.</summary>
    private static int UpperLayerHeaderLength(IpProtocol protocol) => protocol switch
    {
        IpProtocol.Tcp => TcpSegment.MinimumHeaderLength,
        IpProtocol.Udp => UdpDatagram.HeaderLength,
        IpProtocol.Icmpv6 => Icmpv6Packet.MinimumLength,
        IpProtocol.Icmp => Icmpv4Packet.HeaderLength,
        _ => 0,
    };

    /// <summary>
    /// A datagram whose time ran out (RFC 8200 section 4.5, RFC 792): given up, and if its first
    /// fragment had come, it was not sent to a group, not from the unspecified address and not an
    /// ICMP error (RFC 4443 section 2.4 (e)), a Time Exceeded (fragment reassembly) to its source,
    /// quoting that fragment, rate-limited. Returns the frame's length, 0 when nothing is to be sent.
    /// </summary>
    private int EmitReassemblyTimeout(Span<byte> frame)
    {
        if (!Reassembles)
            return 0;
        int slot;
        while ((slot = _reassembly.TakeExpired(_now)) >= 0)
        {
            _counters.CountReassemblyTimeout();
            int length = _reassembly.HasFirst(slot) && !IsGroup(_reassembly.DestinationOf(slot))
                && !IsUnspecified(_reassembly.SourceOf(slot)) && !FirstIsIcmpError(slot) && _icmpErrors.TryTake(_now)
                ? EmitTimeExceeded(slot, frame) : 0;
            _reassembly.Release(slot);
            if (length > 0)
                return length;
        }
        return 0;
    }

    /// <summary>
    /// A group destination (IPv4-mapped for IPv4): no ICMP error answers a datagram sent to one
    /// (RFC 1122 section 3.2.2, RFC 4443 section 2.4 (e)).
    /// </summary>
    private bool IsGroup(in Ipv6Address destination) =>
        destination.IsIpv4Mapped
            ? destination.MappedIpv4.IsBroadcast || destination.MappedIpv4.IsMulticast || IsSubnetBroadcast(destination.MappedIpv4)
            : destination.IsMulticast;

    /// <summary>
    /// The unspecified address of either family (IPv4-mapped for IPv4), which names no single node
    /// to send an error to (RFC 4443 section 2.4 (e.6), RFC 1122 section 3.2.2); group sources
    /// never get this far.
    /// </summary>
    private static bool IsUnspecified(in Ipv6Address source) =>
        source.IsIpv4Mapped ? source.MappedIpv4.IsUnspecified : source.IsUnspecified;

    /// <summary>
    /// The datagram held is an ICMP error, by its first fragment: no Time Exceeded answers it
    /// (RFC 4443 section 2.4 (e.1), RFC 1122 section 3.2.2).
    /// </summary>
    private bool FirstIsIcmpError(int slot)
    {
        ReadOnlySpan<byte> data = _reassembly.FirstData(slot);
        if (!_reassembly.SourceOf(slot).IsIpv4Mapped)
            return CarriesIcmpv6Error((IpProtocol)_reassembly.FirstNextHeader(slot), data);
        return (IpProtocol)_reassembly.ProtocolOf(slot) == IpProtocol.Icmp && data.Length > 0
            && Icmpv4Packet.IsErrorType((Icmpv4Type)data[Icmpv4Packet.TypeOffset]);
    }

    private int EmitTimeExceeded(int slot, Span<byte> frame)
    {
        Ipv6Address source = _reassembly.SourceOf(slot);
        Ipv6Address destination = _reassembly.DestinationOf(slot);
        ReadOnlySpan<byte> headers = _reassembly.FirstHeaders(slot);
        ReadOnlySpan<byte> data = _reassembly.FirstData(slot);
        EthernetFrame.Emit(frame, _reassembly.SourceMacOf(slot), _mac, source.IsIpv4Mapped ? EtherType.Ipv4 : EtherType.Ipv6);
        Span<byte> ip = frame.Slice(EthernetFrame.HeaderLength);
        if (source.IsIpv4Mapped)
        {
            if (_ipv4.IsUnspecified)
                return 0;
            const int Room = Icmpv4ErrorLimit - Ipv4Packet.MinimumHeaderLength - Icmpv4Packet.HeaderLength;
            int quoted = Math.Min(headers.Length + data.Length, Room);
            var replyIp = Ipv4Packet.Emit(ip, _ipv4, source.MappedIpv4, IpProtocol.Icmp, Icmpv4Packet.HeaderLength + quoted, DefaultHopLimit);
            var icmp = Icmpv4Packet.Emit(replyIp.Payload, Icmpv4Type.TimeExceeded, ReassemblyTimeExceededCode, quoted);
            int at = Quote(headers, icmp.Payload, 0);
            Quote(data, icmp.Payload, at);
            icmp.FillChecksum();
            return Pad(frame, EthernetFrame.HeaderLength + replyIp.Buffer.Length);
        }
        Ipv6Address from = destination;
        if (!_ipv6.Contains(from) && !TrySelectSource(source, out from))
            return 0;
        const int Room6 = Icmpv6ErrorLimit - Ipv6Packet.HeaderLength - Icmpv6Packet.MinimumLength;
        int quoted6 = Math.Min(headers.Length + Ipv6FragmentHeader.Length + data.Length, Room6);
        var replyIp6 = Ipv6Packet.Emit(ip, from, source, IpProtocol.Icmpv6, Icmpv6Packet.MinimumLength + quoted6, DefaultHopLimit);
        var icmp6 = Icmpv6Packet.Emit(replyIp6.Payload, Icmpv6Type.TimeExceeded, ReassemblyTimeExceededCode, quoted6);
        Span<byte> fragmentHeader = stackalloc byte[Ipv6FragmentHeader.Length];
        _reassembly.CopyFragmentHeader(slot, fragmentHeader);
        int at6 = Quote(headers, icmp6.Payload, 0);
        at6 = Quote(fragmentHeader, icmp6.Payload, at6);
        Quote(data, icmp6.Payload, at6);
        icmp6.FillChecksum(from, source);
        return Pad(frame, EthernetFrame.HeaderLength + replyIp6.Buffer.Length);
    }

    /// <summary>Copies what of <paramref name="piece"/> fits into <paramref name="into"/> at <paramref name="at"/>; returns the new position.</summary>
    private static int Quote(ReadOnlySpan<byte> piece, Span<byte> into, int at)
    {
        int room = into.Length - at;
        int count = piece.Length < room ? piece.Length : room;
        piece.Slice(0, count).CopyTo(into.Slice(at));
        return at + count;
    }
}
