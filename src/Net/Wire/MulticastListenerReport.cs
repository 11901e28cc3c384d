using System.Buffers.Binary;

namespace Unikernel.Net.Wire;

/// <summary>
/// Emits an MLDv2 Multicast Listener Report (RFC 3810 section 5.2) as a complete IPv6 packet:
/// fixed header, a Hop-by-Hop header with Router Alert, then the ICMPv6 report with one record
/// per group, no sources. That is all a host needs to join a group (exclude mode, no sources:
/// "everything"), leave it (include mode, no sources) or answer a query.
/// </summary>
/// <remarks>
/// <see cref="Ipv6Packet.Emit"/> writes the fixed header with any Next Header, Hop-by-Hop
/// included, but nothing builds the Hop-by-Hop header itself; that is done here, the only
/// place that needs one.
/// </remarks>
public static class MulticastListenerReport
{
    /// <summary>MLD messages never leave the link (RFC 3810 section 5).</summary>
    public const byte HopLimit = 1;

    /// <summary>Next Header, Hdr Ext Len 0, Router Alert (4 octets), PadN with no data (2 octets): one 8-octet unit.</summary>
    public const int HopByHopLength = 8;

    /// <summary>Type, reserved, checksum, reserved, number of records (RFC 3810 section 5.2).</summary>
    public const int ReportHeaderLength = 8;

    /// <summary>Type, aux data length, number of sources, multicast address: a record with no sources and no aux data.</summary>
    public const int RecordLength = 20;

    public const int RecordCountOffset = 6;

    /// <summary>
    /// The most records one report can carry within the 16-bit IPv6 payload length. A link's MTU
    /// allows far fewer (72 at 1500); splitting is the caller's (RFC 3810 section 5.2.15).
    /// </summary>
    public const int MaximumRecords = (Ipv6Packet.MaximumPayloadLength - HopByHopLength - ReportHeaderLength) / RecordLength;

    /// <summary>ff02::16, all MLDv2-capable routers, where reports go (RFC 3810 section 5.2.14).</summary>
    public static Ipv6Address AllMldv2Routers => new Ipv6Address(0xFF02_0000_0000_0000, 0x16);

    /// <summary>The packet length for <paramref name="records"/> records.</summary>
    public static int PacketLength(int records) =>
        Ipv6Packet.HeaderLength + HopByHopLength + ReportHeaderLength + RecordLength * records;

    /// <summary>
    /// Writes a report from <paramref name="source"/> to ff02::16 with one record of
    /// <paramref name="recordType"/> for each of <paramref name="groups"/>, and returns the
    /// packet's length. <paramref name="source"/> is a link-local address, or :: before the
    /// interface has one (RFC 3810 section 5.2.13). Use
    /// <see cref="MulticastAddressRecordType.ChangeToExcludeMode"/> to join,
    /// <see cref="MulticastAddressRecordType.ChangeToIncludeMode"/> to leave, and
    /// <see cref="MulticastAddressRecordType.ModeIsExclude"/> to answer a query.
    /// </summary>
    public static int Emit(Span<byte> buffer, Ipv6Address source, ReadOnlySpan<Ipv6Address> groups, MulticastAddressRecordType recordType)
    {
        if (groups.Length > MaximumRecords || buffer.Length < PacketLength(groups.Length))
            Kernel.Panic("MulticastListenerReport.Emit: too many groups or buffer too short"u8);
        int icmpLength = ReportHeaderLength + RecordLength * groups.Length;
        Ipv6Address destination = AllMldv2Routers;
        var ip = Ipv6Packet.Emit(buffer, source, destination, IpProtocol.HopByHop, HopByHopLength + icmpLength, HopLimit);

        // RFC 3810 section 5: every MLD message carries Router Alert (RFC 2711, value 0 for MLD)
        // so routers look at reports for groups they are not in. Linux pads with PadN, as here.
        Span<byte> hopByHop = ip.Payload;
        hopByHop[0] = (byte)IpProtocol.Icmpv6;
        hopByHop[1] = 0;
        hopByHop[2] = RouterAlertOption;
        hopByHop[3] = 2;
        BinaryPrimitives.WriteUInt16BigEndian(hopByHop.Slice(4), RouterAlertMld);
        hopByHop[6] = PadNOption;
        hopByHop[7] = 0;

        // The checksum's pseudo-header length is the ICMPv6 message's alone: the Hop-by-Hop
        // header is not upper-layer data (RFC 8200 section 8.1).
        var icmp = Icmpv6Packet.Emit(ip.Payload.Slice(HopByHopLength), Icmpv6Type.MulticastListenerReportV2, 0,
            icmpLength - Icmpv6Packet.MinimumLength);
        BinaryPrimitives.WriteUInt16BigEndian(icmp.Buffer.Slice(RecordCountOffset), (ushort)groups.Length);
        Span<byte> record = icmp.Buffer.Slice(ReportHeaderLength);
        for (int i = 0; i < groups.Length; i++)
        {
            record[0] = (byte)recordType;
            record[1] = 0; // aux data length
            BinaryPrimitives.WriteUInt16BigEndian(record.Slice(2), 0); // number of sources
            groups[i].CopyTo(record.Slice(4));
            record = record.Slice(RecordLength);
        }
        icmp.FillChecksum(source, destination);
        return ip.Buffer.Length;
    }

    private const byte PadNOption = 1;
    private const byte RouterAlertOption = 5;
    private const ushort RouterAlertMld = 0;
}
