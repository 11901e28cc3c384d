using Unikernel.Net.Tests.Wire;
using Unikernel.Net.Wire;
using static Unikernel.Net.Tests.Interface.InterfaceGolden;

namespace Unikernel.Net.Tests.Interface;

/// <summary>
/// Frames from the peer of <see cref="InterfaceGolden"/> built with the wire views, for the
/// interface's behaviour tests (the views themselves are checked against golden bytes elsewhere).
/// </summary>
internal static class TestFrames
{
    public static readonly Ipv6Address Prefix = Golden.V6("fd00:77::");
    public static readonly Ipv6Address RouterLinkLocal = Golden.V6("fe80::1");
    public static readonly MacAddress RouterMac = Golden.Mac("52:54:00:00:00:01");

    /// <summary>Our SLAAC address in <see cref="Prefix"/>: the prefix and our modified EUI-64 identifier.</summary>
    public static Ipv6Address OurGlobal => new Ipv6Address(Prefix.High, OurLinkLocal.Low);

    public static byte[] Udp4(Ipv4Address source, Ipv4Address destination, ushort sourcePort, ushort destinationPort, byte[] payload,
        MacAddress? to = null)
    {
        int udpLength = UdpDatagram.HeaderLength + payload.Length;
        byte[] frame = new byte[Math.Max(EthernetFrame.MinimumLength, EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength + udpLength)];
        EthernetFrame.Emit(frame, to ?? OurMac, PeerMac, EtherType.Ipv4);
        var ip = Ipv4Packet.Emit(frame.AsSpan(EthernetFrame.HeaderLength), source, destination, IpProtocol.Udp, udpLength, 64);
        var udp = UdpDatagram.Emit(ip.Payload, sourcePort, destinationPort, payload.Length);
        payload.CopyTo(udp.Payload);
        udp.FillChecksum(source, destination);
        return frame;
    }

    public static byte[] Udp6(Ipv6Address source, Ipv6Address destination, ushort sourcePort, ushort destinationPort, byte[] payload,
        MacAddress? to = null)
    {
        int udpLength = UdpDatagram.HeaderLength + payload.Length;
        byte[] frame = new byte[Math.Max(EthernetFrame.MinimumLength, EthernetFrame.HeaderLength + Ipv6Packet.HeaderLength + udpLength)];
        EthernetFrame.Emit(frame, to ?? OurMac, PeerMac, EtherType.Ipv6);
        var ip = Ipv6Packet.Emit(frame.AsSpan(EthernetFrame.HeaderLength), source, destination, IpProtocol.Udp, udpLength, 64);
        var udp = UdpDatagram.Emit(ip.Payload, sourcePort, destinationPort, payload.Length);
        payload.CopyTo(udp.Payload);
        udp.FillChecksum(source, destination);
        return frame;
    }

    /// <summary>A TCP segment over IPv4 from the peer, options and payload as given, checksum filled.</summary>
    public static byte[] Tcp4(Ipv4Address source, Ipv4Address destination, ushort sourcePort, ushort destinationPort, uint seq, uint ack,
        TcpFlags flags, TcpOptions options, byte[] payload)
    {
        int optionsLength = TcpOptions.Length(in options);
        int tcpLength = TcpSegment.MinimumHeaderLength + optionsLength + payload.Length;
        byte[] frame = new byte[Math.Max(EthernetFrame.MinimumLength, EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength + tcpLength)];
        EthernetFrame.Emit(frame, OurMac, PeerMac, EtherType.Ipv4);
        var ip = Ipv4Packet.Emit(frame.AsSpan(EthernetFrame.HeaderLength), source, destination, IpProtocol.Tcp, tcpLength, 64);
        var segment = TcpSegment.Emit(ip.Payload, sourcePort, destinationPort, new Unikernel.Net.Tcp.SeqNumber(seq),
            new Unikernel.Net.Tcp.SeqNumber(ack), flags, 65535, optionsLength, payload.Length);
        TcpOptions.Write(segment.Options, in options);
        payload.CopyTo(segment.Payload);
        segment.FillChecksum(source, destination);
        return frame;
    }

    /// <summary>An ICMPv6 message from <paramref name="source"/> with the given body (after type, code, checksum).</summary>
    public static byte[] Icmp6(Ipv6Address source, Ipv6Address destination, Icmpv6Type type, byte[] body, byte hopLimit = 255,
        MacAddress? to = null, MacAddress? from = null)
    {
        int icmpLength = Icmpv6Packet.HeaderLength + body.Length;
        byte[] frame = new byte[Math.Max(EthernetFrame.MinimumLength, EthernetFrame.HeaderLength + Ipv6Packet.HeaderLength + icmpLength)];
        EthernetFrame.Emit(frame, to ?? (destination.IsMulticast ? MacAddress.FromIpv6Multicast(destination) : OurMac), from ?? PeerMac,
            EtherType.Ipv6);
        var ip = Ipv6Packet.Emit(frame.AsSpan(EthernetFrame.HeaderLength), source, destination, IpProtocol.Icmpv6, icmpLength, hopLimit);
        ip.Payload[0] = (byte)type;
        body.CopyTo(ip.Payload.Slice(Icmpv6Packet.HeaderLength));
        new Icmpv6Packet(ip.Payload).FillChecksum(source, destination);
        return frame;
    }

    /// <summary>A router advertisement as radvd sends it: lifetime 1800 s, our test prefix (L and A), the router's MAC.</summary>
    public static byte[] RouterAdvertisement(uint valid = 86400, uint preferred = 14400, byte prefixLength = 64, ushort routerLifetime = 1800,
        byte flags = 0xC0)
    {
        var body = new byte[12 + 32 + 8];
        body[0] = 64; // current hop limit
        body[2] = (byte)(routerLifetime >> 8);
        body[3] = (byte)routerLifetime;
        var prefix = body.AsSpan(12);
        prefix[0] = 3;
        prefix[1] = 4;
        prefix[2] = prefixLength;
        prefix[3] = flags;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(prefix.Slice(4), valid);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(prefix.Slice(8), preferred);
        Prefix.CopyTo(prefix.Slice(16));
        var option = body.AsSpan(44);
        option[0] = 1;
        option[1] = 1;
        RouterMac.CopyTo(option.Slice(2));
        return Icmp6(RouterLinkLocal, Ipv6Address.AllNodes, Icmpv6Type.RouterAdvertisement, body, from: RouterMac);
    }

    /// <summary>A neighbour advertisement for <paramref name="target"/> with its MAC in a target option.</summary>
    public static byte[] NeighborAdvertisement(Ipv6Address source, Ipv6Address destination, Ipv6Address target, MacAddress targetMac,
        byte flags)
    {
        var body = new byte[4 + 16 + 8];
        body[0] = flags;
        target.CopyTo(body.AsSpan(4));
        body[20] = 2;
        body[21] = 1;
        targetMac.CopyTo(body.AsSpan(22));
        return Icmp6(source, destination, Icmpv6Type.NeighborAdvertisement, body, from: targetMac);
    }

    /// <summary>An ARP reply from <paramref name="sender"/> to us.</summary>
    public static byte[] ArpReply(Ipv4Address sender, MacAddress senderMac)
    {
        byte[] frame = new byte[EthernetFrame.MinimumLength];
        EthernetFrame.Emit(frame, OurMac, senderMac, EtherType.Arp);
        ArpPacket.Emit(frame.AsSpan(EthernetFrame.HeaderLength), ArpOperation.Reply, senderMac, sender, OurMac, OurIpv4);
        return frame;
    }

    /// <summary>Polls at <paramref name="now"/> until nothing is due; returns every frame given out.</summary>
    public static List<byte[]> PollAll(NetworkInterface nic, long now)
    {
        var frames = new List<byte[]>();
        byte[] buffer = new byte[TransmitQueue.SlotSize];
        for (int length; (length = nic.Poll(now, buffer)) > 0;)
        {
            frames.Add(buffer.AsSpan(0, length).ToArray());
            Assert.True(frames.Count < 100, "Poll never ran dry");
        }
        return frames;
    }

    /// <summary>The IPv6 packet of an Ethernet frame, checked.</summary>
    public static Ipv6Packet Ipv6Of(byte[] frame)
    {
        Assert.True(EthernetFrame.TryParse(frame, out var ethernet, out _));
        Assert.Equal(EtherType.Ipv6, ethernet.EtherType);
        Assert.True(Ipv6Packet.TryParse(ethernet.Payload, out var ip, out var error), error.ToString());
        return ip;
    }

    /// <summary>The ICMPv6 message of a frame (after any extension headers), its checksum verified.</summary>
    public static Icmpv6Packet Icmpv6Of(byte[] frame)
    {
        var ip = Ipv6Of(frame);
        Assert.True(ip.FindUpperLayer(out var protocol, out int offset, out _));
        Assert.Equal(IpProtocol.Icmpv6, protocol);
        Assert.True(Icmpv6Packet.TryParse(ip.Payload.Slice(offset), out var icmp, out _));
        Assert.True(icmp.VerifyChecksum(ip.Source, ip.Destination));
        return icmp;
    }
}
