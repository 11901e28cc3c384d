using System.Buffers.Binary;
using Unikernel.Net.Tests.Wire;
using Unikernel.Net.Wire;

namespace Unikernel.Net.Tests.Dhcp;

/// <summary>
/// DHCP messages for a client with MAC 52:54:00:12:34:56 and a dnsmasq server at 192.168.100.1
/// leasing 192.168.100.50/24 for an hour (T1 30 min, T2 52.5 min).
/// </summary>
/// <remarks>
/// Honestly: these are not packet captures. They were written out by hand, field by field, from
/// the layout of RFC 2131 section 2 (figure 1) and the option formats of RFC 2132, the way
/// dnsmasq builds a reply: op 2, siaddr set to the server's own address, sname and file empty,
/// options in dnsmasq's order (53, 54, 51, 58, 59, then 1, 28, 3), the end option, and zero
/// padding up to the 300-byte BOOTP minimum. The client's DISCOVER is what this client is meant
/// to send, also written by hand.
/// </remarks>
internal static class DhcpGolden
{
    public const string ClientMacText = "52:54:00:12:34:56";
    public const uint TransactionId = 0x3903f326;

    private const string Chaddr = "525400123456" + "00000000000000000000";
    private static readonly string SnameAndFile = new('0', 2 * (64 + 128));

    /// <summary>dnsmasq's OFFER: 192.168.100.50 for 3600 s, options then padding to 300 bytes.</summary>
    public static readonly string Offer =
        "02" + "01" + "06" + "00" + "3903f326" + "0000" + "0000" +
        "00000000" + "c0a86432" + "c0a86401" + "00000000" + Chaddr + SnameAndFile +
        "63825363" +
        "350102" +                // 53 message type: OFFER
        "3604c0a86401" +          // 54 server identifier 192.168.100.1
        "330400000e10" +          // 51 lease time 3600 s
        "3a0400000708" +          // 58 T1 1800 s
        "3b0400000c4e" +          // 59 T2 3150 s
        "0104ffffff00" +          // 1 subnet mask 255.255.255.0
        "1c04c0a864ff" +          // 28 broadcast 192.168.100.255
        "0304c0a86401" +          // 3 router 192.168.100.1
        "ff" + new string('0', 2 * 14);

    /// <summary>The ACK to the REQUEST for that offer: the same but for option 53.</summary>
    public static readonly string Ack = Offer.Replace("63825363" + "350102", "63825363" + "350105");

    /// <summary>
    /// The client's first DISCOVER with xid 0x3903f326: op 1, everything zero but the addressing,
    /// then 53 (DISCOVER), 61 (type 1, MAC), 55 (1, 3, 51, 54, 58, 59), end, padding to 300.
    /// </summary>
    public static readonly string Discover =
        "01" + "01" + "06" + "00" + "3903f326" + "0000" + "0000" +
        "00000000" + "00000000" + "00000000" + "00000000" + Chaddr + SnameAndFile +
        "63825363" +
        "350101" +
        "3d0701525400123456" +
        "3706010333363a3b" +
        "ff" + new string('0', 2 * (300 - 240 - 3 - 9 - 8 - 1));

    /// <summary>
    /// The client's INIT-REBOOT REQUEST for 192.168.100.50 (RFC 2131 section 4.3.2, table 5):
    /// ciaddr 0, 53 (REQUEST), 61, 50 (the old address), no 54, 55 (1, 3, 6, 15, 51, 54, 58, 59).
    /// XID stands for the transaction id, which the client draws.
    /// </summary>
    public static readonly string RebootRequest =
        "01" + "01" + "06" + "00" + "XID" + "0000" + "0000" +
        "00000000" + "00000000" + "00000000" + "00000000" + Chaddr + SnameAndFile +
        "63825363" +
        "350103" +
        "3d0701525400123456" +
        "3204c0a86432" +
        "37080103060f33363a3b" +
        "ff" + new string('0', 2 * (300 - 240 - 3 - 9 - 6 - 10 - 1));

    /// <summary>
    /// The DECLINE of 192.168.100.50 to 192.168.100.1 (table 5): ciaddr 0, 53 (DECLINE), 61,
    /// 50 (the address), 54 (the server), and no parameter request list.
    /// </summary>
    public static readonly string Decline =
        "01" + "01" + "06" + "00" + "XID" + "0000" + "0000" +
        "00000000" + "00000000" + "00000000" + "00000000" + Chaddr + SnameAndFile +
        "63825363" +
        "350104" +
        "3d0701525400123456" +
        "3204c0a86432" +
        "3604c0a86401" +
        "ff" + new string('0', 2 * (300 - 240 - 3 - 9 - 6 - 6 - 1));

    /// <summary>The RELEASE of 192.168.100.50 (table 5): ciaddr the address, 53 (RELEASE), 61, 54, no 50, no 55.</summary>
    public static readonly string Release =
        "01" + "01" + "06" + "00" + "XID" + "0000" + "0000" +
        "c0a86432" + "00000000" + "00000000" + "00000000" + Chaddr + SnameAndFile +
        "63825363" +
        "350107" +
        "3d0701525400123456" +
        "3604c0a86401" +
        "ff" + new string('0', 2 * (300 - 240 - 3 - 9 - 6 - 1));

    public static MacAddress ClientMac => Golden.Mac(ClientMacText);

    public static byte[] OfferBytes() => Golden.Bytes(Offer);

    public static byte[] AckBytes() => Golden.Bytes(Ack);

    /// <summary>
    /// A server reply built independently of <see cref="DhcpMessage.Emit"/>: the fixed fields,
    /// then the options given as (code, value) pairs, then the end option.
    /// </summary>
    public static byte[] Reply(DhcpMessageType type, uint xid, MacAddress chaddr, Ipv4Address yiaddr,
        params (byte Code, byte[] Value)[] options)
    {
        var bytes = new List<byte>(new byte[240]);
        bytes[0] = 2;
        bytes[1] = 1;
        bytes[2] = 6;
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes);
        BinaryPrimitives.WriteUInt32BigEndian(span.Slice(4), xid);
        yiaddr.CopyTo(span.Slice(16));
        chaddr.CopyTo(span.Slice(28));
        BinaryPrimitives.WriteUInt32BigEndian(span.Slice(236), 0x63825363);
        bytes.AddRange([53, 1, (byte)type]);
        foreach (var (code, value) in options)
        {
            bytes.Add(code);
            bytes.Add((byte)value.Length);
            bytes.AddRange(value);
        }
        bytes.Add(255);
        while (bytes.Count < 300)
            bytes.Add(0);
        return bytes.ToArray();
    }

    public static (byte, byte[]) Address(byte code, Ipv4Address address)
    {
        var value = new byte[4];
        address.CopyTo(value);
        return (code, value);
    }

    public static (byte, byte[]) Seconds(byte code, uint seconds)
    {
        var value = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(value, seconds);
        return (code, value);
    }
}
