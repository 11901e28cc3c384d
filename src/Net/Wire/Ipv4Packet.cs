using System.Buffers.Binary;

namespace Unikernel.Net.Wire;

/// <summary>
/// A view of an IPv4 packet (RFC 791 section 3.1). Options are carried but not interpreted:
/// the header length is honoured, so the payload starts after them.
/// </summary>
/// <remarks>
/// Call <see cref="Check"/> (or <see cref="TryParse"/>) first; after it, no accessor can fault.
/// The constructor itself checks nothing.
/// </remarks>
public readonly ref struct Ipv4Packet
{
    public const int VersionAndHeaderLengthOffset = 0;
    public const int DscpAndEcnOffset = 1;
    public const int TotalLengthOffset = 2;
    public const int IdentificationOffset = 4;
    public const int FlagsAndFragmentOffsetOffset = 6;
    public const int TimeToLiveOffset = 8;
    public const int ProtocolOffset = 9;
    public const int ChecksumOffset = 10;
    public const int SourceOffset = 12;
    public const int DestinationOffset = 16;

    /// <summary>A header without options: IHL 5.</summary>
    public const int MinimumHeaderLength = 20;

    /// <summary>IHL 15: the 4-bit field counts 32-bit words.</summary>
    public const int MaximumHeaderLength = 60;

    /// <summary>The 16-bit total length field's limit.</summary>
    public const int MaximumLength = 65535;

    public const byte Version4 = 4;

    /// <summary>Fragment offsets count 8-octet units (RFC 791 section 3.1), so every fragment but the last carries a multiple of 8 bytes.</summary>
    public const int FragmentUnit = 8;

    // RFC 791 section 3.1: bit 0 reserved, bit 1 DF, bit 2 MF, then 13 bits of offset in 8-octet units.
    private const ushort DontFragmentFlag = 0x4000;
    private const ushort MoreFragmentsFlag = 0x2000;
    private const ushort FragmentOffsetMask = 0x1FFF;

    private readonly Span<byte> _buffer;

    /// <summary>Wraps the bytes without checking them.</summary>
    public Ipv4Packet(Span<byte> buffer)
    {
        _buffer = buffer;
    }

    /// <summary>
    /// Accepts a packet whose version is 4, whose header length is at least 20 and inside the
    /// buffer, whose total length covers the header and fits the buffer (more bytes after it
    /// are Ethernet padding), and whose header checksum adds up: RFC 1122 section 3.2.1.2 says
    /// a host MUST verify it and silently discard the packet if it fails.
    /// </summary>
    public static bool Check(ReadOnlySpan<byte> buffer, out WireError reason)
    {
        if (buffer.Length < MinimumHeaderLength)
            reason = WireError.Truncated;
        else if (buffer[VersionAndHeaderLengthOffset] >> 4 != Version4)
            reason = WireError.BadVersion;
        else
        {
            int headerLength = (buffer[VersionAndHeaderLengthOffset] & 0xF) * 4;
            int totalLength = BinaryPrimitives.ReadUInt16BigEndian(buffer.Slice(TotalLengthOffset));
            if (headerLength < MinimumHeaderLength)
                reason = WireError.BadHeaderLength;
            else if (buffer.Length < headerLength)
                reason = WireError.Truncated;
            else if (totalLength < headerLength)
                reason = WireError.BadLength;
            else if (buffer.Length < totalLength)
                reason = WireError.Truncated;
            else if (!InternetChecksum.Verify(buffer.Slice(0, headerLength)))
                reason = WireError.BadChecksum;
            else
                reason = WireError.None;
        }
        return reason == WireError.None;
    }

    /// <summary><see cref="Check"/>, then a view of exactly <see cref="TotalLength"/> bytes (Ethernet padding left out).</summary>
    public static bool TryParse(Span<byte> buffer, out Ipv4Packet packet, out WireError reason)
    {
        packet = Check(buffer, out reason)
            ? new Ipv4Packet(buffer.Slice(0, BinaryPrimitives.ReadUInt16BigEndian(buffer.Slice(TotalLengthOffset))))
            : default;
        return reason == WireError.None;
    }

    /// <summary>
    /// Writes a 20-byte header without options, checksum included, for a payload of
    /// <paramref name="payloadLength"/> bytes that the caller writes after it, and returns a view
    /// of header and payload.
    /// </summary>
    /// <remarks>
    /// DF is set and the identification is zero: we never fragment what we send, and an atomic
    /// datagram's ID may be any value (RFC 6864 section 4.1). DSCP and ECN are zero (best effort).
    /// </remarks>
    public static Ipv4Packet Emit(Span<byte> buffer, Ipv4Address source, Ipv4Address destination,
        IpProtocol protocol, int payloadLength, byte timeToLive)
    {
        if ((uint)payloadLength > MaximumLength - MinimumHeaderLength || buffer.Length < MinimumHeaderLength + payloadLength)
            Kernel.Panic("Ipv4Packet.Emit: payload too long or buffer too short"u8);
        int totalLength = MinimumHeaderLength + payloadLength;
        var packet = new Ipv4Packet(buffer.Slice(0, totalLength));
        buffer[VersionAndHeaderLengthOffset] = Version4 << 4 | MinimumHeaderLength / 4;
        buffer[DscpAndEcnOffset] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(buffer.Slice(TotalLengthOffset), (ushort)totalLength);
        BinaryPrimitives.WriteUInt16BigEndian(buffer.Slice(IdentificationOffset), 0);
        BinaryPrimitives.WriteUInt16BigEndian(buffer.Slice(FlagsAndFragmentOffsetOffset), DontFragmentFlag);
        buffer[TimeToLiveOffset] = timeToLive;
        buffer[ProtocolOffset] = (byte)protocol;
        packet.Source = source;
        packet.Destination = destination;
        packet.FillChecksum();
        return packet;
    }

    /// <summary>The bytes this view covers.</summary>
    public Span<byte> Buffer => _buffer;

    public int Version => _buffer[VersionAndHeaderLengthOffset] >> 4;

    /// <summary>The header length in bytes, options included (IHL times four).</summary>
    public int HeaderLength => (_buffer[VersionAndHeaderLengthOffset] & 0xF) * 4;

    /// <summary>Differentiated Services code point, the top six bits of the old TOS octet (RFC 2474 section 3).</summary>
    public byte Dscp
    {
        get => (byte)(_buffer[DscpAndEcnOffset] >> 2);
        set => _buffer[DscpAndEcnOffset] = (byte)(value << 2 | _buffer[DscpAndEcnOffset] & 0x3);
    }

    /// <summary>Explicit Congestion Notification, the low two bits (RFC 3168 section 5).</summary>
    public byte Ecn
    {
        get => (byte)(_buffer[DscpAndEcnOffset] & 0x3);
        set => _buffer[DscpAndEcnOffset] = (byte)(_buffer[DscpAndEcnOffset] & 0xFC | value & 0x3);
    }

    /// <summary>Header and payload, in bytes.</summary>
    public int TotalLength
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(TotalLengthOffset));
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(TotalLengthOffset), (ushort)value);
    }

    public ushort Identification
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(IdentificationOffset));
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(IdentificationOffset), value);
    }

    public bool DontFragment
    {
        get => (FlagsAndFragment & DontFragmentFlag) != 0;
        set => FlagsAndFragment = (ushort)(value ? FlagsAndFragment | DontFragmentFlag : FlagsAndFragment & ~DontFragmentFlag);
    }

    public bool MoreFragments
    {
        get => (FlagsAndFragment & MoreFragmentsFlag) != 0;
        set => FlagsAndFragment = (ushort)(value ? FlagsAndFragment | MoreFragmentsFlag : FlagsAndFragment & ~MoreFragmentsFlag);
    }

    /// <summary>Where this fragment's data starts in the original datagram, in bytes (the field counts 8-byte units).</summary>
    public int FragmentOffset
    {
        get => (FlagsAndFragment & FragmentOffsetMask) * FragmentUnit;
        set => FlagsAndFragment = (ushort)(FlagsAndFragment & ~FragmentOffsetMask | value / FragmentUnit & FragmentOffsetMask);
    }

    /// <summary>
    /// True for any piece of a fragmented datagram: more fragments follow, or this one does not
    /// start at offset zero (RFC 791 section 3.2): for reassembly.
    /// </summary>
    public bool IsFragment => (FlagsAndFragment & (MoreFragmentsFlag | FragmentOffsetMask)) != 0;

    public byte TimeToLive
    {
        get => _buffer[TimeToLiveOffset];
        set => _buffer[TimeToLiveOffset] = value;
    }

    public IpProtocol Protocol
    {
        get => (IpProtocol)_buffer[ProtocolOffset];
        set => _buffer[ProtocolOffset] = (byte)value;
    }

    public ushort HeaderChecksum
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(ChecksumOffset));
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(ChecksumOffset), value);
    }

    public Ipv4Address Source
    {
        get => new Ipv4Address(_buffer.Slice(SourceOffset));
        set => value.CopyTo(_buffer.Slice(SourceOffset));
    }

    public Ipv4Address Destination
    {
        get => new Ipv4Address(_buffer.Slice(DestinationOffset));
        set => value.CopyTo(_buffer.Slice(DestinationOffset));
    }

    /// <summary>The option bytes between the fixed header and the payload; empty for IHL 5.</summary>
    public Span<byte> Options => _buffer.Slice(MinimumHeaderLength, HeaderLength - MinimumHeaderLength);

    /// <summary>From the end of the header to <see cref="TotalLength"/>: trailing Ethernet padding is not payload.</summary>
    public Span<byte> Payload => _buffer.Slice(HeaderLength, TotalLength - HeaderLength);

    /// <summary>True if the header, options included, sums to 0xFFFF.</summary>
    public bool VerifyChecksum() => InternetChecksum.Verify(_buffer.Slice(0, HeaderLength));

    /// <summary>Recomputes the header checksum: after any change to the header (TTL, addresses, options).</summary>
    public void FillChecksum()
    {
        HeaderChecksum = 0;
        HeaderChecksum = InternetChecksum.Compute(_buffer.Slice(0, HeaderLength));
    }

    private ushort FlagsAndFragment
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(FlagsAndFragmentOffsetOffset));
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(FlagsAndFragmentOffsetOffset), value);
    }
}
