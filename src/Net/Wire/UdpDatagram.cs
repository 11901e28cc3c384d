using System.Buffers.Binary;

namespace Unikernel.Net.Wire;

/// <summary>
/// A view of a UDP datagram (RFC 768): ports, length, checksum, data. The checksum covers an IP
/// pseudo-header, so it is verified with the addresses, by <see cref="VerifyChecksum(Ipv4Address, Ipv4Address)"/>
/// or its IPv6 overload, not by <see cref="Check"/>.
/// </summary>
/// <remarks>
/// Call <see cref="Check"/> (or <see cref="TryParse"/>) first; after it, no accessor can fault.
/// The constructor itself checks nothing.
/// </remarks>
public readonly ref struct UdpDatagram
{
    public const int SourcePortOffset = 0;
    public const int DestinationPortOffset = 2;
    public const int LengthOffset = 4;
    public const int ChecksumOffset = 6;
    public const int HeaderLength = 8;

    /// <summary>The 16-bit length field's limit, header included.</summary>
    public const int MaximumLength = 65535;

    private readonly Span<byte> _buffer;

    /// <summary>Wraps the bytes without checking them.</summary>
    public UdpDatagram(Span<byte> buffer)
    {
        _buffer = buffer;
    }

    /// <summary>
    /// Accepts a datagram with a whole header whose length field covers the header and fits the
    /// buffer. Bytes after that length are not the datagram's; whether the IP layer should have
    /// had them is its own question.
    /// </summary>
    public static bool Check(ReadOnlySpan<byte> buffer, out WireError reason)
    {
        if (buffer.Length < HeaderLength)
            reason = WireError.Truncated;
        else
        {
            int length = BinaryPrimitives.ReadUInt16BigEndian(buffer.Slice(LengthOffset));
            if (length < HeaderLength)
                reason = WireError.BadLength;
            else if (buffer.Length < length)
                reason = WireError.Truncated;
            else
                reason = WireError.None;
        }
        return reason == WireError.None;
    }

    /// <summary><see cref="Check"/>, then a view of exactly <see cref="Length"/> bytes.</summary>
    public static bool TryParse(Span<byte> buffer, out UdpDatagram datagram, out WireError reason)
    {
        datagram = Check(buffer, out reason)
            ? new UdpDatagram(buffer.Slice(0, BinaryPrimitives.ReadUInt16BigEndian(buffer.Slice(LengthOffset))))
            : default;
        return reason == WireError.None;
    }

    /// <summary>
    /// Writes the 8-byte header with a zero checksum for <paramref name="payloadLength"/> bytes of
    /// data, and returns a view of header and data; the caller writes the data, then calls
    /// <see cref="FillChecksum(Ipv4Address, Ipv4Address)"/> or its IPv6 overload.
    /// </summary>
    public static UdpDatagram Emit(Span<byte> buffer, ushort sourcePort, ushort destinationPort, int payloadLength)
    {
        if ((uint)payloadLength > MaximumLength - HeaderLength || buffer.Length - HeaderLength < payloadLength)
            Kernel.Panic("UdpDatagram.Emit: payload too long or buffer too short"u8);
        var datagram = new UdpDatagram(buffer.Slice(0, HeaderLength + payloadLength));
        datagram.SourcePort = sourcePort;
        datagram.DestinationPort = destinationPort;
        datagram.Length = HeaderLength + payloadLength;
        datagram.Checksum = 0;
        return datagram;
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

    /// <summary>Header and data, in bytes.</summary>
    public int Length
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(LengthOffset));
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(LengthOffset), (ushort)value);
    }

    public ushort Checksum
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(ChecksumOffset));
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(ChecksumOffset), value);
    }

    /// <summary>From the end of the header to <see cref="Length"/>.</summary>
    public Span<byte> Payload => _buffer.Slice(HeaderLength, Length - HeaderLength);

    /// <summary>The checksum to store when carried in IPv4 (RFC 768).</summary>
    public ushort ComputeChecksum(Ipv4Address source, Ipv4Address destination) =>
        Finish(InternetChecksum.PseudoHeaderSum(source, destination, IpProtocol.Udp, Length));

    /// <summary>The checksum to store when carried in IPv6 (RFC 8200 section 8.1).</summary>
    public ushort ComputeChecksum(in Ipv6Address source, in Ipv6Address destination) =>
        Finish(InternetChecksum.PseudoHeaderSum(source, destination, IpProtocol.Udp, Length));

    /// <summary>
    /// True if the checksum adds up over IPv4, or is zero: over IPv4 a zero checksum means the
    /// sender computed none (RFC 768), and RFC 1122 section 4.1.3.4 lets that through.
    /// </summary>
    public bool VerifyChecksum(Ipv4Address source, Ipv4Address destination) =>
        Checksum == 0 || Verify(InternetChecksum.PseudoHeaderSum(source, destination, IpProtocol.Udp, Length));

    /// <summary>
    /// True if the checksum adds up over IPv6. Zero is never valid here: the checksum is
    /// mandatory and receivers discard datagrams without one (RFC 8200 section 8.1; the tunnel
    /// exception of RFC 6935 is not ours).
    /// </summary>
    public bool VerifyChecksum(in Ipv6Address source, in Ipv6Address destination) =>
        Checksum != 0 && Verify(InternetChecksum.PseudoHeaderSum(source, destination, IpProtocol.Udp, Length));

    /// <summary>Writes the IPv4 checksum, after the data is in place.</summary>
    public void FillChecksum(Ipv4Address source, Ipv4Address destination) => Checksum = ComputeChecksum(source, destination);

    /// <summary>Writes the IPv6 checksum, after the data is in place.</summary>
    public void FillChecksum(in Ipv6Address source, in Ipv6Address destination) => Checksum = ComputeChecksum(source, destination);

    private bool Verify(ushort pseudoHeaderSum) => InternetChecksum.Sum(Datagram, pseudoHeaderSum) == 0xFFFF;

    /// <summary>
    /// Sums the datagram with its checksum field taken as zero, and complements. A computed 0 is
    /// sent as 0xFFFF, the same value in one's complement, since 0 means "no checksum" (RFC 768).
    /// </summary>
    private ushort Finish(ushort pseudoHeaderSum)
    {
        ReadOnlySpan<byte> datagram = Datagram;
        ushort sum = InternetChecksum.Sum(datagram.Slice(0, ChecksumOffset), pseudoHeaderSum);
        sum = InternetChecksum.Sum(datagram.Slice(ChecksumOffset + 2), sum);
        ushort checksum = (ushort)~sum;
        return checksum == 0 ? (ushort)0xFFFF : checksum;
    }

    /// <summary>The <see cref="Length"/> bytes the checksum covers.</summary>
    private Span<byte> Datagram => _buffer.Slice(0, Length);
}
