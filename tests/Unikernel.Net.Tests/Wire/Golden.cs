using System.Net;
using Unikernel.Net.Wire;

namespace Unikernel.Net.Tests.Wire;

/// <summary>
/// Real frames as a QEMU guest running Linux sends them (user networking: guest 10.0.2.15 with
/// MAC 52:54:00:12:34:56, gateway 10.0.2.2 at 52:55:0a:00:02:02), written out byte by byte with
/// their checksums computed independently of the code under test.
/// </summary>
internal static class Golden
{
    /// <summary>"who-has 10.0.2.2 tell 10.0.2.15": broadcast, target MAC zeros, as Linux sends it (42 bytes, before padding).</summary>
    public const string ArpRequest =
        "ffffffffffff" + "525400123456" + "0806" +
        "0001" + "0800" + "06" + "04" + "0001" +
        "525400123456" + "0a00020f" +
        "000000000000" + "0a000202";

    /// <summary>
    /// iputils ping 10.0.2.2: DF set, TTL 64, IP ID 0x5d3a; ICMP id 0x1c46 seq 1, 56 data bytes:
    /// a 16-byte struct timeval, then 0x10..0x37. IP checksum 0xc55e, ICMP checksum 0x86ad.
    /// </summary>
    public const string Icmpv4EchoRequest =
        "52550a000202" + "525400123456" + "0800" +
        "4500" + "0054" + "5d3a" + "4000" + "40" + "01" + "c55e" + "0a00020f" + "0a000202" +
        "08" + "00" + "86ad" + "1c46" + "0001" +
        "00f1536500000000" + "40e2010000000000" +
        "101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637";

    public const ushort Icmpv4EchoIpChecksum = 0xc55e;
    public const ushort Icmpv4EchoChecksum = 0x86ad;

    /// <summary>
    /// Address resolution for fe80::2 from fe80::5054:ff:fe12:3456 to the solicited-node group
    /// ff02::1:ff00:2 (Ethernet 33:33:ff:00:00:02), hop limit 255, with a source link-layer
    /// address option (RFC 4861 section 4.3). ICMPv6 checksum 0x7220.
    /// </summary>
    public const string Icmpv6NeighborSolicitation =
        "3333ff000002" + "525400123456" + "86dd" +
        "60000000" + "0020" + "3a" + "ff" +
        "fe800000000000005054" + "00fffe123456" +
        "ff020000000000000000" + "0001ff000002" +
        "87" + "00" + "7220" + "00000000" +
        "fe800000000000000000000000000002" +
        "01" + "01" + "525400123456";

    public const ushort Icmpv6NeighborSolicitationChecksum = 0x7220;

    /// <summary>
    /// `nc -6 -u 2001:db8::2 7` sending "hello!\n" (odd length) from port 45678, with the flow
    /// label 0x6a3f1 Linux picks per socket, hop limit 64. UDP checksum 0xa3f2.
    /// </summary>
    public const string UdpIpv6Datagram =
        "525400abcdef" + "525400123456" + "86dd" +
        "6006a3f1" + "000f" + "11" + "40" +
        "20010db8000000000000000000000001" +
        "20010db8000000000000000000000002" +
        "b26e" + "0007" + "000f" + "a3f2" + "68656c6c6f210a";

    public const ushort UdpIpv6Checksum = 0xa3f2;

    public static byte[] Bytes(string hex) => Convert.FromHexString(hex);

    public static MacAddress Mac(string text) => new MacAddress(Convert.FromHexString(text.Replace(":", "")));

    public static Ipv4Address V4(string text) => new Ipv4Address(IPAddress.Parse(text).GetAddressBytes());

    public static Ipv6Address V6(string text) => new Ipv6Address(IPAddress.Parse(text).GetAddressBytes());

    public static string Text(MacAddress address)
    {
        Span<char> text = stackalloc char[MacAddress.MaxFormattedLength];
        Assert.True(address.TryFormat(text, out int written));
        return new string(text.Slice(0, written));
    }

    public static string Text(Ipv4Address address)
    {
        Span<char> text = stackalloc char[Ipv4Address.MaxFormattedLength];
        Assert.True(address.TryFormat(text, out int written));
        return new string(text.Slice(0, written));
    }

    public static string Text(Ipv6Address address)
    {
        Span<char> text = stackalloc char[Ipv6Address.MaxFormattedLength];
        Assert.True(address.TryFormat(text, out int written));
        return new string(text.Slice(0, written));
    }
}
