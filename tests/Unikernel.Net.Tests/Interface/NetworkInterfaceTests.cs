using System.Buffers.Binary;
using Unikernel.Net.Tests.Wire;
using Unikernel.Net.Wire;
using static Unikernel.Net.Tests.Interface.InterfaceGolden;

namespace Unikernel.Net.Tests.Interface;

[Collection("Allocation")]
public class NetworkInterfaceTests
{
    private const int Ip = EthernetFrame.HeaderLength;

    [Theory]
    [InlineData("52:54:00:12:34:56", "fe80::5054:ff:fe12:3456")] // what Linux derives for QEMU's default MAC
    [InlineData("52:55:0a:00:02:02", "fe80::5055:aff:fe00:202")]
    [InlineData("00:00:5e:00:53:01", "fe80::200:5eff:fe00:5301")] // RFC 7042's documentation MAC: the U/L bit gets set
    [InlineData("02:00:00:00:00:00", "fe80::ff:fe00:0")] // and a local one gets it cleared
    public void Link_local_address_is_the_modified_EUI_64_of_the_MAC(string mac, string expected)
    {
        Assert.Equal(Golden.V6(expected), NetworkInterface.LinkLocalFromMac(Golden.Mac(mac)));
        var nic = new NetworkInterface(Golden.Mac(mac));
        Assert.Equal(Golden.V6(expected), nic.LinkLocalAddress);
        Assert.False(nic.HasIpv4Address);
    }

    [Fact]
    public void Answers_a_Linux_ARP_request_for_our_address()
    {
        var nic = NewInterface();
        byte[] reply = Run(ref nic, Golden.Bytes(Golden.ArpRequest));

        Assert.Equal(EthernetFrame.MinimumLength, reply.Length);
        Assert.True(EthernetFrame.TryParse(reply, out var ethernet, out _));
        Assert.Equal(PeerMac, ethernet.Destination);
        Assert.Equal(OurMac, ethernet.Source);
        Assert.Equal(EtherType.Arp, ethernet.EtherType);
        Assert.True(ArpPacket.TryParse(ethernet.Payload, out var arp, out _));
        Assert.Equal(ArpOperation.Reply, arp.Operation);
        Assert.Equal(OurMac, arp.SenderHardwareAddress);
        Assert.Equal(OurIpv4, arp.SenderProtocolAddress);
        Assert.Equal(PeerMac, arp.TargetHardwareAddress);
        Assert.Equal(PeerIpv4, arp.TargetProtocolAddress);
        Assert.All(reply.AsSpan(Ip + ArpPacket.Length).ToArray(), b => Assert.Equal(0, b)); // zero padding, not junk
        Assert.Equal(Golden.Bytes(
            "525400123456" + "52550a000202" + "0806" + "0001" + "0800" + "06" + "04" + "0002" +
            "52550a000202" + "0a000202" + "525400123456" + "0a00020f" + new string('0', 36)), reply);

        Assert.True(nic.TryResolve(PeerIpv4, out var learned));
        Assert.Equal(PeerMac, learned);
        Assert.Equal(1UL, nic.Counters.Received);
        Assert.Equal(1UL, nic.Counters.Replied);
    }

    [Fact]
    public void Answers_a_Linux_ping_with_an_echo_reply()
    {
        var nic = NewInterface();
        byte[] request = Golden.Bytes(Golden.Icmpv4EchoRequest);
        byte[] reply = Run(ref nic, request);

        Assert.Equal(request.Length, reply.Length);
        Assert.True(EthernetFrame.TryParse(reply, out var ethernet, out _));
        Assert.Equal(PeerMac, ethernet.Destination);
        Assert.Equal(OurMac, ethernet.Source);
        Assert.Equal(EtherType.Ipv4, ethernet.EtherType);
        Assert.True(Ipv4Packet.TryParse(ethernet.Payload, out var ip, out var error), error.ToString());
        Assert.True(InternetChecksum.Verify(reply.AsSpan(Ip, Ipv4Packet.MinimumHeaderLength)));
        Assert.Equal(OurIpv4, ip.Source);
        Assert.Equal(PeerIpv4, ip.Destination);
        Assert.Equal(IpProtocol.Icmp, ip.Protocol);
        Assert.Equal(NetworkInterface.DefaultHopLimit, ip.TimeToLive);
        Assert.Equal(0x54, ip.TotalLength);
        Assert.False(ip.IsFragment);
        Assert.True(Icmpv4Packet.TryParse(ip.Payload, out var icmp, out _));
        Assert.True(InternetChecksum.Verify(ip.Payload));
        Assert.Equal(Icmpv4Type.EchoReply, icmp.Type);
        Assert.Equal(0, icmp.Code);
        Assert.Equal(0x1c46, icmp.Identifier);
        Assert.Equal(1, icmp.SequenceNumber);
        Assert.Equal(request.AsSpan(Ip + 28).ToArray(), icmp.Payload.ToArray());
        // Only the type changed, so RFC 1624's incremental update gives the checksum: 0x86ad + 0x0800.
        Assert.Equal(0x8ead, icmp.Checksum);
    }

    [Fact]
    public void Answers_a_neighbour_solicitation_with_a_solicited_override_advertisement()
    {
        var nic = NewInterface();
        byte[] reply = Run(ref nic, Golden.Bytes(NeighborSolicitation));

        Assert.Equal(Ip + Ipv6Packet.HeaderLength + 32, reply.Length);
        Assert.True(EthernetFrame.TryParse(reply, out var ethernet, out _));
        Assert.Equal(PeerMac, ethernet.Destination); // from the source link-layer address option
        Assert.Equal(OurMac, ethernet.Source);
        Assert.Equal(EtherType.Ipv6, ethernet.EtherType);
        Assert.True(Ipv6Packet.TryParse(ethernet.Payload, out var ip, out _));
        Assert.Equal(OurLinkLocal, ip.Source);
        Assert.Equal(PeerLinkLocal, ip.Destination);
        Assert.Equal(IpProtocol.Icmpv6, ip.NextHeader);
        Assert.Equal(255, ip.HopLimit);
        Assert.Equal(32, ip.PayloadLength);
        var icmp = new Icmpv6Packet(ip.Payload);
        Assert.Equal(Icmpv6Type.NeighborAdvertisement, icmp.Type);
        Assert.Equal(0, icmp.Code);
        Assert.True(icmp.VerifyChecksum(OurLinkLocal, PeerLinkLocal));
        Assert.Equal(0xFFFF, InternetChecksum.Sum(ip.Payload,
            InternetChecksum.PseudoHeaderSum(OurLinkLocal, PeerLinkLocal, IpProtocol.Icmpv6, 32)));
        Assert.Equal(NeighborAdvertisementChecksum, icmp.Checksum);
        Assert.Equal(Golden.Bytes("60000000"), ip.Payload.Slice(4, 4).ToArray()); // S and O, not R; reserved zero
        Assert.Equal(OurLinkLocal, new Ipv6Address(ip.Payload.Slice(8)));
        Assert.Equal(Golden.Bytes("0201" + "52550a000202"), ip.Payload.Slice(24).ToArray()); // target link-layer address
        Assert.Equal(Golden.Bytes(
            "525400123456" + "52550a000202" + "86dd" + "60000000" + "0020" + "3a" + "ff" +
            "fe8000000000000050550afffe000202" + "fe800000000000005054" + "00fffe123456" +
            "88" + "00" + "815e" + "60000000" + "fe8000000000000050550afffe000202" + "0201" + "52550a000202"), reply);
    }

    [Fact]
    public void Answers_a_solicitation_sent_to_our_unicast_address()
    {
        var nic = NewInterface();
        byte[] frame = Golden.Bytes(NeighborSolicitation);
        OurMac.CopyTo(frame);
        OurLinkLocal.CopyTo(frame.AsSpan(Ip + Ipv6Packet.DestinationOffset));
        FixIcmpv6Checksum(frame);
        byte[] reply = Run(ref nic, frame);
        Assert.Equal(86, reply.Length);
        Assert.Equal(Icmpv6Packet.SolicitedFlag | Icmpv6Packet.OverrideFlag, reply[Ip + 40 + 4]);
    }

    [Fact]
    public void Answers_duplicate_address_detection_to_all_nodes_without_the_solicited_flag()
    {
        var nic = NewInterface();
        // RFC 4862 section 5.4.2: from ::, no source link-layer address option.
        byte[] frame = Golden.Bytes(NeighborSolicitation)[..(Ip + 40 + 24)];
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(Ip + Ipv6Packet.PayloadLengthOffset), 24);
        frame.AsSpan(Ip + Ipv6Packet.SourceOffset, 16).Clear();
        FixIcmpv6Checksum(frame);
        Array.Resize(ref frame, EthernetFrame.MinimumLength + 18); // padding after the packet is ignored

        byte[] reply = Run(ref nic, frame);
        Assert.True(EthernetFrame.TryParse(reply, out var ethernet, out _));
        Assert.Equal(Golden.Mac("33:33:00:00:00:01"), ethernet.Destination);
        Assert.True(Ipv6Packet.TryParse(ethernet.Payload, out var ip, out _));
        Assert.Equal(Ipv6Address.AllNodes, ip.Destination);
        var icmp = new Icmpv6Packet(ip.Payload);
        Assert.Equal(Icmpv6Packet.OverrideFlag, icmp.NeighborFlags);
        Assert.True(icmp.VerifyChecksum(OurLinkLocal, Ipv6Address.AllNodes));
    }

    [Fact]
    public void Answers_ping6_with_an_echo_reply_from_our_link_local_address()
    {
        var nic = NewInterface();
        byte[] request = Golden.Bytes(Icmpv6EchoRequest);
        byte[] reply = Run(ref nic, request);

        Assert.Equal(request.Length, reply.Length);
        Assert.True(EthernetFrame.TryParse(reply, out var ethernet, out _));
        Assert.Equal(PeerMac, ethernet.Destination);
        Assert.Equal(OurMac, ethernet.Source);
        Assert.True(Ipv6Packet.TryParse(ethernet.Payload, out var ip, out _));
        Assert.Equal(6, ip.Version);
        Assert.Equal(OurLinkLocal, ip.Source);
        Assert.Equal(PeerLinkLocal, ip.Destination);
        Assert.Equal(IpProtocol.Icmpv6, ip.NextHeader);
        Assert.Equal(NetworkInterface.DefaultHopLimit, ip.HopLimit);
        Assert.Equal(64, ip.PayloadLength);
        var icmp = new Icmpv6Packet(ip.Payload);
        Assert.Equal(Icmpv6Type.EchoReply, icmp.Type);
        Assert.Equal(0, icmp.Code);
        Assert.Equal(0x2a17, icmp.Identifier);
        Assert.Equal(3, icmp.SequenceNumber);
        Assert.Equal(request.AsSpan(Ip + 48).ToArray(), icmp.Payload.ToArray());
        Assert.True(icmp.VerifyChecksum(OurLinkLocal, PeerLinkLocal));
        Assert.Equal(Icmpv6EchoReplyChecksum, icmp.Checksum);
    }

    [Fact]
    public void Answers_ping6_to_all_nodes_from_our_unicast_address()
    {
        var nic = NewInterface();
        byte[] frame = Golden.Bytes(Icmpv6EchoRequest);
        Golden.Mac("33:33:00:00:00:01").CopyTo(frame);
        Ipv6Address.AllNodes.CopyTo(frame.AsSpan(Ip + Ipv6Packet.DestinationOffset));
        FixIcmpv6Checksum(frame);
        byte[] reply = Run(ref nic, frame);
        Assert.True(Ipv6Packet.TryParse(reply.AsSpan(Ip), out var ip, out _));
        Assert.Equal(OurLinkLocal, ip.Source);
        Assert.True(new Icmpv6Packet(ip.Payload).VerifyChecksum(OurLinkLocal, PeerLinkLocal));
    }

    [Fact]
    public void A_short_ping_reply_is_padded_with_zeros_to_the_Ethernet_minimum()
    {
        var nic = NewInterface();
        byte[] frame = Golden.Bytes(Golden.Icmpv4EchoRequest)[..(Ip + 28 + 4)];
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(Ip + Ipv4Packet.TotalLengthOffset), 32);
        FixIpv4Checksum(frame);
        FixIcmpv4Checksum(frame);
        byte[] reply = Run(ref nic, frame);
        Assert.Equal(EthernetFrame.MinimumLength, reply.Length);
        Assert.All(reply.AsSpan(Ip + 32).ToArray(), b => Assert.Equal(0, b));
    }

    [Fact]
    public void An_ARP_reply_to_us_is_learned_and_absorbed()
    {
        var nic = NewInterface();
        byte[] frame = Golden.Bytes(Golden.ArpRequest);
        var arp = new ArpPacket(frame.AsSpan(Ip));
        arp.Operation = ArpOperation.Reply;
        arp.TargetHardwareAddress = OurMac;
        OurMac.CopyTo(frame);
        Assert.Empty(Run(ref nic, frame));
        Assert.Equal(1UL, nic.Counters.Absorbed);
        Assert.True(nic.TryResolve(PeerIpv4, out var mac));
        Assert.Equal(PeerMac, mac);
    }

    [Fact]
    public void ARP_for_another_host_updates_a_known_sender_but_adds_no_one()
    {
        var nic = NewInterface();
        Run(ref nic, Golden.Bytes(Golden.ArpRequest)); // learns 10.0.2.15
        byte[] frame = Golden.Bytes(Golden.ArpRequest);
        var arp = new ArpPacket(frame.AsSpan(Ip));
        arp.TargetProtocolAddress = Golden.V4("10.0.2.3");
        arp.SenderHardwareAddress = Golden.Mac("52:54:00:00:00:99");
        Assert.Empty(Run(ref nic, frame));
        Assert.True(nic.TryResolve(PeerIpv4, out var mac));
        Assert.Equal(Golden.Mac("52:54:00:00:00:99"), mac); // merged (RFC 826)

        arp.SenderProtocolAddress = Golden.V4("10.0.2.16");
        Assert.Empty(Run(ref nic, frame));
        Assert.False(nic.TryResolve(Golden.V4("10.0.2.16"), out _)); // not added: we were not the target
        Assert.Equal(2UL, nic.Counters[DropReason.NotOurAddress]);
    }

    [Fact]
    public void An_ARP_probe_for_our_address_is_answered_but_not_learned()
    {
        var nic = NewInterface();
        byte[] frame = Golden.Bytes(Golden.ArpRequest);
        new ArpPacket(frame.AsSpan(Ip)).SenderProtocolAddress = Ipv4Address.Any;
        byte[] reply = Run(ref nic, frame);
        Assert.Equal(Ipv4Address.Any, new ArpPacket(reply.AsSpan(Ip)).TargetProtocolAddress);
        Assert.Equal(0, nic.Neighbors.Count);
    }

    [Fact]
    public void The_ARP_cache_is_bounded_and_evicts_the_oldest_entry()
    {
        var nic = NewInterface();
        byte[] frame = Golden.Bytes(Golden.ArpRequest);
        var arp = new ArpPacket(frame.AsSpan(Ip));
        for (int i = 0; i < NeighborCache.Capacity + 3; i++)
        {
            arp.SenderProtocolAddress = new Ipv4Address(10, 0, 2, (byte)(100 + i));
            arp.SenderHardwareAddress = new MacAddress(0x5254_0000_0000UL + (ulong)i);
            Assert.NotEmpty(Run(ref nic, frame));
        }
        Assert.Equal(NeighborCache.Capacity, nic.Neighbors.Count);
        for (int i = 0; i < 3; i++)
            Assert.False(nic.TryResolve(new Ipv4Address(10, 0, 2, (byte)(100 + i)), out _));
        for (int i = 3; i < NeighborCache.Capacity + 3; i++)
        {
            Assert.True(nic.TryResolve(new Ipv4Address(10, 0, 2, (byte)(100 + i)), out var mac));
            Assert.Equal(new MacAddress(0x5254_0000_0000UL + (ulong)i), mac);
        }
    }

    [Fact]
    public void Without_an_IPv4_address_ARP_and_ping_are_not_ours_but_IPv6_works()
    {
        var nic = new NetworkInterface(OurMac);
        Assert.Empty(Run(ref nic, Golden.Bytes(Golden.ArpRequest)));
        Assert.Empty(Run(ref nic, Golden.Bytes(Golden.Icmpv4EchoRequest)));
        Assert.NotEmpty(Run(ref nic, Golden.Bytes(Icmpv6EchoRequest)));
        Assert.Equal(2UL, nic.Counters[DropReason.NotOurAddress]);
    }

    [Fact]
    public void Replies_do_not_depend_on_what_was_in_the_reply_buffer()
    {
        foreach (string hex in new[] { Golden.ArpRequest, Golden.Icmpv4EchoRequest, NeighborSolicitation, Icmpv6EchoRequest })
        {
            Junk.AssertNoStaleBytes(200, buffer =>
            {
                var nic = NewInterface();
                return nic.Process(Golden.Bytes(hex), buffer);
            });
        }
    }

    [Fact]
    public void Counters_print_one_line_each_without_allocating()
    {
        var nic = NewInterface();
        Run(ref nic, Golden.Bytes(Golden.Icmpv4EchoRequest));
        Run(ref nic, new byte[5]);
        Span<byte> text = stackalloc byte[InterfaceCounters.MaxFormattedLength];
        var counters = nic.Counters;
        Assert.True(counters.TryFormat(text, out int written));
        string printed = System.Text.Encoding.ASCII.GetString(text.Slice(0, written));
        string[] lines = printed.TrimEnd('\n').Split('\n');
        Assert.Equal(InterfaceCounters.LineCount, lines.Length);
        Assert.Contains("received 2", lines);
        Assert.Contains("replied 1", lines);
        Assert.Contains("drop.malformed 1", lines);
        Assert.Contains("malformed.truncated 1", lines);
        Assert.Contains("drop.reply-buffer-too-small 0", lines);
        Assert.All(lines, line => Assert.True(line.Length < InterfaceCounters.MaxLineLength));
        Assert.False(counters.TryFormat(text.Slice(0, written - 1), out int none));
        Assert.Equal(0, none);
        Assert.False(counters.TryFormatLine(InterfaceCounters.LineCount, text, out _));

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
            counters.TryFormat(text, out _);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
