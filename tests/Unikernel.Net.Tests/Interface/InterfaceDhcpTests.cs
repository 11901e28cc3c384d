using Unikernel.Net.Dhcp;
using Unikernel.Net.Tests.Dhcp;
using Unikernel.Net.Tests.Wire;
using Unikernel.Net.Wire;
using static Unikernel.Net.Tests.Interface.InterfaceGolden;
using static Unikernel.Net.Tests.Interface.TestFrames;

namespace Unikernel.Net.Tests.Interface;

/// <summary>The DHCP client inside the interface: the frames it sends, the address it takes, renews and loses.</summary>
public class InterfaceDhcpTests
{
    private static readonly Ipv4Address Server = Golden.V4("169.254.77.1");
    private static readonly Ipv4Address Leased = Golden.V4("169.254.77.50");
    private static readonly MacAddress ServerMac = Golden.Mac("52:54:00:00:00:01");

    private static NetworkInterface NewDhcpInterface()
    {
        var configuration = NetworkConfiguration.Default;
        configuration.Dhcp = true;
        configuration.Ipv6Autoconfiguration = false;
        configuration.Seed = 7;
        return new NetworkInterface(OurMac, configuration);
    }

    /// <summary>What a DHCP frame we sent says, read through the views.</summary>
    private sealed record Sent(MacAddress To, Ipv4Address Source, Ipv4Address Destination, DhcpMessageType Type, uint Xid,
        Ipv4Address ClientAddress);

    private static Sent Dhcp(byte[] frame)
    {
        Assert.True(EthernetFrame.TryParse(frame, out var ethernet, out _));
        Assert.True(Ipv4Packet.TryParse(ethernet.Payload, out var ip, out _));
        Assert.True(UdpDatagram.TryParse(ip.Payload, out var udp, out _));
        Assert.True(udp.VerifyChecksum(ip.Source, ip.Destination));
        Assert.Equal(DhcpClient.ClientPort, udp.SourcePort);
        Assert.Equal(DhcpClient.ServerPort, udp.DestinationPort);
        Assert.True(DhcpMessage.TryParse(udp.Payload, out var message, out _));
        Assert.True(message.TryGetMessageType(out var type));
        return new Sent(ethernet.Destination, ip.Source, ip.Destination, type, message.TransactionId, message.ClientAddress);
    }

    private static byte[] FromServer(DhcpMessageType type, uint xid, uint lease = 120, uint t1 = 8, uint t2 = 14,
        params (byte, byte[])[] more)
    {
        byte[] payload = DhcpGolden.Reply(type, xid, OurMac, type == DhcpMessageType.Nak ? Ipv4Address.Any : Leased,
            [DhcpGolden.Address(54, Server),
            (51, BigEndian(lease)), (58, BigEndian(t1)), (59, BigEndian(t2)),
            DhcpGolden.Address(1, Golden.V4("255.255.255.0")), .. more]);
        return Udp4(Server, Leased, DhcpClient.ServerPort, DhcpClient.ClientPort, payload, OurMac) is var frame
            ? WithSourceMac(frame, ServerMac) : null!;
    }

    private static byte[] BigEndian(uint value) => [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];

    private static byte[] WithSourceMac(byte[] frame, MacAddress mac)
    {
        mac.CopyTo(frame.AsSpan(EthernetFrame.SourceOffset));
        return frame;
    }

    [Fact]
    public void Discover_offer_request_ack_gives_the_interface_its_address_and_a_leased_event()
    {
        var nic = NewDhcpInterface();
        Assert.False(nic.HasIpv4Address);
        var discover = Dhcp(Assert.Single(PollAll(nic, 0)));
        Assert.Equal(MacAddress.Broadcast, discover.To);
        Assert.Equal(Ipv4Address.Any, discover.Source);
        Assert.Equal(Ipv4Address.Broadcast, discover.Destination);
        Assert.Equal(DhcpMessageType.Discover, discover.Type);

        Assert.Empty(Run(ref nic, FromServer(DhcpMessageType.Offer, discover.Xid)));
        var request = Dhcp(Assert.Single(PollAll(nic, 10)));
        Assert.Equal(DhcpMessageType.Request, request.Type);

        Assert.Empty(Run(ref nic, FromServer(DhcpMessageType.Ack, request.Xid)));
        Assert.Equal(Leased, nic.Ipv4Address);
        Assert.Equal(24, nic.Ipv4PrefixLength);
        Assert.True(nic.TryTakeEvent(out var change));
        Assert.Equal(InterfaceEventKind.Ipv4Leased, change.Kind);
        Assert.Equal(Leased, change.Address.MappedIpv4);
        Assert.Equal(Server, change.From.MappedIpv4);
        Assert.Equal(120, change.LifetimeSeconds);

        // The address answers ping now.
        byte[] ping = Golden.Bytes(Golden.Icmpv4EchoRequest);
        OurMac.CopyTo(ping);
        Leased.CopyTo(ping.AsSpan(EthernetFrame.HeaderLength + Ipv4Packet.DestinationOffset));
        FixIpv4Checksum(ping);
        Assert.NotEmpty(Run(ref nic, ping));
    }

    [Fact]
    public void Dns_servers_and_domain_of_the_ack_are_learnt_for_the_lease_and_forgotten_with_it()
    {
        var nic = NewDhcpInterface();
        var discover = Dhcp(Assert.Single(PollAll(nic, 0)));
        Run(ref nic, FromServer(DhcpMessageType.Offer, discover.Xid));
        var request = Dhcp(Assert.Single(PollAll(nic, 10)));
        // Option 6: two servers (a third would be ignored); option 15: "lan.test".
        byte[] servers = [169, 254, 77, 1, 169, 254, 77, 2, 169, 254, 77, 3];
        Run(ref nic, FromServer(DhcpMessageType.Ack, request.Xid, more: [(6, servers), (15, "lan.test"u8.ToArray())]));
        Assert.Equal(2, nic.Dns.ServerCount);
        Assert.True(nic.Dns.Servers.TryGet(0, nic.Now, out var first, out var origin));
        Assert.Equal(Ipv6Address.MapIpv4(Server), first);
        Assert.Equal(DnsServerOrigin.Dhcp, origin);
        Assert.True(nic.Dns.SearchDomains.TryGet(0, nic.Now, out var domain));
        Assert.Equal("036c616e047465737400", Convert.ToHexString(domain).ToLowerInvariant());
        var kinds = new List<InterfaceEventKind>();
        while (nic.TryTakeEvent(out var change))
        {
            kinds.Add(change.Kind);
            if (change.Kind == InterfaceEventKind.DnsServerLearnt)
            {
                Assert.Equal(Server, change.From.MappedIpv4);
                Assert.Equal(120, change.LifetimeSeconds);
            }
        }
        Assert.Equal([InterfaceEventKind.Ipv4Leased, InterfaceEventKind.DnsServerLearnt, InterfaceEventKind.DnsServerLearnt], kinds);

        // A NAK at renewal takes the address and its servers away.
        var renewal = Dhcp(Assert.Single(PollAll(nic, 8_100)));
        Run(ref nic, FromServer(DhcpMessageType.Nak, renewal.Xid));
        Assert.Equal(0, nic.Dns.ServerCount);
    }

    [Fact]
    public void Requests_ask_for_dns_servers_and_the_domain_name()
    {
        var nic = NewDhcpInterface();
        byte[] frame = Assert.Single(PollAll(nic, 0));
        Assert.True(EthernetFrame.TryParse(frame, out var ethernet, out _));
        Assert.True(Ipv4Packet.TryParse(ethernet.Payload, out var ip, out _));
        Assert.True(UdpDatagram.TryParse(ip.Payload, out var udp, out _));
        Assert.True(DhcpMessage.TryParse(udp.Payload, out var message, out _));
        Assert.True(message.TryGetOption(DhcpOptionCode.ParameterRequestList, out var list));
        Assert.Contains((byte)DhcpOptionCode.DomainNameServer, list.ToArray());
        Assert.Contains((byte)DhcpOptionCode.DomainName, list.ToArray());
    }

    /// <summary>An interface with conflict detection that went through DISCOVER, OFFER, REQUEST, ACK: now probing.</summary>
    private static NetworkInterface Probing()
    {
        var configuration = NetworkConfiguration.Default;
        configuration.Dhcp = true;
        configuration.DhcpConflictDetection = true;
        configuration.Ipv6Autoconfiguration = false;
        configuration.Seed = 7;
        var nic = new NetworkInterface(OurMac, configuration);
        var discover = Dhcp(Assert.Single(PollAll(nic, 0)));
        Run(ref nic, FromServer(DhcpMessageType.Offer, discover.Xid));
        var request = Dhcp(Assert.Single(PollAll(nic, 10)));
        Assert.Empty(Run(ref nic, FromServer(DhcpMessageType.Ack, request.Xid)));
        Assert.False(nic.HasIpv4Address);
        Assert.False(nic.TryTakeEvent(out _));
        return nic;
    }

    private static ArpPacket Arp(byte[] frame)
    {
        Assert.True(EthernetFrame.TryParse(frame, out var ethernet, out _));
        Assert.Equal(EtherType.Arp, ethernet.EtherType);
        Assert.Equal(MacAddress.Broadcast, ethernet.Destination);
        Assert.True(ArpPacket.TryParse(ethernet.Payload, out var arp, out _));
        Assert.Equal(ArpOperation.Request, arp.Operation);
        Assert.Equal(OurMac, arp.SenderHardwareAddress);
        Assert.Equal(MacAddress.Zero, arp.TargetHardwareAddress);
        return arp;
    }

    [Fact]
    public void With_conflict_detection_the_acked_address_is_probed_from_0_0_0_0_then_leased_and_announced()
    {
        var nic = Probing();
        var frames = new List<byte[]>();
        for (long now = 10; now < 10_000 && !nic.HasIpv4Address; now += 100)
            frames.AddRange(PollAll(nic, now));
        Assert.True(nic.HasIpv4Address);
        Assert.Equal(Leased, nic.Ipv4Address);
        Assert.Equal(DhcpClient.ProbeCount + 1, frames.Count);
        foreach (byte[] probe in frames.Take(DhcpClient.ProbeCount))
        {
            var arp = Arp(probe);
            Assert.Equal(Ipv4Address.Any, arp.SenderProtocolAddress);
            Assert.Equal(Leased, arp.TargetProtocolAddress);
        }
        var announcement = Arp(frames[^1]);
        Assert.Equal(Leased, announcement.SenderProtocolAddress);
        Assert.Equal(Leased, announcement.TargetProtocolAddress);
        Assert.True(nic.TryTakeEvent(out var change));
        Assert.Equal(InterfaceEventKind.Ipv4Leased, change.Kind);
    }

    [Fact]
    public void An_arp_reply_for_the_probed_address_declines_it_and_a_discover_follows_ten_seconds_later()
    {
        var nic = Probing();
        var probe = Arp(Assert.Single(PollAll(nic, 1010)));
        Assert.Equal(Leased, probe.TargetProtocolAddress);
        // The address's owner answers the probe (RFC 5227 section 2.1.1: a reply with it as sender).
        byte[] answer = new byte[EthernetFrame.MinimumLength];
        EthernetFrame.Emit(answer, OurMac, PeerMac, EtherType.Arp);
        ArpPacket.Emit(answer.AsSpan(EthernetFrame.HeaderLength), ArpOperation.Reply, PeerMac, Leased, OurMac, Ipv4Address.Any);
        Assert.Empty(Run(ref nic, answer));
        var decline = Dhcp(Assert.Single(PollAll(nic, 1100)));
        Assert.Equal(DhcpMessageType.Decline, decline.Type);
        Assert.Equal(Ipv4Address.Any, decline.Source);
        Assert.Equal(Ipv4Address.Broadcast, decline.Destination);
        Assert.True(nic.TryTakeEvent(out var change));
        Assert.Equal(InterfaceEventKind.Ipv4Declined, change.Kind);
        Assert.Equal(Leased, change.Address.MappedIpv4);
        Assert.False(nic.HasIpv4Address);
        Assert.Empty(PollAll(nic, 1100 + DhcpClient.DeclineRestartDelayMilliseconds - 1));
        Assert.Equal(DhcpMessageType.Discover, Dhcp(Assert.Single(PollAll(nic, 1100 + DhcpClient.DeclineRestartDelayMilliseconds))).Type);
    }

    [Fact]
    public void Another_hosts_probe_for_the_same_address_is_a_conflict_too()
    {
        var nic = Probing();
        byte[] theirs = new byte[EthernetFrame.MinimumLength];
        EthernetFrame.Emit(theirs, MacAddress.Broadcast, PeerMac, EtherType.Arp);
        ArpPacket.Emit(theirs.AsSpan(EthernetFrame.HeaderLength), ArpOperation.Request, PeerMac, Ipv4Address.Any, MacAddress.Zero, Leased);
        Run(ref nic, theirs);
        Assert.Equal(DhcpMessageType.Decline, Dhcp(Assert.Single(PollAll(nic, 20))).Type);
    }

    [Fact]
    public void Last_address_in_the_configuration_starts_with_an_init_reboot_request()
    {
        var configuration = NetworkConfiguration.Default;
        configuration.Dhcp = true;
        configuration.DhcpLastAddress = Leased;
        configuration.Ipv6Autoconfiguration = false;
        var nic = new NetworkInterface(OurMac, configuration);
        byte[] frame = Assert.Single(PollAll(nic, 0));
        var request = Dhcp(frame);
        Assert.Equal(DhcpMessageType.Request, request.Type);
        Assert.Equal(Ipv4Address.Broadcast, request.Destination);
        Run(ref nic, FromServer(DhcpMessageType.Ack, request.Xid));
        Assert.Equal(Leased, nic.Ipv4Address);
    }

    [Fact]
    public void Releasing_the_lease_sends_a_release_to_the_server_and_drops_the_address()
    {
        var nic = Bound();
        nic.ReleaseDhcpLease();
        var release = Dhcp(Assert.Single(PollAll(nic, 1000)));
        Assert.Equal(DhcpMessageType.Release, release.Type);
        Assert.Equal(ServerMac, release.To);
        Assert.Equal(Leased, release.Source);
        Assert.Equal(Server, release.Destination);
        Assert.Equal(Leased, release.ClientAddress);
        Assert.False(nic.HasIpv4Address);
        Assert.True(nic.TryTakeEvent(out var change));
        Assert.Equal(InterfaceEventKind.Ipv4Lost, change.Kind);
        Assert.Empty(PollAll(nic, 200_000));
    }

    /// <summary>An interface that went through DISCOVER, OFFER, REQUEST, ACK at 0 and 10 ms.</summary>
    private static NetworkInterface Bound()
    {
        var nic = NewDhcpInterface();
        var discover = Dhcp(Assert.Single(PollAll(nic, 0)));
        Run(ref nic, FromServer(DhcpMessageType.Offer, discover.Xid));
        var request = Dhcp(Assert.Single(PollAll(nic, 10)));
        Run(ref nic, FromServer(DhcpMessageType.Ack, request.Xid));
        nic.TryTakeEvent(out _);
        return nic;
    }

    [Fact]
    public void At_t1_the_lease_is_renewed_by_unicast_to_the_server_without_arp()
    {
        var nic = Bound();

        Assert.Empty(PollAll(nic, 7_000));
        var renewal = Dhcp(Assert.Single(PollAll(nic, 8_100)));
        Assert.Equal(ServerMac, renewal.To); // learned from the ACK: no ARP before renewing
        Assert.Equal(Leased, renewal.Source);
        Assert.Equal(Server, renewal.Destination);
        Assert.Equal(Leased, renewal.ClientAddress);

        Run(ref nic, FromServer(DhcpMessageType.Ack, renewal.Xid));
        Assert.True(nic.TryTakeEvent(out var change));
        Assert.Equal(InterfaceEventKind.Ipv4Renewed, change.Kind);
    }

    [Fact]
    public void Nak_takes_the_address_away_and_reports_it()
    {
        var nic = Bound();
        var renewal = Dhcp(Assert.Single(PollAll(nic, 8_100)));
        Run(ref nic, FromServer(DhcpMessageType.Nak, renewal.Xid));
        Assert.False(nic.HasIpv4Address);
        Assert.True(nic.TryTakeEvent(out var change));
        Assert.Equal(InterfaceEventKind.Ipv4Lost, change.Kind);
    }

    [Fact]
    public void Lease_that_runs_out_without_an_answer_is_lost()
    {
        var nic = Bound();
        for (long now = 8_000; now <= 121_000; now += 1_000)
            PollAll(nic, now);
        Assert.False(nic.HasIpv4Address);
        Assert.True(nic.TryTakeEvent(out var change));
        Assert.Equal(InterfaceEventKind.Ipv4Lost, change.Kind);
    }
}
