using System.Buffers.Binary;

namespace Unikernel.Tool.HostStack;

/// <summary>
/// Segmentation offload for hoststack's TAP, host only: consecutive full-size TCP segments of one
/// IPv4 or IPv6 flow that the stack sends back to back are joined into one frame of up to 64 KiB,
/// which Linux takes in one write with a virtio_net_hdr asking it for TCP segmentation
/// (VIRTIO_NET_HDR_GSO_TCPV4 or GSO_TCPV6, include/uapi/linux/virtio_net.h): Linux's receive path
/// then runs once per 64 KiB instead of once per segment, as it does for a NIC's GRO. On the wire
/// (and in Linux's view) the segments are the stack's own, byte for byte, but for IPv4's
/// identification and the checksums, which Linux recomputes per segment. Anything else (IPv4
/// options, IPv6 extension headers, pure ACKs, SYN, FIN, RST, a short segment that is not last)
/// passes through unchanged.
/// </summary>
public sealed class TcpSegmentCoalescer
{
    /// <summary>struct virtio_net_hdr: flags, gso_type, hdr_len, gso_size, csum_start, csum_offset.</summary>
    public const int VirtioHeaderLength = 10;

    private const byte NeedsChecksum = 1;        // VIRTIO_NET_HDR_F_NEEDS_CSUM
    private const byte GsoTcpv4 = 1;             // VIRTIO_NET_HDR_GSO_TCPV4
    private const byte GsoTcpv6 = 4;             // VIRTIO_NET_HDR_GSO_TCPV6

    private const int EthernetHeader = 14;
    private const int EtherTypeOffset = 12;
    private const ushort EtherTypeIpv4 = 0x0800;
    private const ushort EtherTypeIpv6 = 0x86DD;
    private const int Ipv4HeaderLength = 20;     // no options: IHL 5
    private const byte VersionAndIhl = 0x45;
    private const int Ipv6HeaderLength = 40;     // RFC 8200 3: fixed; TCP directly after it, no extension headers
    private const int Ipv6Version = 6;
    private const int Ipv6NextHeaderOffset = 6;
    private const int Ipv6AddressesOffset = 8;   // source, then destination: 32 bytes
    private const byte ProtocolTcp = 6;
    private const int TcpMinimumHeader = 20;
    private const int TcpChecksumOffset = 16;
    private const int TcpFlagsOffset = 13;
    private const byte FlagAck = 0x10;
    private const byte FlagPsh = 0x08;

    /// <summary>
    /// The largest joined IP packet: IPv4's total length is 16 bits (RFC 791); IPv6's payload
    /// length is too (RFC 8200 3), and the packet is held to the same whole 64 KiB that Linux's
    /// GRO builds without BIG TCP.
    /// </summary>
    private const int MaximumIpPacket = ushort.MaxValue;
    private const int MaximumFrame = EthernetHeader + MaximumIpPacket;

    private readonly byte[] _pending = new byte[VirtioHeaderLength + MaximumFrame];
    private int _length;          // frame bytes after the virtio header; 0 when nothing is pending
    private bool _ipv6;
    private int _tcpOffset;       // Ethernet + IP header
    private int _headers;         // Ethernet + IP + TCP headers
    private int _segmentSize;     // payload of each segment but the last: gso_size
    private int _lastPayload;
    private int _segments;
    private uint _nextSequence;

    /// <summary>Segments joined so far (every segment taken, and how many frames went out for them).</summary>
    public ulong SegmentsJoined { get; private set; }

    public ulong FramesWritten { get; private set; }

    /// <summary>
    /// Takes <paramref name="frame"/> into the pending frame if it continues it, or starts a new
    /// pending frame with it (writing the previous one first); false when it is no TCP data
    /// segment of IPv4 or IPv6, and then nothing is pending: the caller writes it as it is.
    /// </summary>
    public bool TryTake(ReadOnlySpan<byte> frame, Func<byte[], int, bool> write)
    {
        if (_length > 0 && Continues(frame))
        {
            Append(frame);
            return true;
        }
        Flush(write);
        if (!IsDataSegment(frame, out bool ipv6, out int tcpOffset, out int headers))
            return false;
        frame.CopyTo(_pending.AsSpan(VirtioHeaderLength));
        _length = frame.Length;
        _ipv6 = ipv6;
        _tcpOffset = tcpOffset;
        _headers = headers;
        _segmentSize = frame.Length - headers;
        _lastPayload = _segmentSize;
        _segments = 1;
        _nextSequence = Sequence(frame, tcpOffset) + (uint)_segmentSize;
        SegmentsJoined++;
        return true;
    }

    /// <summary>Writes the pending frame, if any: as it is when it holds one segment, else with Linux asked to segment it.</summary>
    public bool Flush(Func<byte[], int, bool> write)
    {
        if (_length == 0)
            return true;
        var header = _pending.AsSpan(0, VirtioHeaderLength);
        header.Clear();
        if (_segments > 1)
        {
            var ip = _pending.AsSpan(VirtioHeaderLength + EthernetHeader);
            int ipLength = _length - EthernetHeader;
            int tcpLength = _length - _tcpOffset;
            uint pseudo;
            if (_ipv6)
            {
                BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)(ipLength - Ipv6HeaderLength));
                // RFC 8200 8.1: source, destination, upper-layer length, next header.
                pseudo = Sum(ip.Slice(Ipv6AddressesOffset, 32)) + ProtocolTcp + (uint)tcpLength;
            }
            else
            {
                BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)ipLength);
                BinaryPrimitives.WriteUInt16BigEndian(ip[10..], 0);
                BinaryPrimitives.WriteUInt16BigEndian(ip[10..], HeaderChecksum(ip[..Ipv4HeaderLength]));
                pseudo = Sum(ip.Slice(12, 8)) + ProtocolTcp + (uint)tcpLength;
            }
            // With NEEDS_CSUM the field holds the pseudo-header's sum, not complemented; Linux completes it per segment.
            BinaryPrimitives.WriteUInt16BigEndian(_pending.AsSpan(VirtioHeaderLength + _tcpOffset + TcpChecksumOffset), Fold(pseudo));
            header[0] = NeedsChecksum;
            header[1] = _ipv6 ? GsoTcpv6 : GsoTcpv4;
            BinaryPrimitives.WriteUInt16LittleEndian(header[2..], (ushort)_headers);
            BinaryPrimitives.WriteUInt16LittleEndian(header[4..], (ushort)_segmentSize);
            BinaryPrimitives.WriteUInt16LittleEndian(header[6..], (ushort)_tcpOffset);
            BinaryPrimitives.WriteUInt16LittleEndian(header[8..], TcpChecksumOffset);
        }
        int length = _length;
        _length = 0;
        FramesWritten++;
        return write(_pending, VirtioHeaderLength + length);
    }

    /// <summary>IPv4 without options or IPv6 without extension headers, TCP, ACK with or without PSH and nothing else, some payload.</summary>
    private static bool IsDataSegment(ReadOnlySpan<byte> frame, out bool ipv6, out int tcpOffset, out int headers)
    {
        ipv6 = false;
        tcpOffset = 0;
        headers = 0;
        if (frame.Length < EthernetHeader + Ipv4HeaderLength + TcpMinimumHeader)
            return false;
        var ip = frame[EthernetHeader..];
        switch (BinaryPrimitives.ReadUInt16BigEndian(frame[EtherTypeOffset..]))
        {
            case EtherTypeIpv4:
                if (ip[0] != VersionAndIhl || ip[9] != ProtocolTcp || (BinaryPrimitives.ReadUInt16BigEndian(ip[6..]) & 0x3fff) != 0)
                    return false;
                if (BinaryPrimitives.ReadUInt16BigEndian(ip[2..]) != frame.Length - EthernetHeader)
                    return false; // padded: a short frame, never a data segment worth joining
                tcpOffset = EthernetHeader + Ipv4HeaderLength;
                break;
            case EtherTypeIpv6:
                if (frame.Length < EthernetHeader + Ipv6HeaderLength + TcpMinimumHeader || ip[0] >> 4 != Ipv6Version || ip[Ipv6NextHeaderOffset] != ProtocolTcp)
                    return false;
                if (BinaryPrimitives.ReadUInt16BigEndian(ip[4..]) != frame.Length - EthernetHeader - Ipv6HeaderLength)
                    return false;
                ipv6 = true;
                tcpOffset = EthernetHeader + Ipv6HeaderLength;
                break;
            default:
                return false;
        }
        var tcp = frame[tcpOffset..];
        int tcpHeader = (tcp[12] >> 4) * 4;
        byte flags = tcp[TcpFlagsOffset];
        if ((flags & ~FlagPsh) != FlagAck || BinaryPrimitives.ReadUInt16BigEndian(tcp[18..]) != 0)
            return false;
        headers = tcpOffset + tcpHeader;
        return tcpHeader >= TcpMinimumHeader && frame.Length > headers;
    }

    /// <summary>The next segment of the pending flow: same headers but for the sequence number, PSH, IP length, IPv4 id and checksums.</summary>
    private bool Continues(ReadOnlySpan<byte> frame)
    {
        if (_lastPayload != _segmentSize || !IsDataSegment(frame, out bool ipv6, out _, out int headers) || ipv6 != _ipv6 || headers != _headers)
            return false;
        int payload = frame.Length - headers;
        if (payload > _segmentSize || _length + payload > MaximumFrame || Sequence(frame, _tcpOffset) != _nextSequence)
            return false;
        var pending = _pending.AsSpan(VirtioHeaderLength, _headers);
        int tcp = _tcpOffset;
        return frame[..EthernetHeader].SequenceEqual(pending[..EthernetHeader])
            && SameIpHeader(frame[EthernetHeader..tcp], pending[EthernetHeader..tcp])
            // TCP: ports; then ACK number, data offset; then window; then the options.
            && frame.Slice(tcp, 4).SequenceEqual(pending.Slice(tcp, 4))
            && frame.Slice(tcp + 8, 5).SequenceEqual(pending.Slice(tcp + 8, 5))
            && frame.Slice(tcp + 14, 2).SequenceEqual(pending.Slice(tcp + 14, 2))
            && frame[(tcp + TcpMinimumHeader)..headers].SequenceEqual(pending[(tcp + TcpMinimumHeader)..headers]);
    }

    /// <summary>Every IP header field Linux copies to each segment: all but the lengths, IPv4's identification and checksum.</summary>
    private bool SameIpHeader(ReadOnlySpan<byte> ip, ReadOnlySpan<byte> pending) => _ipv6
        // Version, traffic class, flow label; next header, hop limit, addresses.
        ? ip[..4].SequenceEqual(pending[..4]) && ip[Ipv6NextHeaderOffset..].SequenceEqual(pending[Ipv6NextHeaderOffset..])
        // Version to length is checked by IsDataSegment; TOS; flags, TTL, protocol; addresses.
        : ip[1] == pending[1] && ip.Slice(6, 4).SequenceEqual(pending.Slice(6, 4)) && ip.Slice(12, 8).SequenceEqual(pending.Slice(12, 8));

    private void Append(ReadOnlySpan<byte> frame)
    {
        int payload = frame.Length - _headers;
        frame[_headers..].CopyTo(_pending.AsSpan(VirtioHeaderLength + _length));
        _length += payload;
        _lastPayload = payload;
        _segments++;
        _nextSequence += (uint)payload;
        // PSH, if the segment has it, goes on the joined frame: Linux leaves it on the last segment only.
        _pending[VirtioHeaderLength + _tcpOffset + TcpFlagsOffset] |= (byte)(frame[_tcpOffset + TcpFlagsOffset] & FlagPsh);
        SegmentsJoined++;
    }

    private static uint Sequence(ReadOnlySpan<byte> frame, int tcpOffset) => BinaryPrimitives.ReadUInt32BigEndian(frame[(tcpOffset + 4)..]);

    /// <summary>RFC 1071: the ones' complement sum of 16-bit words.</summary>
    private static uint Sum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        for (int i = 0; i + 1 < data.Length; i += 2)
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        return sum;
    }

    private static ushort Fold(uint sum)
    {
        while (sum >> 16 != 0)
            sum = (sum & 0xffff) + (sum >> 16);
        return (ushort)sum;
    }

    private static ushort HeaderChecksum(ReadOnlySpan<byte> header) => (ushort)~Fold(Sum(header));
}
