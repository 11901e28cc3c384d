using System.Buffers.Binary;
using Unikernel.Net.Wire;

namespace Unikernel.Tool.HostStack;

/// <summary>
/// Receive offload for hoststack's TAP, host only: with TUNSETOFFLOAD (TUN_F_CSUM, TSO4, TSO6)
/// Linux hands over a TCP stream in frames of up to 64 KiB, each behind a virtio_net_hdr that
/// says how to cut it (GSO_TCPV4 or GSO_TCPV6 and gso_size), and frames whose checksum it left
/// to us (NEEDS_CSUM). This cuts such a frame into the segments Linux would have sent, in place
/// (each segment's headers written over the tail of the previous segment's payload, which the
/// stack has consumed by then), with their checksums, so the stack sees what a wire delivers:
/// frames of at most 1514 bytes, checksummed. One read per 64 KiB instead of one per segment.
/// </summary>
public sealed class TcpSegmentSplitter
{
    private const byte NeedsChecksum = 1;       // VIRTIO_NET_HDR_F_NEEDS_CSUM
    private const byte GsoNone = 0;
    private const byte GsoTcpv4 = 1;
    private const byte GsoTcpv6 = 4;
    private const byte GsoEcn = 0x80;
    // struct virtio_net_hdr: u8 flags, u8 gso_type, then little-endian hdr_len, gso_size, csum_start, csum_offset.
    private const int GsoSizeOffset = 4;
    private const int CsumStartOffset = 6;
    private const int CsumOffsetOffset = 8;

    private const int EthernetHeader = 14;
    private const ushort EtherTypeIpv4 = 0x0800;
    private const ushort EtherTypeIpv6 = 0x86DD;
    private const int Ipv6HeaderLength = 40;
    private const byte ProtocolTcp = 6;
    private const int TcpChecksumOffset = 16;
    private const byte FlagFin = 0x01;
    private const byte FlagPsh = 0x08;
    private const byte FlagCwr = 0x80;

    private byte[] _frame = [];
    private int _length;
    private int _headers;      // Ethernet + IP + TCP
    private int _ipOffset = EthernetHeader;
    private bool _ipv4;
    private int _segmentSize;
    private int _next;         // payload offset of the next segment, from the frame's start
    private int _index;
    private byte[] _template = new byte[128];

    /// <summary>Frames Linux handed over whole to be cut, and the segments cut from them.</summary>
    public ulong FramesSplit { get; private set; }

    public ulong Segments { get; private set; }

    /// <summary>True while a cut frame has segments left.</summary>
    public bool HasSegments => _length > 0 && _next < _length;

    /// <summary>
    /// Takes a frame just read: <paramref name="header"/> its virtio_net_hdr, the frame itself
    /// <paramref name="length"/> bytes of <paramref name="frame"/>. Returns the length of a whole
    /// frame ready at the start of <paramref name="frame"/> (checksum completed if Linux left it),
    /// 0 when it is to be cut (take its segments with <see cref="TryNext"/>), -1 to drop it.
    /// </summary>
    public int Take(ReadOnlySpan<byte> header, byte[] frame, int length)
    {
        byte gso = (byte)(header[1] & ~GsoEcn);
        if (gso == GsoNone)
        {
            if ((header[0] & NeedsChecksum) != 0 && !CompleteChecksum(frame.AsSpan(0, length), BinaryPrimitives.ReadUInt16LittleEndian(header[CsumStartOffset..]),
                    BinaryPrimitives.ReadUInt16LittleEndian(header[CsumOffsetOffset..])))
                return -1;
            return length;
        }
        if ((gso != GsoTcpv4 && gso != GsoTcpv6) || !Parse(frame, length, gso == GsoTcpv4))
            return -1;
        _segmentSize = BinaryPrimitives.ReadUInt16LittleEndian(header[GsoSizeOffset..]);
        if (_segmentSize == 0)
            return -1;
        _frame = frame;
        _length = length;
        _next = _headers;
        _index = 0;
        frame.AsSpan(0, _headers).CopyTo(_template);
        FramesSplit++;
        return 0;
    }

    /// <summary>The next segment of the frame being cut, in place in its buffer; false when none is left.</summary>
    public bool TryNext(out Span<byte> segment)
    {
        segment = default;
        if (!HasSegments)
            return false;
        int payload = Math.Min(_segmentSize, _length - _next);
        int start = _next - _headers;
        var frame = _frame.AsSpan(start, _headers + payload);
        _template.AsSpan(0, _headers).CopyTo(frame);
        bool last = _next + payload >= _length;
        var ip = frame[_ipOffset..];
        int tcpOffset = _ipOffset + (_ipv4 ? (ip[0] & 0xf) * 4 : Ipv6HeaderLength);
        var tcp = frame[tcpOffset..];
        int tcpLength = frame.Length - tcpOffset;
        // Linux's tcp_gso_segment: each segment's sequence number moves on; CWR only on the
        // first, FIN and PSH only on the last; IPv4's identification counts up.
        uint sequence = BinaryPrimitives.ReadUInt32BigEndian(tcp[4..]) + (uint)(_next - _headers);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], sequence);
        if (_index > 0)
            tcp[13] &= unchecked((byte)~FlagCwr);
        if (!last)
            tcp[13] &= unchecked((byte)~(FlagFin | FlagPsh));
        ushort pseudo;
        if (_ipv4)
        {
            BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(frame.Length - _ipOffset));
            BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)(BinaryPrimitives.ReadUInt16BigEndian(ip[4..]) + _index));
            BinaryPrimitives.WriteUInt16BigEndian(ip[10..], 0);
            int ipHeader = (ip[0] & 0xf) * 4;
            BinaryPrimitives.WriteUInt16BigEndian(ip[10..], InternetChecksum.Compute(ip[..ipHeader]));
            pseudo = InternetChecksum.PseudoHeaderSum(new Ipv4Address(ip.Slice(12, 4)), new Ipv4Address(ip.Slice(16, 4)), IpProtocol.Tcp, tcpLength);
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)(frame.Length - _ipOffset - Ipv6HeaderLength));
            pseudo = InternetChecksum.PseudoHeaderSum(new Ipv6Address(ip.Slice(8, 16)), new Ipv6Address(ip.Slice(24, 16)), IpProtocol.Tcp, tcpLength);
        }
        BinaryPrimitives.WriteUInt16BigEndian(tcp[TcpChecksumOffset..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[TcpChecksumOffset..], (ushort)~InternetChecksum.Sum(tcp[..tcpLength], pseudo));
        _next += payload;
        _index++;
        Segments++;
        segment = frame;
        return true;
    }

    /// <summary>The headers of a frame to cut: IPv4 or IPv6 (no extension headers) carrying TCP.</summary>
    private bool Parse(byte[] frame, int length, bool ipv4)
    {
        if (length < EthernetHeader + Ipv6HeaderLength)
            return false;
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(12));
        var ip = frame.AsSpan(EthernetHeader);
        int ipHeader;
        if (ipv4)
        {
            if (type != EtherTypeIpv4 || ip[0] >> 4 != 4 || ip[9] != ProtocolTcp)
                return false;
            ipHeader = (ip[0] & 0xf) * 4;
        }
        else
        {
            if (type != EtherTypeIpv6 || ip[0] >> 4 != 6 || ip[6] != ProtocolTcp)
                return false;
            ipHeader = Ipv6HeaderLength;
        }
        int tcpOffset = EthernetHeader + ipHeader;
        if (length < tcpOffset + 20)
            return false;
        _headers = tcpOffset + (frame[tcpOffset + 12] >> 4) * 4;
        _ipv4 = ipv4;
        if (_template.Length < _headers)
            _template = new byte[_headers];
        return _headers < length;
    }

    /// <summary>NEEDS_CSUM: the sum from <paramref name="start"/> to the end goes at start + offset (the field holds the pseudo-header's sum).</summary>
    private static bool CompleteChecksum(Span<byte> frame, int start, int offset)
    {
        if (start + offset + 2 > frame.Length)
            return false;
        // A computed 0 goes as 0xFFFF, the same in ones' complement: for UDP, 0 would mean no checksum (RFC 768).
        ushort checksum = (ushort)~InternetChecksum.Sum(frame[start..]);
        BinaryPrimitives.WriteUInt16BigEndian(frame[(start + offset)..], checksum == 0 ? ushort.MaxValue : checksum);
        return true;
    }
}
