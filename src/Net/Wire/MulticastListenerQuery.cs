using System.Buffers.Binary;

namespace Unikernel.Net.Wire;

/// <summary>
/// A view of a Multicast Listener Query (ICMPv6 type 130), the whole ICMPv6 message: MLDv1
/// (RFC 2710 section 3) or MLDv2 (RFC 3810 section 5.1), told apart by length. Enough to know
/// what to answer and by when: a general query (multicast address ::) or one for a group,
/// and the maximum response delay.
/// </summary>
/// <remarks>
/// <para>Call <see cref="Check"/> (or <see cref="TryParse"/>) first; after it, no accessor can fault.</para>
/// <para>RFC 3810 section 5.1.14 also wants a link-local source and hop limit 1 (and Router
/// Alert): those need the IPv6 header and are the caller's, as is the checksum
/// (<see cref="VerifyChecksum"/>). The code field is ignored, as RFC 3810 section 5.1 says.</para>
/// </remarks>
public readonly ref struct MulticastListenerQuery
{
    public const int MaximumResponseCodeOffset = 4;
    public const int MulticastAddressOffset = 8;

    /// <summary>MLDv2: S flag and QRV (RFC 3810 sections 5.1.7, 5.1.8), after 4 reserved bits.</summary>
    public const int FlagsAndRobustnessOffset = 24;

    /// <summary>MLDv2: the Querier's Query Interval Code (RFC 3810 section 5.1.9).</summary>
    public const int QueryIntervalCodeOffset = 25;

    /// <summary>MLDv2: the number of source addresses that follow (RFC 3810 section 5.1.10).</summary>
    public const int NumberOfSourcesOffset = 26;

    public const int SourcesOffset = 28;

    /// <summary>An MLDv1 query is exactly this long (RFC 2710 section 3, RFC 3810 section 8.1).</summary>
    public const int Version1Length = 24;

    /// <summary>An MLDv2 query is at least this long (RFC 3810 section 8.1).</summary>
    public const int Version2MinimumLength = 28;

    /// <summary>S: routers suppress their timer updates; listeners ignore it.</summary>
    public const byte SuppressRouterProcessingFlag = 0x08;

    private const byte RobustnessMask = 0x07;

    private readonly Span<byte> _buffer;

    /// <summary>Wraps the bytes without checking them.</summary>
    public MulticastListenerQuery(Span<byte> buffer)
    {
        _buffer = buffer;
    }

    /// <summary>
    /// Accepts a message of type 130 that is an MLDv1 query (exactly 24 bytes) or an MLDv2 query
    /// (at least 28, with room for the sources it lists). RFC 3810 section 8.1 ignores every
    /// other length: 25 to 27 is <see cref="WireError.BadFormat"/>, shorter is <see cref="WireError.Truncated"/>.
    /// </summary>
    public static bool Check(ReadOnlySpan<byte> buffer, out WireError reason)
    {
        if (buffer.Length < Version1Length)
            reason = WireError.Truncated;
        else if (buffer[Icmpv6Packet.TypeOffset] != (byte)Icmpv6Type.MulticastListenerQuery)
            reason = WireError.BadFormat;
        else if (buffer.Length == Version1Length)
            reason = WireError.None;
        else if (buffer.Length < Version2MinimumLength)
            reason = WireError.BadFormat;
        else if ((buffer.Length - SourcesOffset) / Ipv6Address.Length < BinaryPrimitives.ReadUInt16BigEndian(buffer.Slice(NumberOfSourcesOffset)))
            reason = WireError.Truncated;
        else
            reason = WireError.None;
        return reason == WireError.None;
    }

    /// <summary><see cref="Check"/>, then a view of the whole buffer.</summary>
    public static bool TryParse(Span<byte> buffer, out MulticastListenerQuery query, out WireError reason)
    {
        query = Check(buffer, out reason) ? new MulticastListenerQuery(buffer) : default;
        return reason == WireError.None;
    }

    /// <summary>The bytes this view covers.</summary>
    public Span<byte> Buffer => _buffer;

    /// <summary>True for an MLDv2 query; false for MLDv1, whose senders need MLDv1 reports (RFC 3810 section 8.2.1).</summary>
    public bool IsVersion2 => _buffer.Length >= Version2MinimumLength;

    /// <summary>The group asked about; :: in a general query.</summary>
    public Ipv6Address MulticastAddress
    {
        get => new Ipv6Address(_buffer.Slice(MulticastAddressOffset));
        set => value.CopyTo(_buffer.Slice(MulticastAddressOffset));
    }

    /// <summary>A general query asks about every group (RFC 3810 section 5.1.5); any other asks about <see cref="MulticastAddress"/> only.</summary>
    public bool IsGeneralQuery => MulticastAddress.IsUnspecified;

    /// <summary>The raw 16-bit field: MLDv1's delay in milliseconds, MLDv2's code for it.</summary>
    public ushort MaximumResponseCode
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(MaximumResponseCodeOffset));
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(MaximumResponseCodeOffset), value);
    }

    /// <summary>
    /// Milliseconds within which to answer. MLDv1 gives them directly (RFC 2710 section 3.4);
    /// MLDv2 codes values of 32768 and up as a floating-point number, 1 bit, 3 of exponent,
    /// 12 of mantissa: (mantissa | 0x1000) &lt;&lt; (exponent + 3) (RFC 3810 section 5.1.3).
    /// </summary>
    public uint MaximumResponseDelay
    {
        get
        {
            uint code = MaximumResponseCode;
            if (!IsVersion2 || code < 0x8000)
                return code;
            return (code & 0x0FFF | 0x1000) << (int)((code >> 12 & 7) + 3);
        }
    }

    /// <summary>MLDv2: the S flag; false for MLDv1.</summary>
    public bool SuppressRouterProcessing => IsVersion2 && (_buffer[FlagsAndRobustnessOffset] & SuppressRouterProcessingFlag) != 0;

    /// <summary>MLDv2: the querier's robustness variable, 0 if it exceeds 7 (RFC 3810 section 5.1.8); 0 for MLDv1.</summary>
    public int QuerierRobustnessVariable => IsVersion2 ? _buffer[FlagsAndRobustnessOffset] & RobustnessMask : 0;

    /// <summary>
    /// MLDv2: the querier's query interval in seconds, decoded like the response code with 8
    /// bits: values of 128 and up are (mantissa | 0x10) &lt;&lt; (exponent + 3) (RFC 3810 section 5.1.9); 0 for MLDv1.
    /// </summary>
    public uint QueriersQueryInterval
    {
        get
        {
            if (!IsVersion2)
                return 0;
            uint code = _buffer[QueryIntervalCodeOffset];
            return code < 0x80 ? code : (code & 0x0F | 0x10) << (int)((code >> 4 & 7) + 3);
        }
    }

    /// <summary>MLDv2: how many sources a group-and-source-specific query lists; 0 for MLDv1.</summary>
    public int NumberOfSources => IsVersion2 ? BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(NumberOfSourcesOffset)) : 0;

    /// <summary>MLDv2: the source at <paramref name="index"/>, below <see cref="NumberOfSources"/>.</summary>
    public Ipv6Address GetSource(int index)
    {
        if ((uint)index >= (uint)NumberOfSources)
            Kernel.Panic("MulticastListenerQuery.GetSource: index out of range"u8);
        return new Ipv6Address(_buffer.Slice(SourcesOffset + index * Ipv6Address.Length));
    }

    /// <summary>See <see cref="Icmpv6Packet.VerifyChecksum"/>.</summary>
    public bool VerifyChecksum(Ipv6Address source, Ipv6Address destination) =>
        new Icmpv6Packet(_buffer).VerifyChecksum(source, destination);
}
