using System.Text;
using Unikernel.Net.Tests.Wire;
using Unikernel.Net.Wire;
using static Unikernel.Net.Tests.Interface.InterfaceGolden;
using static Unikernel.Net.Tests.Interface.TestFrames;

namespace Unikernel.Net.Tests.Interface;

/// <summary>UDP sockets over both families, port unreachable, and the transmit path through address resolution.</summary>
public class InterfaceUdpTests
{
    private static readonly byte[] Hello = Encoding.ASCII.GetBytes("hello\n");

    [Fact]
    public void Datagram_to_a_bound_port_is_queued_with_its_sender_for_both_families()
    {
        var nic = NewInterface();
        Assert.True(nic.Udp.TryBind(7, out UdpHandle socket));
        Assert.Empty(Run(ref nic, Udp4(PeerIpv4, OurIpv4, 40000, 7, Hello)));
        Assert.Empty(Run(ref nic, Udp6(PeerLinkLocal, OurLinkLocal, 40001, 7, Hello)));
        Assert.Equal(2UL, nic.Counters.Absorbed);

        byte[] buffer = new byte[100];
        Assert.True(nic.Udp.TryReceive(socket, buffer, out int length, out var remote, out var local));
        Assert.Equal(Hello, buffer[..length]);
        Assert.Equal(new IpEndpoint(PeerIpv4, 40000), remote);
        Assert.Equal(Ipv6Address.MapIpv4(OurIpv4), local);
        Assert.True(nic.Udp.TryReceive(socket, buffer, out length, out remote, out local));
        Assert.Equal(new IpEndpoint(PeerLinkLocal, 40001), remote);
        Assert.Equal(OurLinkLocal, local);
        Assert.False(nic.Udp.TryReceive(socket, buffer, out _, out _, out _));
    }

    [Fact]
    public void Full_socket_queue_drops_and_counts_without_losing_what_is_queued()
    {
        var configuration = NetworkConfiguration.WithStaticIpv4(OurIpv4, 24);
        configuration.UdpQueueDepth = 2;
        var nic = new NetworkInterface(OurMac, configuration);
        Assert.True(nic.Udp.TryBind(7, out UdpHandle socket));
        for (int i = 0; i < 3; i++)
            nic.Process(Udp4(PeerIpv4, OurIpv4, (ushort)(40000 + i), 7, Hello), new byte[1600]);
        Assert.Equal(1UL, nic.Counters[DropReason.QueueFull]);
        byte[] buffer = new byte[100];
        Assert.True(nic.Udp.TryReceive(socket, buffer, out _, out var first, out _));
        Assert.Equal(40000, first.Port);
        Assert.True(nic.Udp.TryReceive(socket, buffer, out _, out var second, out _));
        Assert.Equal(40001, second.Port);
    }

    [Fact]
    public void Closed_ipv4_port_is_answered_with_port_unreachable_quoting_the_datagram()
    {
        var nic = NewInterface();
        byte[] frame = Udp4(PeerIpv4, OurIpv4, 40000, 9, Hello);
        byte[] reply = Run(ref nic, frame);
        Assert.True(EthernetFrame.TryParse(reply, out var ethernet, out _));
        Assert.Equal(PeerMac, ethernet.Destination);
        Assert.True(Ipv4Packet.TryParse(ethernet.Payload, out var ip, out _));
        Assert.Equal(PeerIpv4, ip.Destination);
        Assert.True(Icmpv4Packet.TryParse(ip.Payload, out var icmp, out _));
        Assert.True(icmp.VerifyChecksum());
        Assert.Equal(Icmpv4Type.DestinationUnreachable, icmp.Type);
        Assert.Equal(3, icmp.Code);
        int quoted = Ipv4Packet.MinimumHeaderLength + UdpDatagram.HeaderLength + Hello.Length;
        Assert.Equal(frame.AsSpan(EthernetFrame.HeaderLength, quoted).ToArray(), icmp.Payload.ToArray());
    }

    [Fact]
    public void Closed_ipv6_port_is_answered_with_destination_unreachable_code_4()
    {
        var nic = NewInterface();
        byte[] reply = Run(ref nic, Udp6(PeerLinkLocal, OurLinkLocal, 40000, 9, Hello));
        var icmp = Icmpv6Of(reply);
        Assert.Equal(Icmpv6Type.DestinationUnreachable, icmp.Type);
        Assert.Equal(4, icmp.Code);
        Assert.Equal(OurLinkLocal, Ipv6Of(reply).Source);
        Assert.Equal(PeerLinkLocal, Ipv6Of(reply).Destination);
    }

    [Fact]
    public void Port_unreachable_is_rate_limited_to_a_burst_of_ten_then_ten_a_second()
    {
        var nic = NewInterface();
        byte[] buffer = new byte[TransmitQueue.SlotSize];
        nic.Poll(0, buffer);
        byte[] frame = Udp4(PeerIpv4, OurIpv4, 40000, 9, Hello);
        int answered = 0;
        for (int i = 0; i < 50; i++)
            answered += Run(ref nic, frame).Length > 0 ? 1 : 0;
        Assert.Equal(10, answered);
        Assert.Equal(40UL, nic.Counters[DropReason.ClosedPort]);
        nic.Poll(1_000, buffer);
        answered = 0;
        for (int i = 0; i < 50; i++)
            answered += Run(ref nic, frame).Length > 0 ? 1 : 0;
        Assert.Equal(10, answered);
    }

    [Fact]
    public void Closed_port_reached_by_broadcast_gets_no_error()
    {
        var nic = NewInterface();
        Assert.Empty(Run(ref nic, Udp4(PeerIpv4, Ipv4Address.Broadcast, 40000, 9, Hello, MacAddress.Broadcast)));
        Assert.Equal(1UL, nic.Counters[DropReason.ClosedPort]);
    }

    [Fact]
    public void Unknown_next_header_to_our_address_gets_a_parameter_problem_pointing_at_it()
    {
        var nic = NewInterface();
        byte[] frame = Udp6(PeerLinkLocal, OurLinkLocal, 40000, 7, Hello);
        frame[EthernetFrame.HeaderLength + Ipv6Packet.NextHeaderOffset] = 47;
        var icmp = Icmpv6Of(Run(ref nic, frame));
        Assert.Equal(Icmpv6Type.ParameterProblem, icmp.Type);
        Assert.Equal(1, icmp.Code);
        Assert.Equal((uint)Ipv6Packet.NextHeaderOffset, icmp.Pointer);
    }

    [Fact]
    public void Sending_to_an_unresolved_ipv4_neighbor_arps_first_then_sends_after_the_reply()
    {
        var nic = NewInterface();
        Assert.True(nic.Udp.TryBind(7, out UdpHandle socket));
        Assert.Equal(UdpSendResult.Queued, nic.Udp.Send(socket, new IpEndpoint(PeerIpv4, 40000), Hello));
        var frames = PollAll(nic, 0);
        byte[] arpFrame = Assert.Single(frames);
        Assert.True(EthernetFrame.TryParse(arpFrame, out var ethernet, out _));
        Assert.Equal(MacAddress.Broadcast, ethernet.Destination);
        Assert.True(ArpPacket.TryParse(ethernet.Payload, out var arp, out _));
        Assert.Equal(ArpOperation.Request, arp.Operation);
        Assert.Equal(PeerIpv4, arp.TargetProtocolAddress);

        Run(ref nic, ArpReply(PeerIpv4, PeerMac));
        byte[] datagram = Assert.Single(PollAll(nic, 10));
        Assert.True(EthernetFrame.TryParse(datagram, out ethernet, out _));
        Assert.Equal(PeerMac, ethernet.Destination);
        Assert.True(Ipv4Packet.TryParse(ethernet.Payload, out var ip, out _));
        Assert.True(UdpDatagram.TryParse(ip.Payload, out var udp, out _));
        Assert.True(udp.VerifyChecksum(ip.Source, ip.Destination));
        Assert.Equal(OurIpv4, ip.Source);
        Assert.Equal((ushort)7, udp.SourcePort);
        Assert.Equal((ushort)40000, udp.DestinationPort);
        Assert.Equal(Hello, udp.Payload.ToArray());
        Assert.Equal(2UL, nic.Counters.Sent); // the ARP request, then the datagram
    }

    [Fact]
    public void Sending_to_a_silent_ipv6_neighbor_solicits_three_times_then_drops_and_counts()
    {
        var nic = NewInterface();
        Assert.True(nic.Udp.TryBind(7, out UdpHandle socket));
        Assert.Equal(UdpSendResult.Queued, nic.Udp.Send(socket, new IpEndpoint(PeerLinkLocal, 40000), Hello));
        int solicitations = 0;
        for (long now = 0; now <= 4_000; now += 250)
        {
            foreach (byte[] frame in PollAll(nic, now))
            {
                var icmp = Icmpv6Of(frame);
                Assert.Equal(Icmpv6Type.NeighborSolicitation, icmp.Type);
                Assert.Equal(PeerLinkLocal.SolicitedNode, Ipv6Of(frame).Destination);
                solicitations++;
            }
        }
        Assert.Equal(3, solicitations);
        Assert.Equal(1UL, nic.Counters[SendDropReason.Unresolved]);
    }

    [Fact]
    public void Send_refuses_what_it_cannot_send_with_a_reason()
    {
        var nic = new NetworkInterface(OurMac);
        Assert.Equal(UdpSendResult.NotBound, nic.Udp.Send(UdpHandle.None, new IpEndpoint(PeerLinkLocal, 1), Hello));
        Assert.True(nic.Udp.TryBind(7, out UdpHandle socket));
        Assert.False(nic.Udp.TryBind(7, out _));
        Assert.Equal(UdpSendResult.NoSourceAddress, nic.Udp.Send(socket, new IpEndpoint(PeerIpv4, 1), Hello));
        Assert.Equal(UdpSendResult.NoSourceAddress, nic.Udp.Send(socket, new IpEndpoint(Golden.V6("fd00::1"), 1), Hello));
        Assert.Equal(UdpSendResult.TooLarge, nic.Udp.Send(socket, new IpEndpoint(PeerLinkLocal, 1), new byte[65_528]));
    }
}
