using System.Buffers.Binary;
using Unikernel.Net.Tcp;

namespace Unikernel.Net.Wire;

/// <summary>
/// A view of a TCP segment (RFC 9293 section 3.1): ports, sequence and acknowledgment numbers,
/// data offset, control bits, window, checksum, urgent pointer, options, data. TCP has no length
/// field: the segment is the whole of the IP payload the view is given.
/// </summary>
/// <remarks>
/// <para>
/// Call <see cref="Check"/> (or <see cref="TryParse"/>) first; after it, no accessor can fault.
/// The constructor itself checks nothing.
/// </para>
/// <para>
/// The checksum covers an IP pseudo-header, so it is verified with the addresses, by
/// <see cref="VerifyChecksum(Ipv4Address, Ipv4Address)"/> or its IPv6 overload, not by
/// <see cref="Check"/>. Unlike UDP's it is mandatory in both families (RFC 9293 section 3.1,
/// MUST-2 and MUST-3), so zero has no special meaning.
/// </para>
/// </remarks>
public readonly ref struct TcpSegment
{
    public const int SourcePortOffset = 0;
    public const int DestinationPortOffset = 2;
    public const int SequenceNumberOffset = 4;
    public const int AcknowledgmentNumberOffset = 8;
    public const int DataOffsetOffset = 12;
    public const int FlagsOffset = 13;
    public const int WindowOffset = 14;
    public const int ChecksumOffset = 16;
    public const int UrgentPointerOffset = 18;

    /// <summary>A header without options: data offset 5.</summary>
    public const int MinimumHeaderLength = 20;

    /// <summary>Data offset 15: the 4-bit field counts 32-bit words.</summary>
    public const int MaximumHeaderLength = 60;

    private readonly Span<byte> _buffer;

    /// <summary>Wraps the bytes without checking them.</summary>
    public TcpSegment(Span<byte> buffer)
    {
        _buffer = buffer;
    }

    /// <summary>
    /// Accepts a segment with a whole fixed header, a data offset of at least five words whose
    /// header fits the buffer, and options that walk cleanly to the end of the header by the
    /// rules of <see cref="TcpOptions.TryParse"/>: an option running past the header is
    /// <see cref="WireError.BadFormat"/>, a known option of the wrong length <see cref="WireError.BadLength"/>.
    /// </summary>
    public static bool Check(ReadOnlySpan<byte> buffer, out WireError reason)
    {
        if (buffer.Length < MinimumHeaderLength)
            reason = WireError.Truncated;
        else
        {
            int headerLength = (buffer[DataOffsetOffset] >> 4) * 4;
            if (headerLength < MinimumHeaderLength)
                reason = WireError.BadHeaderLength;
            else if (buffer.Length < headerLength)
                reason = WireError.Truncated;
            else
                TcpOptions.TryParse(buffer.Slice(MinimumHeaderLength, headerLength - MinimumHeaderLength), out _, out reason);
        }
        return reason == WireError.None;
    }

    /// <summary><see cref="Check"/>, then a view of the whole buffer: header, options and data.</summary>
    public static bool TryParse(Span<byte> buffer, out TcpSegment segment, out WireError reason)
    {
        segment = Check(buffer, out reason) ? new TcpSegment(buffer) : default;
        return reason == WireError.None;
    }

    /// <summary>
    /// Writes the 20-byte fixed header for <paramref name="optionsLength"/> bytes of options and
    /// <paramref name="payloadLength"/> bytes of data, with the reserved bits, checksum and urgent
    /// pointer zero, and returns a view of all of it. The caller writes the options (with
    /// <see cref="TcpOptions.Write"/>, sized by <see cref="TcpOptions.Length"/>) and the data,
    /// then calls <see cref="FillChecksum(Ipv4Address, Ipv4Address)"/> or its IPv6 overload.
    /// </summary>
    /// <remarks>
    /// <paramref name="optionsLength"/> must be a multiple of 4 up to 40: the data offset counts
    /// words, and a header cannot hold more (RFC 9293 section 3.1).
    /// </remarks>
    public static TcpSegment Emit(Span<byte> buffer, ushort sourcePort, ushort destinationPort, SeqNumber seq, SeqNumber ack,
        TcpFlags flags, ushort window, int optionsLength, int payloadLength)
    {
        if ((uint)optionsLength > TcpOptions.MaximumLength || (optionsLength & 3) != 0)
            Kernel.Panic("TcpSegment.Emit: options length not a multiple of 4 up to 40"u8);
        if (payloadLength < 0 || buffer.Length - MinimumHeaderLength - optionsLength < payloadLength)
            Kernel.Panic("TcpSegment.Emit: buffer too short"u8);
        int headerLength = MinimumHeaderLength + optionsLength;
        var segment = new TcpSegment(buffer.Slice(0, headerLength + payloadLength));
        segment.SourcePort = sourcePort;
        segment.DestinationPort = destinationPort;
        segment.SequenceNumber = seq;
        segment.AcknowledgmentNumber = ack;
        buffer[DataOffsetOffset] = (byte)(headerLength / 4 << 4);
        buffer[FlagsOffset] = (byte)flags;
        segment.Window = window;
        segment.Checksum = 0;
        segment.UrgentPointer = 0;
        return segment;
    }

    /// <summary>The bytes this view covers.</summary>
    public Span<byte> Buffer => _buffer;

    public ushort SourcePort
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(SourcePortOffset));
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(SourcePortOffset), value);
    }

    public ushort DestinationPort
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(DestinationPortOffset));
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(DestinationPortOffset), value);
    }

    /// <summary>SEG.SEQ: the sequence number of the first octet, or of the SYN itself (RFC 9293 section 3.1).</summary>
    public SeqNumber SequenceNumber
    {
        get => new SeqNumber(BinaryPrimitives.ReadUInt32BigEndian(_buffer.Slice(SequenceNumberOffset)));
        set => BinaryPrimitives.WriteUInt32BigEndian(_buffer.Slice(SequenceNumberOffset), value.Value);
    }

    /// <summary>SEG.ACK: the next sequence number the sender expects; meaningful only with <see cref="TcpFlags.Ack"/>.</summary>
    public SeqNumber AcknowledgmentNumber
    {
        get => new SeqNumber(BinaryPrimitives.ReadUInt32BigEndian(_buffer.Slice(AcknowledgmentNumberOffset)));
        set => BinaryPrimitives.WriteUInt32BigEndian(_buffer.Slice(AcknowledgmentNumberOffset), value.Value);
    }

    /// <summary>
    /// The header length in bytes, options included (data offset times four). Setting it keeps
    /// the four reserved bits beside the field.
    /// </summary>
    public int HeaderLength
    {
        get => (_buffer[DataOffsetOffset] >> 4) * 4;
        set => _buffer[DataOffsetOffset] = (byte)(value / 4 << 4 | _buffer[DataOffsetOffset] & 0xF);
    }

    /// <summary>The control bits of octet 13 (<see cref="TcpFlags"/>).</summary>
    public TcpFlags Flags
    {
        get => (TcpFlags)_buffer[FlagsOffset];
        set => _buffer[FlagsOffset] = (byte)value;
    }

    public bool Fin => (_buffer[FlagsOffset] & (byte)TcpFlags.Fin) != 0;

    public bool Syn => (_buffer[FlagsOffset] & (byte)TcpFlags.Syn) != 0;

    public bool Rst => (_buffer[FlagsOffset] & (byte)TcpFlags.Rst) != 0;

    public bool Psh => (_buffer[FlagsOffset] & (byte)TcpFlags.Psh) != 0;

    public bool Ack => (_buffer[FlagsOffset] & (byte)TcpFlags.Ack) != 0;

    public bool Urg => (_buffer[FlagsOffset] & (byte)TcpFlags.Urg) != 0;

    /// <summary>SEG.WND as sent: unscaled; on a SYN it is never scaled (RFC 7323 section 2.2).</summary>
    public ushort Window
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(WindowOffset));
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(WindowOffset), value);
    }

    public ushort Checksum
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(ChecksumOffset));
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(ChecksumOffset), value);
    }

    /// <summary>SEG.UP, an offset from SEG.SEQ; meaningful only with <see cref="TcpFlags.Urg"/>.</summary>
    public ushort UrgentPointer
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(UrgentPointerOffset));
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(UrgentPointerOffset), value);
    }

    /// <summary>The option bytes between the fixed header and the data, padding included; parse them with <see cref="TcpOptions.TryParse"/>.</summary>
    public Span<byte> Options => _buffer.Slice(MinimumHeaderLength, HeaderLength - MinimumHeaderLength);

    /// <summary>The data: everything after the header.</summary>
    public Span<byte> Payload => _buffer.Slice(HeaderLength);

    /// <summary>
    /// SEG.LEN: the sequence space the segment occupies, its data plus one each for SYN and FIN
    /// (RFC 9293 section 3.4).
    /// </summary>
    public int SegmentLength => _buffer.Length - HeaderLength + (Syn ? 1 : 0) + (Fin ? 1 : 0);

    /// <summary>The checksum to store when carried in IPv4 (RFC 9293 section 3.1).</summary>
    public ushort ComputeChecksum(Ipv4Address source, Ipv4Address destination) =>
        Finish(InternetChecksum.PseudoHeaderSum(source, destination, IpProtocol.Tcp, _buffer.Length));

    /// <summary>The checksum to store when carried in IPv6 (RFC 8200 section 8.1).</summary>
    public ushort ComputeChecksum(in Ipv6Address source, in Ipv6Address destination) =>
        Finish(InternetChecksum.PseudoHeaderSum(source, destination, IpProtocol.Tcp, _buffer.Length));

    /// <summary>True if the segment, checksum included, sums to 0xFFFF with the IPv4 pseudo-header.</summary>
    public bool VerifyChecksum(Ipv4Address source, Ipv4Address destination) =>
        InternetChecksum.Sum(_buffer, InternetChecksum.PseudoHeaderSum(source, destination, IpProtocol.Tcp, _buffer.Length)) == 0xFFFF;

    /// <summary>True if the segment, checksum included, sums to 0xFFFF with the IPv6 pseudo-header.</summary>
    public bool VerifyChecksum(in Ipv6Address source, in Ipv6Address destination) =>
        InternetChecksum.Sum(_buffer, InternetChecksum.PseudoHeaderSum(source, destination, IpProtocol.Tcp, _buffer.Length)) == 0xFFFF;

    /// <summary>Writes the IPv4 checksum, after the options and data are in place.</summary>
    public void FillChecksum(Ipv4Address source, Ipv4Address destination) => Checksum = ComputeChecksum(source, destination);

    /// <summary>Writes the IPv6 checksum, after the options and data are in place.</summary>
    public void FillChecksum(in Ipv6Address source, in Ipv6Address destination) => Checksum = ComputeChecksum(source, destination);

    /// <summary>
    /// Sums the segment with its checksum field taken as zero, and complements. Unlike UDP, a
    /// computed 0 is sent as 0: TCP has no "no checksum" value to avoid.
    /// </summary>
    private ushort Finish(ushort pseudoHeaderSum)
    {
        ReadOnlySpan<byte> segment = _buffer;
        ushort sum = InternetChecksum.Sum(segment.Slice(0, ChecksumOffset), pseudoHeaderSum);
        sum = InternetChecksum.Sum(segment.Slice(ChecksumOffset + 2), sum);
        return (ushort)~sum;
    }
}
