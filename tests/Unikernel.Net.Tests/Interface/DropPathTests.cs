using System.Buffers.Binary;
using Unikernel.Net.Tests.Wire;
using Unikernel.Net.Wire;
using static Unikernel.Net.Tests.Interface.InterfaceGolden;

namespace Unikernel.Net.Tests.Interface;

/// <summary>Every way a frame is dropped: nothing is sent, and exactly its counter moves.</summary>
public class DropPathTests
{
    private const int Ip = EthernetFrame.HeaderLength;

    private static byte[] Ping() => Golden.Bytes(Golden.Icmpv4EchoRequest);

    private static byte[] Solicitation() => Golden.Bytes(NeighborSolicitation);

    private static byte[] Ping6() => Golden.Bytes(Icmpv6EchoRequest);

    private static void AssertDropped(byte[] frame, DropReason reason, WireError malformed = WireError.None, int replyCapacity = 1600)
    {
        var nic = NewInterface();
        Assert.Empty(Run(ref nic, frame, replyCapacity));
        var counters = nic.Counters;
        Assert.Equal(1UL, counters.Received);
        Assert.Equal(1UL, counters[reason]);
        Assert.Equal(1UL, counters.Dropped);
        Assert.Equal(counters.Received, counters.Accounted);
        if (reason == DropReason.Malformed)
            Assert.Equal(1UL, counters.Malformed(malformed));
    }

    [Fact]
    public void Not_for_us_another_unicast_MAC()
    {
        byte[] frame = Ping();
        Golden.Mac("52:55:0a:00:02:03").CopyTo(frame);
        AssertDropped(frame, DropReason.NotForUs);
    }

    [Fact]
    public void Not_for_us_an_IPv6_group_we_are_not_in()
    {
        byte[] frame = Ping6();
        Golden.Mac("33:33:00:00:00:02").CopyTo(frame);
        AssertDropped(frame, DropReason.NotForUs);
    }

    [Fact]
    public void Not_for_us_an_IPv4_multicast_MAC()
    {
        byte[] frame = Ping();
        Golden.Mac("01:00:5e:00:00:01").CopyTo(frame);
        AssertDropped(frame, DropReason.NotForUs);
    }

    [Fact]
    public void Not_our_address_ping_to_another_IPv4_address()
    {
        byte[] frame = Ping();
        Golden.V4("10.0.2.3").CopyTo(frame.AsSpan(Ip + Ipv4Packet.DestinationOffset));
        FixIpv4Checksum(frame);
        AssertDropped(frame, DropReason.NotOurAddress);
    }

    [Fact]
    public void Not_our_address_ping_to_the_broadcast_address()
    {
        byte[] frame = Ping();
        MacAddress.Broadcast.CopyTo(frame);
        Ipv4Address.Broadcast.CopyTo(frame.AsSpan(Ip + Ipv4Packet.DestinationOffset));
        FixIpv4Checksum(frame);
        AssertDropped(frame, DropReason.NotOurAddress);
    }

    [Fact]
    public void Not_our_address_ARP_for_another_host()
    {
        byte[] frame = Golden.Bytes(Golden.ArpRequest);
        new ArpPacket(frame.AsSpan(Ip)).TargetProtocolAddress = Golden.V4("10.0.2.3");
        AssertDropped(frame, DropReason.NotOurAddress);
    }

    [Fact]
    public void Not_our_address_solicitation_for_another_target()
    {
        byte[] frame = Solicitation();
        Golden.V6("fe80::5055:aff:fe01:202").CopyTo(frame.AsSpan(Ip + 40 + Icmpv6Packet.TargetAddressOffset));
        FixIcmpv6Checksum(frame);
        AssertDropped(frame, DropReason.NotOurAddress);
    }

    [Fact]
    public void Not_our_address_ping6_to_a_global_address()
    {
        byte[] frame = Ping6();
        Golden.V6("2001:db8::5055:aff:fe00:202").CopyTo(frame.AsSpan(Ip + Ipv6Packet.DestinationOffset));
        FixIcmpv6Checksum(frame);
        AssertDropped(frame, DropReason.NotOurAddress);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(13)]
    public void Malformed_truncated_Ethernet(int length) => AssertDropped(new byte[length], DropReason.Malformed, WireError.Truncated);

    [Fact]
    public void Malformed_truncated_IPv4()
    {
        byte[] frame = Ping()[..(Ip + 60)]; // total length says 84
        AssertDropped(frame, DropReason.Malformed, WireError.Truncated);
    }

    [Fact]
    public void Malformed_bad_IPv4_version()
    {
        byte[] frame = Ping();
        frame[Ip] = 0x65;
        AssertDropped(frame, DropReason.Malformed, WireError.BadVersion);
    }

    [Fact]
    public void Malformed_bad_IPv4_header_length()
    {
        byte[] frame = Ping();
        frame[Ip] = 0x44;
        AssertDropped(frame, DropReason.Malformed, WireError.BadHeaderLength);
    }

    [Fact]
    public void Malformed_IPv4_total_length_below_the_header()
    {
        byte[] frame = Ping();
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(Ip + Ipv4Packet.TotalLengthOffset), 19);
        FixIpv4Checksum(frame);
        AssertDropped(frame, DropReason.Malformed, WireError.BadLength);
    }

    [Fact]
    public void Malformed_truncated_ICMPv4()
    {
        byte[] frame = Ping();
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(Ip + Ipv4Packet.TotalLengthOffset), 24);
        FixIpv4Checksum(frame);
        AssertDropped(frame, DropReason.Malformed, WireError.Truncated);
    }

    [Fact]
    public void Malformed_truncated_ARP()
    {
        byte[] frame = Golden.Bytes(Golden.ArpRequest)[..(Ip + 20)];
        AssertDropped(frame, DropReason.Malformed, WireError.Truncated);
    }

    [Fact]
    public void Malformed_solicitation_option_of_length_zero()
    {
        byte[] frame = Solicitation();
        frame[Ip + 40 + 25] = 0;
        FixIcmpv6Checksum(frame);
        AssertDropped(frame, DropReason.Malformed, WireError.BadFormat);
    }

    [Fact]
    public void Malformed_solicitation_option_past_the_end()
    {
        byte[] frame = Solicitation();
        frame[Ip + 40 + 25] = 2;
        FixIcmpv6Checksum(frame);
        AssertDropped(frame, DropReason.Malformed, WireError.Truncated);
    }

    [Fact]
    public void Malformed_solicitation_shorter_than_its_target()
    {
        byte[] frame = Solicitation()[..(Ip + 40 + 16)];
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(Ip + Ipv6Packet.PayloadLengthOffset), 16);
        FixIcmpv6Checksum(frame);
        AssertDropped(frame, DropReason.Malformed, WireError.Truncated);
    }

    [Fact]
    public void Malformed_solicitation_with_a_nonzero_code()
    {
        byte[] frame = Solicitation();
        frame[Ip + 40 + 1] = 1;
        FixIcmpv6Checksum(frame);
        AssertDropped(frame, DropReason.Malformed, WireError.BadFormat);
    }

    [Fact]
    public void Malformed_DAD_solicitation_with_a_source_link_layer_option()
    {
        byte[] frame = Solicitation();
        frame.AsSpan(Ip + Ipv6Packet.SourceOffset, 16).Clear();
        FixIcmpv6Checksum(frame);
        AssertDropped(frame, DropReason.Malformed, WireError.BadFormat);
    }

    [Fact]
    public void Malformed_truncated_IPv6()
    {
        byte[] frame = Ping6()[..(Ip + 50)];
        AssertDropped(frame, DropReason.Malformed, WireError.Truncated);
    }

    [Fact]
    public void Malformed_too_many_IPv6_extension_headers()
    {
        // Nine empty Destination Options headers before the echo request.
        byte[] ping6 = Ping6();
        int extensions = 9 * 8;
        byte[] frame = new byte[ping6.Length + extensions];
        ping6.AsSpan(0, Ip + 40).CopyTo(frame);
        for (int i = 0; i < 9; i++)
            frame[Ip + 40 + i * 8] = i == 8 ? (byte)IpProtocol.Icmpv6 : (byte)IpProtocol.Ipv6DestinationOptions;
        ping6.AsSpan(Ip + 40).CopyTo(frame.AsSpan(Ip + 40 + extensions));
        frame[Ip + Ipv6Packet.NextHeaderOffset] = (byte)IpProtocol.Ipv6DestinationOptions;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(Ip + Ipv6Packet.PayloadLengthOffset), (ushort)(64 + extensions));
        AssertDropped(frame, DropReason.Malformed, WireError.TooManyHeaders);
    }

    [Fact]
    public void Bad_checksum_IPv4_header()
    {
        byte[] frame = Ping();
        frame[Ip + Ipv4Packet.ChecksumOffset] ^= 0x10;
        AssertDropped(frame, DropReason.BadChecksum);
    }

    [Fact]
    public void Bad_checksum_ICMPv4()
    {
        byte[] frame = Ping();
        frame[^1] ^= 0x01;
        AssertDropped(frame, DropReason.BadChecksum);
    }

    [Fact]
    public void Bad_checksum_ICMPv6_echo()
    {
        byte[] frame = Ping6();
        frame[^1] ^= 0x01;
        AssertDropped(frame, DropReason.BadChecksum);
    }

    [Fact]
    public void Bad_checksum_neighbour_solicitation()
    {
        byte[] frame = Solicitation();
        frame[Ip + 40 + Icmpv6Packet.ChecksumOffset] ^= 0x80;
        AssertDropped(frame, DropReason.BadChecksum);
    }

    [Theory]
    [InlineData(254)]
    [InlineData(64)]
    [InlineData(1)]
    public void Bad_hop_limit_neighbour_solicitation(byte hopLimit)
    {
        byte[] frame = Solicitation(); // the hop limit is not in the checksum
        frame[Ip + Ipv6Packet.HopLimitOffset] = hopLimit;
        AssertDropped(frame, DropReason.BadHopLimit);
    }

    [Fact]
    public void Invalid_source_a_group_MAC()
    {
        byte[] frame = Ping();
        Golden.Mac("01:00:5e:00:00:01").CopyTo(frame.AsSpan(EthernetFrame.SourceOffset));
        AssertDropped(frame, DropReason.InvalidSource);
    }

    [Fact]
    public void Invalid_source_ping_from_the_broadcast_address()
    {
        byte[] frame = Ping();
        Ipv4Address.Broadcast.CopyTo(frame.AsSpan(Ip + Ipv4Packet.SourceOffset));
        FixIpv4Checksum(frame);
        AssertDropped(frame, DropReason.InvalidSource);
    }

    [Fact]
    public void Invalid_source_ARP_claiming_our_address()
    {
        byte[] frame = Golden.Bytes(Golden.ArpRequest);
        new ArpPacket(frame.AsSpan(Ip)).SenderProtocolAddress = OurIpv4;
        AssertDropped(frame, DropReason.InvalidSource);
    }

    [Fact]
    public void Invalid_source_ping6_from_a_multicast_address()
    {
        byte[] frame = Ping6();
        Ipv6Address.AllNodes.CopyTo(frame.AsSpan(Ip + Ipv6Packet.SourceOffset));
        FixIcmpv6Checksum(frame);
        AssertDropped(frame, DropReason.InvalidSource);
    }

    [Fact]
    public void Unsupported_EtherType()
    {
        byte[] frame = Ping();
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(EthernetFrame.EtherTypeOffset), 0x88CC); // LLDP
        AssertDropped(frame, DropReason.Unsupported);
    }

    [Fact]
    public void Unsupported_VLAN_tag()
    {
        byte[] frame = Ping();
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(EthernetFrame.EtherTypeOffset), (ushort)EtherType.Vlan);
        AssertDropped(frame, DropReason.Unsupported);
    }

    [Fact]
    public void Unsupported_IPv4_protocol()
    {
        byte[] frame = Ping();
        frame[Ip + Ipv4Packet.ProtocolOffset] = 47; // GRE: not ours
        FixIpv4Checksum(frame);
        AssertDropped(frame, DropReason.Unsupported);
    }

    [Fact]
    public void Bad_IPv4_fragment_not_a_multiple_of_8()
    {
        byte[] frame = Ping();
        frame[Ip + Ipv4Packet.FlagsAndFragmentOffsetOffset] = 0x20; // MF
        int total = BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(Ip + Ipv4Packet.TotalLengthOffset));
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(Ip + Ipv4Packet.TotalLengthOffset), (ushort)(total - 1));
        FixIpv4Checksum(frame);
        AssertDropped(frame, DropReason.BadFragment);
    }

    [Fact]
    public void Unsupported_ICMPv4_type()
    {
        byte[] frame = Ping();
        frame[Ip + 20] = 13; // timestamp request
        FixIcmpv4Checksum(frame);
        AssertDropped(frame, DropReason.Unsupported);
    }

    [Fact]
    public void Unsupported_ICMPv6_type()
    {
        byte[] frame = Ping6();
        frame[Ip + 40] = (byte)Icmpv6Type.EchoReply;
        FixIcmpv6Checksum(frame);
        AssertDropped(frame, DropReason.Unsupported);
    }

    [Fact]
    public void Unsupported_IPv6_next_header_to_a_group()
    {
        // To a unicast address of ours it gets a Parameter Problem (InterfaceUdpTests); to a
        // group no ICMPv6 error may be sent (RFC 4443 section 2.4 (e)).
        byte[] frame = Ping6();
        frame[Ip + Ipv6Packet.NextHeaderOffset] = 47;
        Golden.Mac("33:33:00:00:00:01").CopyTo(frame);
        Ipv6Address.AllNodes.CopyTo(frame.AsSpan(Ip + Ipv6Packet.DestinationOffset));
        AssertDropped(frame, DropReason.Unsupported);
    }

    [Fact]
    public void Unsupported_ARP_hardware_type()
    {
        byte[] frame = Golden.Bytes(Golden.ArpRequest);
        frame[Ip + 1] = 6; // IEEE 802
        AssertDropped(frame, DropReason.Unsupported);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(59)]
    public void Reply_buffer_too_small_for_ARP(int capacity) =>
        AssertDropped(Golden.Bytes(Golden.ArpRequest), DropReason.ReplyBufferTooSmall, replyCapacity: capacity);

    [Fact]
    public void Reply_buffer_too_small_for_ping6() =>
        AssertDropped(Ping6(), DropReason.ReplyBufferTooSmall, replyCapacity: Ping6().Length - 1);

    [Fact]
    public void Reply_buffer_too_small_for_an_advertisement() =>
        AssertDropped(Solicitation(), DropReason.ReplyBufferTooSmall, replyCapacity: 85);

    [Fact]
    public void Unexpected_dns_answer_from_a_server_we_did_not_ask()
    {
        var nic = NewInterface();
        nic.Process(TestFrames.ArpReply(PeerIpv4, PeerMac), new byte[1600]);
        nic.Dns.AddServer(Ipv6Address.MapIpv4(PeerIpv4));
        Assert.True(nic.Dns.TryStart("board.test"u8, DnsRecordType.A, out _));
        var sent = TestFrames.PollAll(nic, 0).Select(Dns.SentQuery.From).Single(q => q is not null)!;
        byte[] forged = sent.Answer(from: Ipv6Address.MapIpv4(Golden.V4("10.0.2.99")));
        Assert.Empty(Run(ref nic, forged));
        Assert.Equal(1UL, nic.Counters[DropReason.UnexpectedDnsAnswer]);
        Assert.Equal(1UL, nic.Counters.Dropped);
        Assert.Equal(nic.Counters.Received, nic.Counters.Accounted);
    }

    [Fact]
    public void Every_drop_reason_has_a_test_above()
    {
        var covered = new HashSet<DropReason>();
        foreach (var method in typeof(DropPathTests).GetMethods())
        {
            foreach (DropReason reason in Enum.GetValues<DropReason>())
            {
                string prefix = reason switch
                {
                    DropReason.NotForUs => "Not_for_us",
                    DropReason.NotOurAddress => "Not_our_address",
                    DropReason.Malformed => "Malformed",
                    DropReason.BadChecksum => "Bad_checksum",
                    DropReason.BadHopLimit => "Bad_hop_limit",
                    DropReason.InvalidSource => "Invalid_source",
                    DropReason.Unsupported => "Unsupported",
                    DropReason.UnexpectedDnsAnswer => "Unexpected_dns_answer",
                    _ => "Reply_buffer_too_small",
                };
                if (method.Name.StartsWith(prefix, StringComparison.Ordinal))
                    covered.Add(reason);
            }
        }
        Assert.Equal(InterfaceCounters.DropReasonCount, covered.Count);
    }
}
