using Unikernel.Net.Tests.Wire;
using Unikernel.Net.Wire;

namespace Unikernel.Net.Tests.Interface;

/// <summary>
/// The interface under test plays the QEMU user-network gateway of <see cref="Golden"/>
/// (10.0.2.2 at 52:55:0a:00:02:02, so fe80::5055:aff:fe00:202); the peer is the Linux guest
/// (10.0.2.15 at 52:54:00:12:34:56, fe80::5054:ff:fe12:3456). The IPv6 frames below are as
/// Linux sends them, with checksums computed by an independent script (Python, RFC 1071 sum).
/// </summary>
internal static class InterfaceGolden
{
    public static readonly MacAddress OurMac = Golden.Mac("52:55:0a:00:02:02");
    public static readonly Ipv4Address OurIpv4 = Golden.V4("10.0.2.2");
    public static readonly Ipv6Address OurLinkLocal = Golden.V6("fe80::5055:aff:fe00:202");
    public static readonly MacAddress PeerMac = Golden.Mac("52:54:00:12:34:56");
    public static readonly Ipv4Address PeerIpv4 = Golden.V4("10.0.2.15");
    public static readonly Ipv6Address PeerLinkLocal = Golden.V6("fe80::5054:ff:fe12:3456");

    public static NetworkInterface NewInterface() => new NetworkInterface(OurMac, OurIpv4);

    /// <summary>
    /// Address resolution for our link-local address: to ff02::1:ff00:202 (Ethernet
    /// 33:33:ff:00:02:02), hop limit 255, source link-layer address option. ICMPv6 checksum 0x14cb.
    /// </summary>
    public const string NeighborSolicitation =
        "3333ff000202" + "525400123456" + "86dd" +
        "60000000" + "0020" + "3a" + "ff" +
        "fe800000000000005054" + "00fffe123456" +
        "ff020000000000000000" + "0001ff000202" +
        "87" + "00" + "14cb" + "00000000" +
        "fe8000000000000050550afffe000202" +
        "01" + "01" + "525400123456";

    /// <summary>The advertisement's checksum, by the same script.</summary>
    public const ushort NeighborAdvertisementChecksum = 0x815e;

    /// <summary>
    /// `ping -6 fe80::5055:aff:fe00:202%eth0`: flow label 0x3c1a2, hop limit 64; id 0x2a17 seq 3,
    /// 56 data bytes (a timeval, then 0x10..0x37). ICMPv6 checksum 0xaac6.
    /// </summary>
    public const string Icmpv6EchoRequest =
        "52550a000202" + "525400123456" + "86dd" +
        "6003c1a2" + "0040" + "3a" + "40" +
        "fe800000000000005054" + "00fffe123456" +
        "fe800000000000005055" + "0afffe000202" +
        "80" + "00" + "aac6" + "2a17" + "0003" +
        "9a1b0e6600000000" + "5c3a0b0000000000" +
        "101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637";

    /// <summary>The echo reply's checksum, by the same script.</summary>
    public const ushort Icmpv6EchoReplyChecksum = 0xa9c6;

    /// <summary>Runs one frame through a fresh reply buffer pre-filled with junk; returns the reply bytes.</summary>
    public static byte[] Run(ref NetworkInterface nic, byte[] frame, int replyCapacity = 1600)
    {
        byte[] reply = Junk.Buffer(replyCapacity);
        int length = nic.Process(frame, reply);
        return reply.AsSpan(0, length).ToArray();
    }

    /// <summary>Sets the IPv4 header checksum after a test edits the header.</summary>
    public static void FixIpv4Checksum(byte[] frame)
    {
        var ip = new Ipv4Packet(frame.AsSpan(EthernetFrame.HeaderLength));
        ip.FillChecksum();
    }

    /// <summary>Sets the ICMPv4 checksum after a test edits the message.</summary>
    public static void FixIcmpv4Checksum(byte[] frame)
    {
        Assert.True(Ipv4Packet.TryParse(frame.AsSpan(EthernetFrame.HeaderLength), out var ip, out _));
        new Icmpv4Packet(ip.Payload).FillChecksum();
    }

    /// <summary>Sets the ICMPv6 checksum of a frame without extension headers after a test edits it.</summary>
    public static void FixIcmpv6Checksum(byte[] frame)
    {
        Assert.True(Ipv6Packet.TryParse(frame.AsSpan(EthernetFrame.HeaderLength), out var ip, out _));
        new Icmpv6Packet(ip.Payload).FillChecksum(ip.Source, ip.Destination);
    }
}
