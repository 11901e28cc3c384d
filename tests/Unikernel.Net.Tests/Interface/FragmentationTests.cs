using Unikernel.Net.Wire;
using static Unikernel.Net.Tests.Interface.FragmentFrames;
using static Unikernel.Net.Tests.Interface.InterfaceGolden;
using static Unikernel.Net.Tests.Interface.TestFrames;

namespace Unikernel.Net.Tests.Interface;

/// <summary>Datagrams larger than the path MTU go out in fragments (RFC 791 section 3.2, RFC 8200 section 4.5, RFC 7739).</summary>
public class FragmentationTests
{
    private static NetworkInterface NewInterface()
    {
        var configuration = NetworkConfiguration.WithStaticIpv4(OurIpv4, 24);
        configuration.Ipv6Autoconfiguration = false;
        return new NetworkInterface(OurMac, configuration);
    }

    /// <summary>Polls, answering the neighbour solicitation or ARP request for the peer, until the fragments are out.</summary>
    private static List<byte[]> SendOut(NetworkInterface nic, bool ipv4)
    {
        var frames = PollAll(nic, 0);
        Assert.Single(frames);
        byte[] answer = ipv4 ? ArpReply(PeerIpv4, PeerMac) : NeighborAdvertisement(PeerLinkLocal, OurLinkLocal, PeerLinkLocal, PeerMac,
            (byte)(Icmpv6Packet.SolicitedFlag | Icmpv6Packet.OverrideFlag));
        Run(ref nic, answer);
        frames = PollAll(nic, 1);
        foreach (byte[] frame in frames)
            Assert.Equal(PeerMac, new MacAddress(frame));
        return frames;
    }

    [Fact]
    public void A_large_UDP_datagram_over_IPv6_goes_out_in_fragments_of_8_byte_multiples()
    {
        var nic = NewInterface();
        Assert.True(nic.Udp.TryBind(7, out UdpHandle socket));
        byte[] payload = Pattern(8000);
        Assert.Equal(UdpSendResult.Queued, nic.Udp.Send(socket, new IpEndpoint(PeerLinkLocal, 40000), payload));
        Assert.Equal(UdpSendResult.QueueFull, nic.Udp.Send(socket, new IpEndpoint(PeerLinkLocal, 40000), payload));

        var frames = SendOut(nic, ipv4: false);
        Assert.Equal(6, frames.Count);
        byte[] message = Reassemble6(frames, out var upper, out _, out var source, out var destination);
        Assert.Equal(IpProtocol.Udp, upper);
        Assert.True(UdpDatagram.TryParse(message, out var udp, out _));
        Assert.True(udp.VerifyChecksum(source, destination));
        Assert.Equal(payload, udp.Payload.ToArray());
        Assert.Equal(UdpSendResult.Queued, nic.Udp.Send(socket, new IpEndpoint(PeerLinkLocal, 40000), payload));
    }

    /// <summary>The peer, as a router, says 1280 bytes about a 1,500-byte UDP datagram we sent it (RFC 4443 section 3.2).</summary>
    private static void LowerPathToPeer(NetworkInterface nic)
    {
        const int Quoted = Ipv6Packet.MinimumMtu - Ipv6Packet.HeaderLength - Icmpv6Packet.MinimumLength;
        byte[] sent = TestFrames.Udp6(OurLinkLocal, PeerLinkLocal, 7, 40000, new byte[1452])[EthernetFrame.HeaderLength..];
        byte[] body = new byte[sizeof(uint) + Quoted];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(body, Ipv6Packet.MinimumMtu);
        sent.AsSpan(0, Quoted).CopyTo(body.AsSpan(sizeof(uint)));
        Assert.Empty(Run(ref nic, Icmp6(PeerLinkLocal, OurLinkLocal, Icmpv6Type.PacketTooBig, body, hopLimit: 64)));
        Assert.Equal(Ipv6Packet.MinimumMtu, nic.PathMtu(PeerLinkLocal));
    }

    [Fact]
    public void After_Packet_Too_Big_an_echo_reply_that_fit_the_link_leaves_in_fragments_of_the_new_size()
    {
        var nic = NewInterface();
        Run(ref nic, NeighborAdvertisement(PeerLinkLocal, OurLinkLocal, PeerLinkLocal, PeerMac,
            (byte)(Icmpv6Packet.SolicitedFlag | Icmpv6Packet.OverrideFlag)));
        LowerPathToPeer(nic);
        byte[] request = EchoRequest6(PeerLinkLocal, OurLinkLocal, 1400);
        byte[] frame = new byte[EthernetFrame.HeaderLength + Ipv6Packet.HeaderLength + request.Length];
        EthernetFrame.Emit(frame, OurMac, PeerMac, EtherType.Ipv6);
        var ip = Ipv6Packet.Emit(frame.AsSpan(EthernetFrame.HeaderLength), PeerLinkLocal, OurLinkLocal, IpProtocol.Icmpv6, request.Length, 64);
        request.CopyTo(ip.Payload);

        var frames = new List<byte[]> { Run(ref nic, frame) };
        frames.AddRange(PollAll(nic, 0));
        Assert.Equal(2, frames.Count);
        foreach (byte[] sent in frames)
            Assert.True(sent.Length - EthernetFrame.HeaderLength <= Ipv6Packet.MinimumMtu);
        byte[] reply = Reassemble6(frames, out var upper, out _, out _, out _);
        Assert.Equal(IpProtocol.Icmpv6, upper);
        Assert.Equal(Icmpv6Type.EchoReply, new Icmpv6Packet(reply).Type);
        Assert.Equal(request.AsSpan(4).ToArray(), reply.AsSpan(4).ToArray());
    }

    [Fact]
    public void After_Packet_Too_Big_a_UDP_datagram_to_that_destination_leaves_in_fragments_of_the_new_size()
    {
        // RFC 8201 section 4: the lowered path MTU applies to the next datagram; RFC 8200 section
        // 4.5: the source fragments to it. 1,400 bytes fit the 1500-byte link but not 1280.
        var nic = NewInterface();
        Assert.True(nic.Udp.TryBind(7, out UdpHandle socket));
        LowerPathToPeer(nic);

        byte[] payload = Pattern(1400);
        Assert.Equal(UdpSendResult.Queued, nic.Udp.Send(socket, new IpEndpoint(PeerLinkLocal, 40000), payload));
        var frames = SendOut(nic, ipv4: false);
        Assert.Equal(2, frames.Count);
        foreach (byte[] frame in frames)
            Assert.True(frame.Length - EthernetFrame.HeaderLength <= Ipv6Packet.MinimumMtu);
        byte[] message = Reassemble6(frames, out var upper, out _, out var source, out var destination);
        Assert.Equal(IpProtocol.Udp, upper);
        Assert.True(UdpDatagram.TryParse(message, out var udp, out _));
        Assert.True(udp.VerifyChecksum(source, destination));
        Assert.Equal(payload, udp.Payload.ToArray());
    }

    [Fact]
    public void A_large_UDP_datagram_over_IPv4_goes_out_with_DF_clear()
    {
        var nic = NewInterface();
        Assert.True(nic.Udp.TryBind(7, out UdpHandle socket));
        byte[] payload = Pattern(8000);
        Assert.Equal(UdpSendResult.Queued, nic.Udp.Send(socket, new IpEndpoint(PeerIpv4, 40000), payload));

        byte[] message = Reassemble4(SendOut(nic, ipv4: true), out var protocol, out _);
        Assert.Equal(IpProtocol.Udp, protocol);
        Assert.True(UdpDatagram.TryParse(message, out var udp, out _));
        Assert.True(udp.VerifyChecksum(OurIpv4, PeerIpv4));
        Assert.Equal(payload, udp.Payload.ToArray());
    }

    [Fact]
    public void Each_datagram_gets_a_fresh_identification_not_a_plain_count()
    {
        var nic = NewInterface();
        Assert.True(nic.Udp.TryBind(7, out UdpHandle socket));
        Run(ref nic, NeighborAdvertisement(PeerLinkLocal, OurLinkLocal, PeerLinkLocal, PeerMac, Icmpv6Packet.OverrideFlag));
        var identifications = new List<uint>();
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(UdpSendResult.Queued, nic.Udp.Send(socket, new IpEndpoint(PeerLinkLocal, 40000), new byte[3000]));
            var frames = PollAll(nic, i);
            if (frames.Count == 1)
            {
                Run(ref nic, NeighborAdvertisement(PeerLinkLocal, OurLinkLocal, PeerLinkLocal, PeerMac,
                    (byte)(Icmpv6Packet.SolicitedFlag | Icmpv6Packet.OverrideFlag)));
                frames = PollAll(nic, i);
            }
            Reassemble6(frames, out _, out uint identification, out _, out _);
            identifications.Add(identification);
        }
        Assert.Equal(4, identifications.Distinct().Count());
        // RFC 7739: not the bare counter an off-path attacker would guess.
        Assert.DoesNotContain(1U, identifications);
        Assert.DoesNotContain(0U, identifications);
    }

    [Fact]
    public void A_datagram_beyond_the_largest_or_the_IP_length_field_is_refused()
    {
        var nic = NewInterface();
        Assert.True(nic.Udp.TryBind(7, out UdpHandle socket));
        Run(ref nic, ArpReply(PeerIpv4, PeerMac));
        Assert.Equal(UdpSendResult.TooLarge, nic.Udp.Send(socket, new IpEndpoint(PeerIpv4, 1), new byte[65_508]));
        Assert.Equal(UdpSendResult.Queued, nic.Udp.Send(socket, new IpEndpoint(PeerIpv4, 1), new byte[65_507]));
        Assert.Equal(45, PollAll(nic, 0).Count);

        var configuration = NetworkConfiguration.WithStaticIpv4(OurIpv4, 24);
        configuration.LargestDatagram = 0;
        var small = new NetworkInterface(OurMac, configuration);
        Assert.True(small.Udp.TryBind(7, out socket));
        Assert.Equal(UdpSendResult.TooLarge, small.Udp.Send(socket, new IpEndpoint(PeerLinkLocal, 1), new byte[1500]));
    }

    [Fact]
    public void A_next_hop_that_never_answers_loses_the_datagram_counted()
    {
        var nic = NewInterface();
        Assert.True(nic.Udp.TryBind(7, out UdpHandle socket));
        Assert.Equal(UdpSendResult.Queued, nic.Udp.Send(socket, new IpEndpoint(PeerLinkLocal, 1), new byte[5000]));
        for (long now = 0; now < 10_000; now += 500)
            PollAll(nic, now);
        Assert.Equal(1UL, nic.Counters[SendDropReason.Unresolved]);
        Assert.Equal(UdpSendResult.Queued, nic.Udp.Send(socket, new IpEndpoint(PeerLinkLocal, 1), new byte[5000]));
    }
}
