using Unikernel.Net.Tests.Wire;
using Unikernel.Net.Wire;

namespace Unikernel.Net.Tests.Tcp;

/// <summary>
/// Real TCP segments from Linux 6.18: two network namespaces joined by a veth pair with
/// transmit checksum offload turned off (so the checksums on the wire are complete), `nc -l` in
/// one and `nc` in the other, captured with tcpdump, whole Ethernet frames. IPv4 is
/// 169.254.10.1 (MAC fe:b7:71:e8:db:65) to 169.254.10.2 (c2:ec:c5:98:6d:10); IPv6 is between the
/// same interfaces' link-local addresses. The SACK segment came from a bulk transfer with one
/// IPv4 packet in eight dropped on ingress (a u32 filter on the IP ID redirecting to lo).
/// tcpdump called every checksum "correct"; the tests recompute them byte by byte as well.
/// </summary>
internal static class TcpGolden
{
    public static readonly Ipv4Address Client4 = Golden.V4("169.254.10.1");
    public static readonly Ipv4Address Server4 = Golden.V4("169.254.10.2");
    public static readonly Ipv6Address Client6 = Golden.V6("fe80::fcb7:71ff:fee8:db65");
    public static readonly Ipv6Address Server6 = Golden.V6("fe80::c0ec:c5ff:fe98:6d10");

    /// <summary>
    /// 40001 to 5001, SYN, seq 1517751500, win 64240, options [mss 1460, sackOK, TS val
    /// 427159371 ecr 0, nop, wscale 10]. TCP checksum 0xc53d.
    /// </summary>
    public const string Syn =
        "c2ecc5986d10" + "feb771e8db65" + "0800" +
        "4500003ce70e40004006ebad" + "a9fe0a01" + "a9fe0a02" +
        "9c41" + "1389" + "5a770ccc" + "00000000" + "a0" + "02" + "faf0" + "c53d" + "0000" +
        SynOptions;

    /// <summary>The SYN's options: MSS; SACK-permitted and timestamps; NOP and window scale.</summary>
    public const string SynOptions = "020405b4" + "0402080a" + "1975ef4b" + "00000000" + "0103030a";

    /// <summary>
    /// 5001 to 40001, SYN-ACK, seq 68205752 ack 1517751501, win 65160, options [mss 1460,
    /// sackOK, TS val 3863554897 ecr 427159371, nop, wscale 10]. TCP checksum 0xef30.
    /// </summary>
    public const string SynAck =
        "feb771e8db65" + "c2ecc5986d10" + "0800" +
        "4500003c000040004006d2bc" + "a9fe0a02" + "a9fe0a01" +
        "1389" + "9c41" + "0410bcb8" + "5a770ccd" + "a0" + "12" + "fe88" + "ef30" + "0000" +
        "020405b4" + "0402080a" + "e6492b51" + "1975ef4b" + "0103030a";

    /// <summary>
    /// 40001 to 5001, PSH+ACK, seq 1517751501 ack 68205753, win 63 (scaled by 2^10), options
    /// [nop, nop, TS val 427159371 ecr 3863554897], 11 bytes "hello, tcp\n". TCP checksum 0x4a54.
    /// </summary>
    public const string Data =
        "c2ecc5986d10" + "feb771e8db65" + "0800" +
        "4500003fe71040004006eba8" + "a9fe0a01" + "a9fe0a02" +
        "9c41" + "1389" + "5a770ccd" + "0410bcb9" + "80" + "18" + "003f" + "4a54" + "0000" +
        "0101080a" + "1975ef4b" + "e6492b51" +
        "68656c6c6f2c207463700a";

    /// <summary>
    /// The same SYN over IPv6 link-local, 40002 to 5002: seq 1463029657, win 64800, MSS 1440
    /// (20 bytes less header room than IPv4), TS val 1615455870. TCP checksum 0xb4f0.
    /// </summary>
    public const string Syn6 =
        "c2ecc5986d10" + "feb771e8db65" + "86dd" +
        "6002b36f" + "0028" + "06" + "40" +
        "fe80000000000000fcb771fffee8db65" + "fe80000000000000c0ecc5fffe986d10" +
        "9c42" + "138a" + "57340f99" + "00000000" + "a0" + "02" + "fd20" + "b4f0" + "0000" +
        "020405a0" + "0402080a" + "6049e67e" + "00000000" + "0103030a";

    /// <summary>5002 to 40002, SYN-ACK over IPv6: seq 1644398195 ack 1463029658, win 64260. TCP checksum 0x5c38.</summary>
    public const string SynAck6 =
        "feb771e8db65" + "c2ecc5986d10" + "86dd" +
        "600765d8" + "0028" + "06" + "40" +
        "fe80000000000000c0ecc5fffe986d10" + "fe80000000000000fcb771fffee8db65" +
        "138a" + "9c42" + "62038673" + "57340f9a" + "a0" + "12" + "fb04" + "5c38" + "0000" +
        "020405a0" + "0402080a" + "762cfc1f" + "6049e67e" + "0103030a";

    /// <summary>40002 to 5002, PSH+ACK over IPv6, "hello, six\n" (odd length). TCP checksum 0xadbb.</summary>
    public const string Data6 =
        "c2ecc5986d10" + "feb771e8db65" + "86dd" +
        "6002b36f" + "002b" + "06" + "40" +
        "fe80000000000000fcb771fffee8db65" + "fe80000000000000c0ecc5fffe986d10" +
        "9c42" + "138a" + "57340f9a" + "62038674" + "80" + "18" + "0040" + "adbb" + "0000" +
        "0101080a" + "6049e67e" + "762cfc1f" +
        "68656c6c6f2c207369780a";

    /// <summary>
    /// 5006 to 40006, a duplicate ACK for 0x489bca3c with two SACK blocks, the newest first:
    /// options [nop, nop, TS val 0xb4c80c15 ecr 0x2480d6d8, nop, nop, sack 2
    /// {0x489bfd24:0x489bfeec} {0x489bcfe4:0x489bf77c}], data offset 13, win 79. TCP checksum 0x2d35.
    /// </summary>
    public const string Sack =
        "feb771e8db65" + "c2ecc5986d10" + "0800" +
        "450000480f5040004006c360" + "a9fe0a02" + "a9fe0a01" +
        "138e" + "9c46" + "3ea7e7a6" + "489bca3c" + "d0" + "10" + "004f" + "2d35" + "0000" +
        SackOptions;

    public const string SackOptions =
        "0101080a" + "b4c80c15" + "2480d6d8" + "01010512" + "489bfd24" + "489bfeec" + "489bcfe4" + "489bf77c";

    private const int Ipv4TcpOffset = EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength;
    private const int Ipv6TcpOffset = EthernetFrame.HeaderLength + Ipv6Packet.HeaderLength;

    /// <summary>The TCP segment of an IPv4 golden frame (no IP options in any of them).</summary>
    public static byte[] Tcp4(string frame) => Golden.Bytes(frame).AsSpan(Ipv4TcpOffset).ToArray();

    /// <summary>The TCP segment of an IPv6 golden frame (no extension headers in any of them).</summary>
    public static byte[] Tcp6(string frame) => Golden.Bytes(frame).AsSpan(Ipv6TcpOffset).ToArray();

    /// <summary>
    /// The TCP checksum recomputed without the code under test: the pseudo-header laid out as
    /// bytes (RFC 9293 section 3.1, RFC 8200 section 8.1), then the segment with its checksum
    /// field zeroed, summed 16 bits at a time with end-around carry, and complemented.
    /// </summary>
    public static ushort ReferenceChecksum(byte[] pseudoAddresses, bool ipv6, byte[] segment)
    {
        var bytes = new List<byte>(pseudoAddresses);
        if (ipv6)
            bytes.AddRange(new byte[] { (byte)(segment.Length >> 24), (byte)(segment.Length >> 16), (byte)(segment.Length >> 8), (byte)segment.Length, 0, 0, 0, 6 });
        else
            bytes.AddRange(new byte[] { 0, 6, (byte)(segment.Length >> 8), (byte)segment.Length });
        byte[] copy = (byte[])segment.Clone();
        copy[16] = copy[17] = 0;
        bytes.AddRange(copy);
        if (bytes.Count % 2 == 1)
            bytes.Add(0);
        uint sum = 0;
        for (int i = 0; i < bytes.Count; i += 2)
        {
            sum += (uint)(bytes[i] << 8 | bytes[i + 1]);
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (ushort)~sum;
    }

    public static byte[] Addresses(Ipv4Address source, Ipv4Address destination)
    {
        var bytes = new byte[8];
        source.CopyTo(bytes);
        destination.CopyTo(bytes.AsSpan(4));
        return bytes;
    }

    public static byte[] Addresses(Ipv6Address source, Ipv6Address destination)
    {
        var bytes = new byte[32];
        source.CopyTo(bytes);
        destination.CopyTo(bytes.AsSpan(16));
        return bytes;
    }
}
