using System.Buffers.Binary;

namespace Unikernel.Net.Wire;

/// <summary>
/// An IEEE 802 MAC address (EUI-48), kept as a 48-bit number with the first octet on the wire
/// in the top byte, so comparing two addresses is one integer compare.
/// </summary>
public readonly struct MacAddress : IEquatable<MacAddress>
{
    public const int Length = 6;

    /// <summary>"xx:xx:xx:xx:xx:xx".</summary>
    public const int MaxFormattedLength = 17;

    private const ulong Mask = 0xFFFF_FFFF_FFFF;

    private readonly ulong _value;

    public MacAddress(ulong value)
    {
        _value = value & Mask;
    }

    /// <summary>Reads the six octets at the start of <paramref name="bytes"/>, in wire order.</summary>
    public MacAddress(ReadOnlySpan<byte> bytes)
    {
        _value = (ulong)BinaryPrimitives.ReadUInt16BigEndian(bytes) << 32 | BinaryPrimitives.ReadUInt32BigEndian(bytes.Slice(2));
    }

    public static MacAddress Broadcast => new MacAddress(Mask);

    public static MacAddress Zero => default;

    /// <summary>The address as a 48-bit number, first octet in bits 47..40.</summary>
    public ulong Value => _value;

    public bool IsBroadcast => _value == Mask;

    /// <summary>The I/G bit: the least significant bit of the first octet (IEEE 802-2014 section 8.2).</summary>
    public bool IsMulticast => (_value & 0x0100_0000_0000) != 0;

    public bool IsUnicast => !IsMulticast;

    /// <summary>The U/L bit: set in addresses assigned locally, like QEMU's 52:54:00:...</summary>
    public bool IsLocallyAdministered => (_value & 0x0200_0000_0000) != 0;

    /// <summary>The Ethernet group address for an IPv4 multicast group: 01:00:5e and the low 23 bits (RFC 1112 section 6.4).</summary>
    public static MacAddress FromIpv4Multicast(Ipv4Address group) => new MacAddress(0x0100_5E00_0000UL | (group.Value & 0x7F_FFFF));

    /// <summary>The Ethernet group address for an IPv6 multicast group: 33:33 and the low 32 bits (RFC 2464 section 7).</summary>
    public static MacAddress FromIpv6Multicast(Ipv6Address group) => new MacAddress(0x3333_0000_0000UL | (group.Low & 0xFFFF_FFFF));

    /// <summary>Writes the six octets in wire order.</summary>
    public void CopyTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)(_value >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(2), (uint)_value);
    }

    /// <summary>Formats as lower-case "52:54:00:12:34:56", as Linux prints it.</summary>
    public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten)
    {
        Span<byte> text = stackalloc byte[MaxFormattedLength];
        return AsciiText.CopyOut(text.Slice(0, Format(text)), utf8Destination, out bytesWritten);
    }

    /// <inheritdoc cref="TryFormat(Span{byte}, out int)"/>
    public bool TryFormat(Span<char> destination, out int charsWritten)
    {
        Span<byte> text = stackalloc byte[MaxFormattedLength];
        return AsciiText.CopyOut(text.Slice(0, Format(text)), destination, out charsWritten);
    }

    private int Format(Span<byte> text)
    {
        int position = 0;
        for (int shift = 40; shift >= 0; shift -= 8)
        {
            if (shift != 40)
                text[position++] = (byte)':';
            int octet = (int)(_value >> shift) & 0xFF;
            text[position++] = AsciiText.HexDigit(octet >> 4);
            text[position++] = AsciiText.HexDigit(octet & 0xF);
        }
        return position;
    }

    public bool Equals(MacAddress other) => _value == other._value;

    // Only reached through boxing, which shared code never does; here for the operators' sake.
    public override bool Equals(object? obj) => obj is MacAddress other && Equals(other);

    public override int GetHashCode() => (int)_value ^ (int)(_value >> 32);

    public static bool operator ==(MacAddress left, MacAddress right) => left._value == right._value;

    public static bool operator !=(MacAddress left, MacAddress right) => left._value != right._value;
}
