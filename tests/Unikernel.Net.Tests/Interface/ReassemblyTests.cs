using System.Buffers.Binary;
using Unikernel.Net.Wire;
using static Unikernel.Net.Tests.Interface.FragmentFrames;
using static Unikernel.Net.Tests.Interface.InterfaceGolden;
using static Unikernel.Net.Tests.Interface.TestFrames;

namespace Unikernel.Net.Tests.Interface;

/// <summary>Fragments in (RFC 791 section 3.2, RFC 8200 section 4.5, RFC 5722, RFC 6946, RFC 7112), and large replies out in fragments.</summary>
public class ReassemblyTests
{
    private const int PingData = 6000 - Icmpv6Packet.MinimumLength;
    private const long Timeout = 60_000;

    private static NetworkInterface NewInterface(int buffers = 2, int largest = 64 * 1024)
    {
        var configuration = NetworkConfiguration.WithStaticIpv4(OurIpv4, 24);
        configuration.Ipv6Autoconfiguration = false;
        configuration.ReassemblyBuffers = buffers;
        configuration.LargestDatagram = largest;
        configuration.UdpLargestPayload = 9000;
        return new NetworkInterface(OurMac, configuration);
    }

    /// <summary>Every frame through the interface; the replies of those that had one.</summary>
    private static List<byte[]> Feed(NetworkInterface nic, IEnumerable<byte[]> frames)
    {
        var replies = new List<byte[]>();
        foreach (byte[] frame in frames)
        {
            byte[] reply = Run(ref nic, frame);
            if (reply.Length > 0)
                replies.Add(reply);
        }
        return replies;
    }

    [Fact]
    public void A_6000_byte_ping6_in_fragments_out_of_order_gets_a_whole_6000_byte_reply_in_fragments()
    {
        var nic = NewInterface();
        byte[] request = EchoRequest6(PeerLinkLocal, OurLinkLocal, PingData);
        var fragments = Fragments6(PeerLinkLocal, OurLinkLocal, IpProtocol.Icmpv6, request, 0x1234_5678);
        fragments.Reverse();

        var replies = Feed(nic, fragments);
        Assert.Single(replies);
        replies.AddRange(PollAll(nic, 0));
        byte[] reply = Reassemble6(replies, out var upper, out _, out var source, out var destination);

        Assert.Equal(IpProtocol.Icmpv6, upper);
        Assert.Equal(OurLinkLocal, source);
        Assert.Equal(PeerLinkLocal, destination);
        Assert.Equal(request.Length, reply.Length);
        var icmp = new Icmpv6Packet(reply);
        Assert.Equal(Icmpv6Type.EchoReply, icmp.Type);
        Assert.True(icmp.VerifyChecksum(OurLinkLocal, PeerLinkLocal));
        Assert.Equal(request.AsSpan(4).ToArray(), reply.AsSpan(4).ToArray());
        Assert.Equal(1UL, nic.Counters.Reassembled);
        Assert.Equal((ulong)fragments.Count - 1, nic.Counters.Absorbed);
        Assert.Equal(0, nic.DatagramsReassembling);
    }

    [Fact]
    public void A_6000_byte_ping_in_fragments_gets_a_whole_reply_in_fragments_with_DF_clear()
    {
        var nic = NewInterface();
        byte[] request = EchoRequest4(PingData);
        var fragments = Fragments4(PeerIpv4, OurIpv4, IpProtocol.Icmp, request, 4321);
        (fragments[1], fragments[2]) = (fragments[2], fragments[1]);

        var replies = Feed(nic, fragments);
        Assert.Single(replies);
        replies.AddRange(PollAll(nic, 0));
        byte[] reply = Reassemble4(replies, out var protocol, out _);

        Assert.Equal(IpProtocol.Icmp, protocol);
        Assert.Equal(request.Length, reply.Length);
        Assert.Equal((byte)Icmpv4Type.EchoReply, reply[0]);
        Assert.True(InternetChecksum.Verify(reply));
        Assert.Equal(request.AsSpan(4).ToArray(), reply.AsSpan(4).ToArray());
        Assert.Equal(1UL, nic.Counters.Reassembled);
    }

    [Fact]
    public void A_TCP_segment_in_IPv4_fragments_reaches_its_listener_once_reassembled()
    {
        var nic = NewInterface();
        Assert.True(nic.Tcp.Listen(7));
        var options = new TcpOptions { HasMss = true, Mss = 1460, HasWindowScale = true, WindowScale = 7, SackPermitted = true,
            HasTimestamps = true, TimestampValue = 1 };
        byte[] syn = Tcp4(PeerIpv4, OurIpv4, 40000, 7, 1000, 0, TcpFlags.Syn, options, [])
            [(EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength)..];
        Assert.Equal(40, syn.Length);

        // RFC 7112's rule applied to IPv4: the first fragment holds the whole 20-byte TCP header.
        Assert.Empty(Run(ref nic, Fragment4(PeerIpv4, OurIpv4, IpProtocol.Tcp, syn, 0, 24, true, 17)));
        byte[] reply = Run(ref nic, Fragment4(PeerIpv4, OurIpv4, IpProtocol.Tcp, syn, 24, 16, false, 17));
        Assert.True(Ipv4Packet.TryParse(reply.AsSpan(EthernetFrame.HeaderLength), out var ip, out _));
        Assert.True(TcpSegment.TryParse(ip.Payload, out var synAck, out _));
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, synAck.Flags);
        Assert.Equal(1001U, synAck.AcknowledgmentNumber.Value);
        Assert.Equal(1UL, nic.Counters.Reassembled);
    }

    [Fact]
    public void A_reassembled_UDP_datagram_reaches_its_socket_whole_both_families()
    {
        var nic = NewInterface();
        Assert.True(nic.Udp.TryBind(7, out UdpHandle socket));
        byte[] payload = Pattern(8000);
        Feed(nic, Fragments6(PeerLinkLocal, OurLinkLocal, IpProtocol.Udp, Udp6Message(PeerLinkLocal, OurLinkLocal, 40000, 7, payload), 9));
        Feed(nic, Fragments4(PeerIpv4, OurIpv4, IpProtocol.Udp, Udp4Message(PeerIpv4, OurIpv4, 40001, 7, payload), 9));

        byte[] received = new byte[9000];
        Assert.True(nic.Udp.TryReceive(socket, received, out int length, out var remote, out _));
        Assert.Equal(payload, received.AsSpan(0, length).ToArray());
        Assert.Equal(new IpEndpoint(PeerLinkLocal, 40000), remote);
        Assert.True(nic.Udp.TryReceive(socket, received, out length, out remote, out _));
        Assert.Equal(payload, received.AsSpan(0, length).ToArray());
        Assert.Equal(new IpEndpoint(PeerIpv4, 40001), remote);
        Assert.Equal(2UL, nic.Counters.Reassembled);
    }

    /// <summary>The fragment with an 8-byte Hop-by-Hop header before its Fragment header: one option of <paramref name="type"/> with 4 bytes of data.</summary>
    private static byte[] WithHopByHop(byte[] frame, byte type)
    {
        const int HopByHopLength = 8;
        int ipStart = EthernetFrame.HeaderLength;
        var original = Ipv6Of(frame);
        byte[] longer = new byte[ipStart + Ipv6Packet.HeaderLength + HopByHopLength + original.PayloadLength];
        frame.AsSpan(0, ipStart + Ipv6Packet.HeaderLength).CopyTo(longer);
        original.Payload.CopyTo(longer.AsSpan(ipStart + Ipv6Packet.HeaderLength + HopByHopLength));
        var ip = new Ipv6Packet(longer.AsSpan(ipStart));
        ip.NextHeader = IpProtocol.HopByHop;
        ip.PayloadLength = original.PayloadLength + HopByHopLength;
        byte[] hopByHop = [(byte)IpProtocol.Ipv6Fragment, 0, type, 4, 0, 0, 0, 0];
        hopByHop.CopyTo(ip.Payload);
        return longer;
    }

    [Fact]
    public void Options_before_the_fragment_header_are_checked_in_each_fragment_and_kept_in_the_datagram()
    {
        // RFC 8200 section 4.5: the unfragmentable part (here Hop-by-Hop with Router Alert, RFC
        // 2711) comes with every fragment and is the first fragment's in the reassembled packet.
        var nic = NewInterface();
        Assert.True(nic.Udp.TryBind(7, out UdpHandle socket));
        byte[] payload = Pattern(3000);
        var fragments = Fragments6(PeerLinkLocal, OurLinkLocal, IpProtocol.Udp, Udp6Message(PeerLinkLocal, OurLinkLocal, 40000, 7, payload), 18);
        Assert.Empty(Feed(nic, fragments.Select(frame => WithHopByHop(frame, Ipv6Options.RouterAlert))));
        byte[] received = new byte[9000];
        Assert.True(nic.Udp.TryReceive(socket, received, out int length, out _, out _));
        Assert.Equal(payload, received.AsSpan(0, length).ToArray());
        Assert.Equal(1UL, nic.Counters.Reassembled);

        // Action 10 there: each fragment is refused on arrival (pointer at the type in the fragment as it came).
        var refused = Feed(nic, Fragments6(PeerLinkLocal, OurLinkLocal, IpProtocol.Udp, Udp6Message(PeerLinkLocal, OurLinkLocal, 40000, 7, payload), 19)
            .Select(frame => WithHopByHop(frame, 0x80)));
        var error = Icmpv6Of(refused[0]);
        Assert.Equal(Icmpv6Type.ParameterProblem, error.Type);
        Assert.Equal(2, error.Code);
        Assert.Equal((uint)(Ipv6Packet.HeaderLength + 2), error.Pointer);
        Assert.Equal(0, nic.DatagramsReassembling);
        Assert.Equal(1UL, nic.Counters.Reassembled);
    }

    [Fact]
    public void Overlapping_fragments_drop_the_whole_datagram_and_its_later_fragments()
    {
        var nic = NewInterface();
        byte[] request = EchoRequest6(PeerLinkLocal, OurLinkLocal, PingData);
        var fragments = Fragments6(PeerLinkLocal, OurLinkLocal, IpProtocol.Icmpv6, request, 1);
        byte[] overlapping = Fragment6(PeerLinkLocal, OurLinkLocal, IpProtocol.Icmpv6, request, Ipv6Chunk - 8, 16, true, 1);

        Assert.Empty(Feed(nic, [fragments[0], overlapping]));
        Assert.Equal(1UL, nic.Counters[DropReason.FragmentOverlap]);
        Assert.Empty(Feed(nic, fragments.Skip(1)));
        Assert.Equal((ulong)fragments.Count, nic.Counters[DropReason.FragmentOverlap]);
        Assert.Equal(0UL, nic.Counters.Reassembled);
    }

    [Fact]
    public void Overlapping_IPv4_fragments_drop_the_whole_datagram_too()
    {
        var nic = NewInterface();
        byte[] request = EchoRequest4(PingData);
        var fragments = Fragments4(PeerIpv4, OurIpv4, IpProtocol.Icmp, request, 2);
        byte[] overlapping = Fragment4(PeerIpv4, OurIpv4, IpProtocol.Icmp, request, 8, 16, true, 2);

        Assert.Empty(Feed(nic, [fragments[0], overlapping, .. fragments.Skip(1)]));
        Assert.Equal((ulong)fragments.Count, nic.Counters[DropReason.FragmentOverlap]);
        Assert.Equal(0UL, nic.Counters.Reassembled);
    }

    [Fact]
    public void An_exact_duplicate_fragment_is_dropped_alone_and_the_datagram_completes()
    {
        var nic = NewInterface();
        byte[] request = EchoRequest6(PeerLinkLocal, OurLinkLocal, PingData);
        var fragments = Fragments6(PeerLinkLocal, OurLinkLocal, IpProtocol.Icmpv6, request, 3);

        var replies = Feed(nic, [fragments[1], fragments[1], fragments[0], fragments[0], .. fragments.Skip(2)]);
        Assert.Equal(2UL, nic.Counters[DropReason.DuplicateFragment]);
        Assert.Single(replies);
        Assert.Equal(1UL, nic.Counters.Reassembled);
    }

    [Fact]
    public void An_atomic_fragment_is_processed_as_a_whole_packet_without_a_buffer()
    {
        var nic = NewInterface();
        byte[] request = EchoRequest6(PeerLinkLocal, OurLinkLocal, 56);
        byte[] atomic = Fragment6(PeerLinkLocal, OurLinkLocal, IpProtocol.Icmpv6, request, 0, request.Length, false, 5);

        byte[] reply = Run(ref nic, atomic);
        Assert.Equal(Icmpv6Type.EchoReply, Icmpv6Of(reply).Type);
        Assert.Equal(0UL, nic.Counters.Reassembled);
        Assert.Equal(0, nic.DatagramsReassembling);
    }

    [Fact]
    public void Timeout_after_the_first_fragment_sends_Time_Exceeded_code_1_quoting_it()
    {
        var nic = NewInterface();
        byte[] request = EchoRequest6(PeerLinkLocal, OurLinkLocal, PingData);
        byte[] first = Fragments6(PeerLinkLocal, OurLinkLocal, IpProtocol.Icmpv6, request, 6)[0];
        nic.AdvanceClock(1_000);
        Assert.Empty(Run(ref nic, first));
        Assert.Equal(1_000 + Timeout, nic.NextPollAt);
        Assert.Empty(PollAll(nic, 1_000 + Timeout - 1));

        var sent = PollAll(nic, 1_000 + Timeout);
        var error = Icmpv6Of(Assert.Single(sent));
        Assert.Equal(Icmpv6Type.TimeExceeded, error.Type);
        Assert.Equal(1, error.Code);
        Assert.Equal(PeerLinkLocal, Ipv6Of(sent[0]).Destination);
        // The quote: the first fragment as it came, from its IPv6 header.
        Assert.Equal(first.AsSpan(EthernetFrame.HeaderLength, 1280 - 48).ToArray(), error.Buffer.Slice(8).ToArray());
        Assert.Equal(1UL, nic.Counters.ReassemblyTimeouts);
        Assert.Equal(0, nic.DatagramsReassembling);
    }

    [Fact]
    public void Timeout_after_the_first_IPv4_fragment_sends_ICMP_Time_Exceeded_code_1()
    {
        var nic = NewInterface();
        byte[] first = Fragments4(PeerIpv4, OurIpv4, IpProtocol.Icmp, EchoRequest4(PingData), 7)[0];
        Assert.Empty(Run(ref nic, first));
        var sent = PollAll(nic, Timeout);
        Assert.True(Ipv4Packet.TryParse(Assert.Single(sent).AsSpan(EthernetFrame.HeaderLength), out var ip, out _));
        Assert.Equal(PeerIpv4, ip.Destination);
        Assert.Equal(IpProtocol.Icmp, ip.Protocol);
        Assert.Equal((byte)Icmpv4Type.TimeExceeded, ip.Payload[0]);
        Assert.Equal(1, ip.Payload[1]);
        Assert.True(InternetChecksum.Verify(ip.Payload));
        Assert.Equal(first.AsSpan(EthernetFrame.HeaderLength, 548).ToArray(), ip.Payload.Slice(8).ToArray());
    }

    [Fact]
    public void Timeout_without_the_first_fragment_is_silent()
    {
        var nic = NewInterface();
        byte[] request = EchoRequest6(PeerLinkLocal, OurLinkLocal, PingData);
        byte[] second = Fragments6(PeerLinkLocal, OurLinkLocal, IpProtocol.Icmpv6, request, 8)[1];
        Assert.Empty(Run(ref nic, second));
        Assert.Equal(1, nic.DatagramsReassembling);
        Assert.Empty(PollAll(nic, Timeout));
        Assert.Equal(1UL, nic.Counters.ReassemblyTimeouts);
        Assert.Equal(0, nic.DatagramsReassembling);
    }

    [Fact]
    public void Timeout_of_a_fragmented_ICMP_error_is_silent_both_families()
    {
        // RFC 4443 section 2.4 (e.1), RFC 1122 section 3.2.2: no ICMP error about an ICMP error.
        var nic = NewInterface();
        byte[] unreachable6 = Pattern(2000);
        unreachable6[0] = (byte)Icmpv6Type.DestinationUnreachable;
        byte[] unreachable4 = Pattern(2000);
        unreachable4[0] = (byte)Icmpv4Type.DestinationUnreachable;
        Assert.Empty(Run(ref nic, Fragments6(PeerLinkLocal, OurLinkLocal, IpProtocol.Icmpv6, unreachable6, 16)[0]));
        Assert.Empty(Run(ref nic, Fragments4(PeerIpv4, OurIpv4, IpProtocol.Icmp, unreachable4, 16)[0]));
        Assert.Equal(2, nic.DatagramsReassembling);
        Assert.Empty(PollAll(nic, Timeout));
        Assert.Equal(2UL, nic.Counters.ReassemblyTimeouts);
        Assert.Equal(0, nic.DatagramsReassembling);
    }

    [Fact]
    public void Timeout_of_a_datagram_from_an_unspecified_source_is_silent_both_families()
    {
        // RFC 4443 section 2.4 (e.6), RFC 1122 section 3.2.2: no ICMP error to a source that names no single node.
        var nic = NewInterface();
        byte[] request6 = EchoRequest6(Ipv6Address.Unspecified, OurLinkLocal, PingData);
        Assert.Empty(Run(ref nic, Fragments6(Ipv6Address.Unspecified, OurLinkLocal, IpProtocol.Icmpv6, request6, 17)[0]));
        Assert.Empty(Run(ref nic, Fragments4(default, OurIpv4, IpProtocol.Icmp, EchoRequest4(PingData), 17)[0]));
        Assert.Equal(2, nic.DatagramsReassembling);
        Assert.Empty(PollAll(nic, Timeout));
        Assert.Equal(2UL, nic.Counters.ReassemblyTimeouts);
    }

    [Fact]
    public void Timeout_of_a_datagram_sent_to_a_group_is_silent()
    {
        var nic = NewInterface();
        byte[] request = EchoRequest6(PeerLinkLocal, Ipv6Address.AllNodes, PingData);
        byte[] first = Fragments6(PeerLinkLocal, Ipv6Address.AllNodes, IpProtocol.Icmpv6, request, 14)[0];
        MacAddress.FromIpv6Multicast(Ipv6Address.AllNodes).CopyTo(first);
        Assert.Empty(Run(ref nic, first));
        Assert.Equal(1, nic.DatagramsReassembling);
        Assert.Empty(PollAll(nic, Timeout));
        Assert.Equal(1UL, nic.Counters.ReassemblyTimeouts);
    }

    [Fact]
    public void A_first_fragment_without_the_whole_header_chain_gets_Parameter_Problem_code_3()
    {
        var nic = NewInterface();
        // Destination Options (8 bytes, naming UDP) and nothing of the UDP header: RFC 7112.
        byte[] message = new byte[16];
        message[0] = (byte)IpProtocol.Udp;
        message[2] = 1; // PadN over the rest of the header
        message[3] = 4;
        byte[] first = Fragment6(PeerLinkLocal, OurLinkLocal, IpProtocol.Ipv6DestinationOptions, message, 0, 8, true, 9);

        var error = Icmpv6Of(Run(ref nic, first));
        Assert.Equal(Icmpv6Type.ParameterProblem, error.Type);
        Assert.Equal(3, error.Code);
        Assert.Equal(0U, error.Pointer);
        Assert.Equal(0, nic.DatagramsReassembling);
    }

    [Fact]
    public void A_first_IPv4_fragment_shorter_than_the_TCP_header_is_dropped()
    {
        var nic = NewInterface();
        byte[] first = Fragment4(PeerIpv4, OurIpv4, IpProtocol.Tcp, new byte[64], 0, 8, true, 10);
        Assert.Empty(Run(ref nic, first));
        Assert.Equal(1UL, nic.Counters[DropReason.BadFragment]);
        Assert.Equal(0, nic.DatagramsReassembling);
    }

    [Fact]
    public void A_fragment_not_a_multiple_of_8_but_the_last_gets_Parameter_Problem_at_the_payload_length()
    {
        var nic = NewInterface();
        byte[] request = EchoRequest6(PeerLinkLocal, OurLinkLocal, PingData);
        byte[] odd = Fragment6(PeerLinkLocal, OurLinkLocal, IpProtocol.Icmpv6, request, 0, 1001, true, 11);

        var error = Icmpv6Of(Run(ref nic, odd));
        Assert.Equal(Icmpv6Type.ParameterProblem, error.Type);
        Assert.Equal(0, error.Code);
        Assert.Equal((uint)Ipv6Packet.PayloadLengthOffset, error.Pointer);

        byte[] odd4 = Fragment4(PeerIpv4, OurIpv4, IpProtocol.Icmp, EchoRequest4(PingData), 0, 1001, true, 11);
        Assert.Empty(Run(ref nic, odd4));
        Assert.Equal(1UL, nic.Counters[DropReason.BadFragment]);
    }

    [Fact]
    public void An_unknown_option_after_the_fragment_header_gets_its_Parameter_Problem_once_reassembled()
    {
        // RFC 8200 section 4.5: headers after the Fragment header are processed after reassembly;
        // section 4.2: action 10 asks for a Parameter Problem code 2 at the option type, which in
        // the reassembled packet is right after the fixed header's Destination Options octets.
        var nic = NewInterface();
        byte[] options = [(byte)IpProtocol.Udp, 0, 0x80, 4, 0, 0, 0, 0];
        byte[] message = [.. options, .. Udp6Message(PeerLinkLocal, OurLinkLocal, 40000, 7, Pattern(2000))];
        var fragments = Fragments6(PeerLinkLocal, OurLinkLocal, IpProtocol.Ipv6DestinationOptions, message, 14);

        var replies = Feed(nic, fragments);
        var error = Icmpv6Of(Assert.Single(replies));
        Assert.Equal(Icmpv6Type.ParameterProblem, error.Type);
        Assert.Equal(2, error.Code);
        Assert.Equal((uint)(Ipv6Packet.HeaderLength + 2), error.Pointer);
        Assert.Equal(1UL, nic.Counters.Reassembled);
        Assert.Equal(0, nic.DatagramsReassembling);
    }

    [Fact]
    public void A_bad_first_fragment_of_an_ICMPv6_error_gets_no_Parameter_Problem()
    {
        // RFC 4443 section 2.4 (e.1): no ICMPv6 error answers an ICMPv6 error, fragmented or not.
        var nic = NewInterface();
        byte[] unreachable = new byte[64];
        unreachable[0] = (byte)Icmpv6Type.DestinationUnreachable;
        byte[] odd = Fragment6(PeerLinkLocal, OurLinkLocal, IpProtocol.Icmpv6, unreachable, 0, 12, true, 15);

        Assert.Empty(Run(ref nic, odd));
        Assert.Equal(1UL, nic.Counters[DropReason.BadFragment]);
        Assert.Equal(0, nic.DatagramsReassembling);
    }

    [Fact]
    public void A_fragment_past_65535_bytes_gets_Parameter_Problem_at_the_fragment_offset()
    {
        var nic = NewInterface();
        byte[] message = new byte[65_600];
        byte[] beyond = Fragment6(PeerLinkLocal, OurLinkLocal, IpProtocol.Udp, message, 65_528, 16, false, 12);

        var error = Icmpv6Of(Run(ref nic, beyond));
        Assert.Equal(Icmpv6Type.ParameterProblem, error.Type);
        Assert.Equal(0, error.Code);
        Assert.Equal((uint)(Ipv6Packet.HeaderLength + Ipv6FragmentHeader.OffsetAndFlagsOffset), error.Pointer);
        Assert.Equal(0, nic.DatagramsReassembling);
    }

    [Fact]
    public void A_fragment_past_the_largest_datagram_gets_Parameter_Problem_at_the_fragment_offset()
    {
        var nic = NewInterface(largest: 4096);
        byte[] request = EchoRequest6(PeerLinkLocal, OurLinkLocal, PingData);
        var fragments = Fragments6(PeerLinkLocal, OurLinkLocal, IpProtocol.Icmpv6, request, 13);

        var error = Icmpv6Of(Run(ref nic, fragments[^1]));
        Assert.Equal(Icmpv6Type.ParameterProblem, error.Type);
        Assert.Equal((uint)(Ipv6Packet.HeaderLength + Ipv6FragmentHeader.OffsetAndFlagsOffset), error.Pointer);
        Assert.Empty(Run(ref nic, Fragments4(PeerIpv4, OurIpv4, IpProtocol.Icmp, EchoRequest4(PingData), 13)[^1]));
        Assert.Equal(1UL, nic.Counters[DropReason.BadFragment]);
    }

    [Fact]
    public void With_every_buffer_busy_a_new_datagram_is_dropped_and_taken_once_one_frees()
    {
        var nic = NewInterface(buffers: 2);
        byte[] request = EchoRequest6(PeerLinkLocal, OurLinkLocal, PingData);
        var first = Fragments6(PeerLinkLocal, OurLinkLocal, IpProtocol.Icmpv6, request, 20);
        var second = Fragments6(PeerLinkLocal, OurLinkLocal, IpProtocol.Icmpv6, request, 21);
        var third = Fragments6(PeerLinkLocal, OurLinkLocal, IpProtocol.Icmpv6, request, 22);

        Assert.Empty(Feed(nic, [first[0], second[0], third[0]]));
        Assert.Equal(1UL, nic.Counters[DropReason.NoReassemblyBuffer]);
        Assert.Single(Feed(nic, first.Skip(1)));
        PollAll(nic, 0);
        Assert.Single(Feed(nic, third));
        Assert.Equal(2UL, nic.Counters.Reassembled);
        Assert.Equal(1, nic.DatagramsReassembling);
    }

    [Fact]
    public void An_abandoned_datagram_gives_its_buffer_to_a_new_one()
    {
        var nic = NewInterface(buffers: 1);
        byte[] request = EchoRequest6(PeerLinkLocal, OurLinkLocal, PingData);
        var poisoned = Fragments6(PeerLinkLocal, OurLinkLocal, IpProtocol.Icmpv6, request, 30);
        Assert.Empty(Feed(nic, [poisoned[0], Overlap(poisoned[0].ToArray())]));
        Assert.Equal(1UL, nic.Counters[DropReason.FragmentOverlap]);
        Assert.Single(Feed(nic, Fragments6(PeerLinkLocal, OurLinkLocal, IpProtocol.Icmpv6, request, 31)));
    }

    /// <summary>The same fragment moved 8 bytes on: it overlaps the original.</summary>
    private static byte[] Overlap(byte[] frame)
    {
        var ip = Ipv6Of(frame);
        var header = ip.Payload.Slice(Ipv6FragmentHeader.OffsetAndFlagsOffset);
        BinaryPrimitives.WriteUInt16BigEndian(header, (ushort)(BinaryPrimitives.ReadUInt16BigEndian(header) + 8));
        return frame;
    }

    [Fact]
    public void Without_reassembly_buffers_fragments_are_unsupported()
    {
        var nic = NewInterface(buffers: 0);
        byte[] request = EchoRequest6(PeerLinkLocal, OurLinkLocal, PingData);
        Assert.Empty(Feed(nic, Fragments6(PeerLinkLocal, OurLinkLocal, IpProtocol.Icmpv6, request, 40)));
        Assert.Empty(Feed(nic, Fragments4(PeerIpv4, OurIpv4, IpProtocol.Icmp, EchoRequest4(PingData), 40)));
        Assert.Equal(10UL, nic.Counters[DropReason.Unsupported]);
    }

    [Fact]
    public void A_second_large_reply_while_the_first_is_still_going_out_is_dropped()
    {
        var nic = NewInterface();
        byte[] request = EchoRequest6(PeerLinkLocal, OurLinkLocal, PingData);
        Assert.Single(Feed(nic, Fragments6(PeerLinkLocal, OurLinkLocal, IpProtocol.Icmpv6, request, 50)));
        Assert.Empty(Feed(nic, Fragments6(PeerLinkLocal, OurLinkLocal, IpProtocol.Icmpv6, request, 51)));
        Assert.Equal(1UL, nic.Counters[DropReason.ReplyBufferTooSmall]);
        Assert.Equal(4, PollAll(nic, 0).Count);
    }
}
