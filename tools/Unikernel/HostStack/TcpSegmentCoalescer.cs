using System.Buffers.Binary;

namespace Unikernel.Tool.HostStack;

/// <summary>
/// Segmentation offload for hoststack's TAP, host only: consecutive full-size TCP segments of one
/// IPv4 flow that the stack sends back to back are joined into one frame of up to 64 KiB, which
/// Linux takes in one write with a virtio_net_hdr asking it for TCP segmentation
/// (VIRTIO_NET_HDR_GSO_TCPV4, include/uapi/linux/virtio_net.h): Linux's receive path then runs
/// once per 64 KiB instead of once per segment, as it does for a NIC's GRO. On the wire (and in
/// Linux's view) the segments are the stack's own, byte for byte, but for the IP
/// identification and the checksums, which Linux recomputes per segment. Anything else (IPv6,
/// pure ACKs, SYN, FIN, RST, a short segment that is not last) passes through unchanged.
/// </summary>
public sealed class TcpSegmentCoalescer
{
    /// <summary>struct virtio_net_hdr: flags, gso_type, hdr_len, gso_size, csum_start, csum_offset.</summary>
    public const int VirtioHeaderLength = 10;

    private const byte NeedsChecksum = 1;        // VIRTIO_NET_HDR_F_NEEDS_CSUM
    private const byte GsoTcpv4 = 1;             // VIRTIO_NET_HDR_GSO_TCPV4

    private const int EthernetHeader = 14;
    private const int EtherTypeOffset = 12;
    private const ushort EtherTypeIpv4 = 0x0800;
    private const int Ipv4HeaderLength = 20;     // no options: IHL 5
    private const byte VersionAndIhl = 0x45;
    private const byte ProtocolTcp = 6;
    private const int TcpChecksumOffset = 16;
    private const byte FlagAck = 0x10;
    private const byte FlagPsh = 0x08;

    /// <summary>IPv4's total length is 16 bits (RFC 791): the largest joined frame.</summary>
    private const int MaximumFrame = EthernetHeader + ushort.MaxValue;

    private readonly byte[] _pending = new byte[VirtioHeaderLength + MaximumFrame];
    private int _length;          // frame bytes after the virtio header; 0 when nothing is pending
    private int _headers;         // Ethernet + IPv4 + TCP headers
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
    /// segment of IPv4, and then nothing is pending: the caller writes it as it is.
    /// </summary>
    public bool TryTake(ReadOnlySpan<byte> frame, Func<byte[], int, bool> write)
    {
        if (_length > 0 && Continues(frame))
        {
            Append(frame);
            return true;
        }
        Flush(write);
        if (!IsDataSegment(frame, out int headers))
            return false;
        frame.CopyTo(_pending.AsSpan(VirtioHeaderLength));
        _length = frame.Length;
        _headers = headers;
        _segmentSize = frame.Length - headers;
        _lastPayload = _segmentSize;
        _segments = 1;
        _nextSequence = Sequence(frame) + (uint)_segmentSize;
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
            BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)ipLength);
            BinaryPrimitives.WriteUInt16BigEndian(ip[10..], 0);
            BinaryPrimitives.WriteUInt16BigEndian(ip[10..], HeaderChecksum(ip[..Ipv4HeaderLength]));
            // With NEEDS_CSUM the field holds the pseudo-header's sum, not complemented; Linux completes it per segment.
            int tcpLength = ipLength - Ipv4HeaderLength;
            uint pseudo = Sum(ip.Slice(12, 8)) + ProtocolTcp + (uint)tcpLength;
            BinaryPrimitives.WriteUInt16BigEndian(ip[(Ipv4HeaderLength + TcpChecksumOffset)..], Fold(pseudo));
            header[0] = NeedsChecksum;
            header[1] = GsoTcpv4;
            BinaryPrimitives.WriteUInt16LittleEndian(header[2..], (ushort)_headers);
            BinaryPrimitives.WriteUInt16LittleEndian(header[4..], (ushort)_segmentSize);
            BinaryPrimitives.WriteUInt16LittleEndian(header[6..], EthernetHeader + Ipv4HeaderLength);
            BinaryPrimitives.WriteUInt16LittleEndian(header[8..], TcpChecksumOffset);
        }
        int length = _length;
        _length = 0;
        FramesWritten++;
        return write(_pending, VirtioHeaderLength + length);
    }

    /// <summary>IPv4 without options, TCP, ACK with or without PSH and nothing else, some payload.</summary>
    private static bool IsDataSegment(ReadOnlySpan<byte> frame, out int headers)
    {
        headers = 0;
        if (frame.Length < EthernetHeader + Ipv4HeaderLength + 20 || BinaryPrimitives.ReadUInt16BigEndian(frame[EtherTypeOffset..]) != EtherTypeIpv4)
            return false;
        var ip = frame[EthernetHeader..];
        if (ip[0] != VersionAndIhl || ip[9] != ProtocolTcp || (BinaryPrimitives.ReadUInt16BigEndian(ip[6..]) & 0x3fff) != 0)
            return false;
        int ipLength = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
        if (ipLength != frame.Length - EthernetHeader)
            return false; // padded: a short frame, never a data segment worth joining
        var tcp = ip[Ipv4HeaderLength..];
        int tcpHeader = (tcp[12] >> 4) * 4;
        byte flags = tcp[13];
        if ((flags & ~FlagPsh) != FlagAck || BinaryPrimitives.ReadUInt16BigEndian(tcp[18..]) != 0)
            return false;
        headers = EthernetHeader + Ipv4HeaderLength + tcpHeader;
        return frame.Length > headers;
    }

    /// <summary>The next segment of the pending flow: same headers but for the sequence number, PSH, IP id and checksums.</summary>
    private bool Continues(ReadOnlySpan<byte> frame)
    {
        if (_lastPayload != _segmentSize || !IsDataSegment(frame, out int headers) || headers != _headers)
            return false;
        int payload = frame.Length - headers;
        if (payload > _segmentSize || _length + payload > MaximumFrame || Sequence(frame) != _nextSequence)
            return false;
        var pending = _pending.AsSpan(VirtioHeaderLength, _headers);
        const int Tcp = EthernetHeader + Ipv4HeaderLength;
        // Ethernet header; IPv4 version to length is checked above, TOS, flags, TTL, protocol, addresses here.
        return frame[..EthernetHeader].SequenceEqual(pending[..EthernetHeader])
            && frame[EthernetHeader + 1] == pending[EthernetHeader + 1]
            && frame.Slice(EthernetHeader + 6, 4).SequenceEqual(pending.Slice(EthernetHeader + 6, 4))
            && frame.Slice(EthernetHeader + 12, 8).SequenceEqual(pending.Slice(EthernetHeader + 12, 8))
            // TCP: ports; then ACK number, data offset; then window; then the options.
            && frame.Slice(Tcp, 4).SequenceEqual(pending.Slice(Tcp, 4))
            && frame.Slice(Tcp + 8, 5).SequenceEqual(pending.Slice(Tcp + 8, 5))
            && frame.Slice(Tcp + 14, 2).SequenceEqual(pending.Slice(Tcp + 14, 2))
            && frame[(Tcp + 20)..headers].SequenceEqual(pending[(Tcp + 20)..headers]);
    }

    private void Append(ReadOnlySpan<byte> frame)
    {
        int payload = frame.Length - _headers;
        frame[_headers..].CopyTo(_pending.AsSpan(VirtioHeaderLength + _length));
        _length += payload;
        _lastPayload = payload;
        _segments++;
        _nextSequence += (uint)payload;
        // PSH, if the segment has it, goes on the joined frame: Linux leaves it on the last segment only.
        _pending[VirtioHeaderLength + EthernetHeader + Ipv4HeaderLength + 13] |= (byte)(frame[EthernetHeader + Ipv4HeaderLength + 13] & FlagPsh);
        SegmentsJoined++;
    }

    private static uint Sequence(ReadOnlySpan<byte> frame) => BinaryPrimitives.ReadUInt32BigEndian(frame[(EthernetHeader + Ipv4HeaderLength + 4)..]);

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
