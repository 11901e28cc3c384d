using Unikernel.Net.Wire;

namespace Unikernel.Net.Tests.Wire;

/// <summary>
/// Neighbour discovery and MLD frames captured with tcpdump -xx on a veth pair between two
/// network namespaces: the host end 52:54:00:12:34:56 (fe80::5054:ff:fe12:3456, Linux with
/// accept_ra), the router end 52:54:00:ab:cd:ef (fe80::5054:ff:feab:cdef) running radvd with
/// prefix fd00:77::/64 (AdvOnLink, AdvAutonomous, lifetimes 86400/14400), AdvLinkMTU 1500 and
/// MaxRtrAdvInterval 4 (so a router lifetime of 12 s). Checksums are as captured; tcpdump
/// verified each ("sum ok"). The MLD query and the four-group report come from a Linux bridge
/// with mcast_querier on at the router end (52:54:00:ab:cd:01).
/// </summary>
internal static class NdpGolden
{
    public static readonly Ipv6Address Host = Golden.V6("fe80::5054:ff:fe12:3456");
    public static readonly MacAddress HostMac = Golden.Mac("52:54:00:12:34:56");
    public static readonly Ipv6Address Router = Golden.V6("fe80::5054:ff:feab:cdef");
    public static readonly MacAddress RouterMac = Golden.Mac("52:54:00:ab:cd:ef");

    /// <summary>
    /// radvd's unsolicited advertisement to ff02::1, in radvd's option order: prefix
    /// information, MTU, source link-layer address. Current hop limit 64, no flags, router
    /// lifetime 12, reachable time and retrans timer 0, flow label 0x0057d. Checksum 0x263a.
    /// </summary>
    public const string RouterAdvertisement =
        "333300000001" + "525400abcdef" + "86dd" +
        "6000057d" + "0040" + "3a" + "ff" +
        "fe80000000000000505400fffeabcdef" +
        "ff020000000000000000000000000001" +
        "86" + "00" + "263a" + "40" + "00" + "000c" + "00000000" + "00000000" +
        "03" + "04" + "40" + "c0" + "00015180" + "00003840" + "00000000" + "fd000077000000000000000000000000" +
        "05" + "01" + "0000" + "000005dc" +
        "01" + "01" + "525400abcdef";

    public const ushort RouterAdvertisementChecksum = 0x263a;

    /// <summary>Linux's router solicitation after duplicate address detection: to ff02::2, with a source link-layer address option. Checksum 0x71b5.</summary>
    public const string RouterSolicitation =
        "333300000002" + "525400123456" + "86dd" +
        "60000000" + "0010" + "3a" + "ff" +
        "fe80000000000000505400fffe123456" +
        "ff020000000000000000000000000002" +
        "85" + "00" + "71b5" + "00000000" +
        "01" + "01" + "525400123456";

    /// <summary>
    /// Linux's neighbour solicitation from the router end to the host, unicast (reachability
    /// confirmation), with a source link-layer address option. Checksum 0x35ca.
    /// </summary>
    public const string NeighborSolicitationUnicast =
        "525400123456" + "525400abcdef" + "86dd" +
        "60000000" + "0020" + "3a" + "ff" +
        "fe80000000000000505400fffeabcdef" +
        "fe80000000000000505400fffe123456" +
        "87" + "00" + "35ca" + "00000000" +
        "fe80000000000000505400fffe123456" +
        "01" + "01" + "525400abcdef";

    /// <summary>
    /// Linux's duplicate address detection for its link-local address: from ::, to the
    /// solicited-node group, no source link-layer address, but a Nonce option (type 14,
    /// RFC 7527 enhanced DAD) that we neither send nor know. Checksum 0x512f.
    /// </summary>
    public const string DadNeighborSolicitationWithNonce =
        "3333ff123456" + "525400123456" + "86dd" +
        "60000000" + "0020" + "3a" + "ff" +
        "00000000000000000000000000000000" +
        "ff0200000000000000000001ff123456" +
        "87" + "00" + "512f" + "00000000" +
        "fe80000000000000505400fffe123456" +
        "0e" + "01" + "0b65f0c468a0";

    /// <summary>
    /// Linux's MLDv2 report joining the solicited-node group of its link-local address:
    /// Hop-by-Hop with Router Alert (MLD) and PadN, one CHANGE_TO_EXCLUDE record, no sources.
    /// Checksum 0xb8e4.
    /// </summary>
    public const string MldReport =
        "333300000016" + "525400123456" + "86dd" +
        "60000000" + "0024" + "00" + "01" +
        "fe80000000000000505400fffe123456" +
        "ff020000000000000000000000000016" +
        "3a" + "00" + "0502" + "0000" + "0100" +
        "8f" + "00" + "b8e4" + "0000" + "0001" +
        "04" + "00" + "0000" + "ff0200000000000000000001ff123456";

    /// <summary>The same join sent before the link-local address passed duplicate address detection: from ::. Checksum 0x3b22.</summary>
    public const string MldReportFromUnspecified =
        "333300000016" + "525400123456" + "86dd" +
        "60000000" + "0024" + "00" + "01" +
        "00000000000000000000000000000000" +
        "ff020000000000000000000000000016" +
        "3a" + "00" + "0502" + "0000" + "0100" +
        "8f" + "00" + "3b22" + "0000" + "0001" +
        "04" + "00" + "0000" + "ff0200000000000000000001ff123456";

    /// <summary>
    /// Linux (a bridge, fe80::5054:ff:feab:cd01) joining four groups in one report:
    /// ff02::1:ff00:0, ff02::1:ffab:cd01, ff02::6a, ff02::2. Checksum 0x7da5.
    /// </summary>
    public const string MldReportFourGroups =
        "333300000016" + "525400abcd01" + "86dd" +
        "60000000" + "0060" + "00" + "01" +
        "fe80000000000000505400fffeabcd01" +
        "ff020000000000000000000000000016" +
        "3a" + "00" + "0502" + "0000" + "0100" +
        "8f" + "00" + "7da5" + "0000" + "0004" +
        "04" + "00" + "0000" + "ff0200000000000000000001ff000000" +
        "04" + "00" + "0000" + "ff0200000000000000000001ffabcd01" +
        "04" + "00" + "0000" + "ff02000000000000000000000000006a" +
        "04" + "00" + "0000" + "ff020000000000000000000000000002";

    /// <summary>
    /// A Linux bridge's MLDv2 general query (mcast_querier on, fe80::5054:ff:feab:cd01) to
    /// ff02::1, hop limit 1; its Hop-by-Hop header pads Router Alert with two Pad1 octets, not
    /// PadN. Maximum response code 10000 (10 s), QRV 2, QQIC 125 s, no sources. Checksum 0x3996.
    /// </summary>
    public const string MldGeneralQuery =
        "333300000001" + "525400abcd01" + "86dd" +
        "60000000" + "0024" + "00" + "01" +
        "fe80000000000000505400fffeabcd01" +
        "ff020000000000000000000000000001" +
        "3a" + "00" + "0502" + "0000" + "0000" +
        "82" + "00" + "3996" + "2710" + "0000" +
        "00000000000000000000000000000000" +
        "02" + "7d" + "0000";

    public static readonly Ipv6Address Querier = Golden.V6("fe80::5054:ff:feab:cd01");

    /// <summary>The host's answer to <see cref="MldGeneralQuery"/>: one MODE_IS_EXCLUDE record for its solicited-node group. Checksum 0xbae4.</summary>
    public const string MldReportModeIsExclude =
        "333300000016" + "525400123456" + "86dd" +
        "60000000" + "0024" + "00" + "01" +
        "fe80000000000000505400fffe123456" +
        "ff020000000000000000000000000016" +
        "3a" + "00" + "0502" + "0000" + "0100" +
        "8f" + "00" + "bae4" + "0000" + "0001" +
        "02" + "00" + "0000" + "ff0200000000000000000001ff123456";

    /// <summary>The IPv6 packet of an Ethernet frame, as a fresh array.</summary>
    public static byte[] Packet(string frame) => Golden.Bytes(frame).AsSpan(EthernetFrame.HeaderLength).ToArray();

    /// <summary>The upper-layer message of an Ethernet frame: after the IPv6 header and any extension headers.</summary>
    public static byte[] Icmp(string frame)
    {
        byte[] packet = Packet(frame);
        Assert.True(Ipv6Packet.TryParse(packet, out var ip, out _));
        Assert.True(ip.FindUpperLayer(out var protocol, out int offset, out _));
        Assert.Equal(IpProtocol.Icmpv6, protocol);
        return ip.Payload.Slice(offset).ToArray();
    }

    /// <summary>
    /// True if the ICMPv6 message sums to 0xFFFF with its pseudo-header, summed a byte pair at a
    /// time over a pseudo-header laid out in bytes (RFC 8200 section 8.1), independently of
    /// <see cref="InternetChecksum"/> and <see cref="Icmpv6Packet"/>.
    /// </summary>
    public static bool ReferenceChecksumHolds(Ipv6Address source, Ipv6Address destination, ReadOnlySpan<byte> icmp)
    {
        var pseudo = new byte[40 + icmp.Length + 1];
        source.CopyTo(pseudo);
        destination.CopyTo(pseudo.AsSpan(16));
        pseudo[32] = (byte)(icmp.Length >> 24);
        pseudo[33] = (byte)(icmp.Length >> 16);
        pseudo[34] = (byte)(icmp.Length >> 8);
        pseudo[35] = (byte)icmp.Length;
        pseudo[39] = 58;
        icmp.CopyTo(pseudo.AsSpan(40));
        uint sum = 0;
        for (int i = 0; i + 1 < pseudo.Length; i += 2)
        {
            sum += (uint)(pseudo[i] << 8 | pseudo[i + 1]);
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return sum == 0xFFFF;
    }
}
