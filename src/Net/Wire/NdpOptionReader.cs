using System.Buffers.Binary;

namespace Unikernel.Net.Wire;

/// <summary>
/// Walks the options of a neighbour discovery message (RFC 4861 section 4.6): each is a type
/// octet, a length octet counting 8-byte units (type and length included), and data.
/// </summary>
/// <remarks>
/// <para>Each option comes back whole, type and length octets included, so the option views
/// (<see cref="PrefixInformation"/>) use the offsets of the RFC's figures, and a caller may
/// hand the bytes on unchanged.</para>
/// <para>A zero length is <see cref="WireError.BadFormat"/>: RFC 4861 section 4.6 says to drop
/// the packet, and the walk could not advance past it. An option, or its two-octet header,
/// running past the end is <see cref="WireError.Truncated"/>. After an error the reader stays
/// where it is and keeps returning that error, so a loop cannot mistake it for the end.</para>
/// </remarks>
public ref struct NdpOptionReader
{
    /// <summary>Options are sized in units of eight octets.</summary>
    public const int Unit = 8;

    /// <summary>A link-layer address option for Ethernet: type, length 1, six octets (RFC 2464 section 6).</summary>
    public const int EthernetLinkLayerAddressOptionLength = 8;

    /// <summary>The MTU option: type, length 1, two reserved octets, the 32-bit MTU (RFC 4861 section 4.6.4).</summary>
    public const int MtuOptionLength = 8;

    /// <summary>Where the MTU sits in an MTU option.</summary>
    public const int MtuOffset = 4;

    private readonly Span<byte> _options;
    private int _offset;
    private WireError _error;

    /// <summary>Starts at the first option of <paramref name="options"/>: everything after a message's fixed part.</summary>
    public NdpOptionReader(Span<byte> options)
    {
        _options = options;
        _offset = 0;
        _error = WireError.None;
    }

    /// <summary>How far the walk has got: the offset of the next option, or of the bad one after an error.</summary>
    public int Offset => _offset;

    /// <summary>
    /// True with the next option, type and length octets included; false at the end with
    /// <paramref name="error"/> <see cref="WireError.None"/>, or false with the reason the rest
    /// cannot be walked.
    /// </summary>
    public bool TryReadNext(out NdpOptionType type, out Span<byte> option, out WireError error)
    {
        type = default;
        option = Span<byte>.Empty;
        error = _error;
        if (error != WireError.None || _offset == _options.Length)
            return false;
        error = _error = Measure(_options, _offset, out int length);
        if (error != WireError.None)
            return false;
        option = _options.Slice(_offset, length);
        type = (NdpOptionType)option[0];
        _offset += length;
        return true;
    }

    /// <summary>True if every option in <paramref name="options"/> has a non-zero length and ends inside it.</summary>
    public static bool Validate(ReadOnlySpan<byte> options, out WireError error)
    {
        int offset = 0;
        error = WireError.None;
        while (offset < options.Length && error == WireError.None)
        {
            error = Measure(options, offset, out int length);
            offset += length;
        }
        return error == WireError.None;
    }

    /// <summary>
    /// The first link-layer address option of <paramref name="type"/> (source or target) whose
    /// length is Ethernet's; false if there is none or the options do not walk. RFC 4861 section
    /// 4.6.1 gives the format per link type; any other length is not an Ethernet address.
    /// </summary>
    public static bool TryFindLinkLayerAddress(Span<byte> options, NdpOptionType type, out MacAddress address)
    {
        var reader = new NdpOptionReader(options);
        while (reader.TryReadNext(out NdpOptionType found, out Span<byte> option, out _))
        {
            if (found == type && option.Length == EthernetLinkLayerAddressOptionLength)
            {
                address = new MacAddress(option.Slice(2));
                return true;
            }
        }
        address = default;
        return false;
    }

    /// <summary>The MTU in an MTU option returned by <see cref="TryReadNext"/>; false if the option is not one (RFC 4861 section 4.6.4).</summary>
    public static bool TryGetMtu(ReadOnlySpan<byte> option, out uint mtu)
    {
        if (option.Length != MtuOptionLength || option[0] != (byte)NdpOptionType.Mtu)
        {
            mtu = 0;
            return false;
        }
        mtu = BinaryPrimitives.ReadUInt32BigEndian(option.Slice(MtuOffset));
        return true;
    }

    /// <summary>Writes an Ethernet link-layer address option (RFC 4861 section 4.6.1) and returns its length.</summary>
    public static int EmitLinkLayerAddress(Span<byte> buffer, NdpOptionType type, MacAddress address)
    {
        if (buffer.Length < EthernetLinkLayerAddressOptionLength)
            Kernel.Panic("NdpOptionReader.EmitLinkLayerAddress: buffer too short"u8);
        buffer[0] = (byte)type;
        buffer[1] = EthernetLinkLayerAddressOptionLength / Unit;
        address.CopyTo(buffer.Slice(2));
        return EthernetLinkLayerAddressOptionLength;
    }

    /// <summary>Writes an MTU option (RFC 4861 section 4.6.4) and returns its length.</summary>
    public static int EmitMtu(Span<byte> buffer, uint mtu)
    {
        if (buffer.Length < MtuOptionLength)
            Kernel.Panic("NdpOptionReader.EmitMtu: buffer too short"u8);
        buffer[0] = (byte)NdpOptionType.Mtu;
        buffer[1] = MtuOptionLength / Unit;
        BinaryPrimitives.WriteUInt16BigEndian(buffer.Slice(2), 0);
        BinaryPrimitives.WriteUInt32BigEndian(buffer.Slice(MtuOffset), mtu);
        return MtuOptionLength;
    }

    /// <summary>The length in bytes of the option at <paramref name="offset"/>, which is inside <paramref name="options"/>.</summary>
    private static WireError Measure(ReadOnlySpan<byte> options, int offset, out int length)
    {
        length = 0;
        if (options.Length - offset < 2)
            return WireError.Truncated;
        int units = options[offset + 1];
        if (units == 0)
            return WireError.BadFormat;
        if (options.Length - offset < units * Unit)
            return WireError.Truncated;
        length = units * Unit;
        return WireError.None;
    }
}
