using System.Buffers.Binary;

namespace Unikernel.Net.Wire;

/// <summary>An IPv4 address, kept as the 32-bit number the four octets spell in network order.</summary>
public readonly struct Ipv4Address : IEquatable<Ipv4Address>
{
    public const int Length = 4;

    /// <summary>"255.255.255.255".</summary>
    public const int MaxFormattedLength = 15;

    private readonly uint _value;

    public Ipv4Address(uint value)
    {
        _value = value;
    }

    public Ipv4Address(byte a, byte b, byte c, byte d)
    {
        _value = (uint)a << 24 | (uint)b << 16 | (uint)c << 8 | d;
    }

    /// <summary>Reads the four octets at the start of <paramref name="bytes"/>, in wire order.</summary>
    public Ipv4Address(ReadOnlySpan<byte> bytes)
    {
        _value = BinaryPrimitives.ReadUInt32BigEndian(bytes);
    }

    /// <summary>0.0.0.0, "this host on this network" (RFC 1122 section 3.2.1.3).</summary>
    public static Ipv4Address Any => default;

    /// <summary>255.255.255.255, the limited broadcast address (RFC 919, RFC 1122 section 3.2.1.3).</summary>
    public static Ipv4Address Broadcast => new Ipv4Address(0xFFFF_FFFF);

    public static Ipv4Address Loopback => new Ipv4Address(0x7F00_0001);

    /// <summary>The address as a number: the first octet in bits 31..24.</summary>
    public uint Value => _value;

    public bool IsUnspecified => _value == 0;

    public bool IsBroadcast => _value == 0xFFFF_FFFF;

    /// <summary>224.0.0.0/4 (RFC 5771).</summary>
    public bool IsMulticast => (_value & 0xF000_0000) == 0xE000_0000;

    /// <summary>127.0.0.0/8 (RFC 1122 section 3.2.1.3).</summary>
    public bool IsLoopback => (_value & 0xFF00_0000) == 0x7F00_0000;

    /// <summary>169.254.0.0/16 (RFC 3927).</summary>
    public bool IsLinkLocal => (_value & 0xFFFF_0000) == 0xA9FE_0000;

    /// <summary>Writes the four octets in wire order.</summary>
    public void CopyTo(Span<byte> destination) => BinaryPrimitives.WriteUInt32BigEndian(destination, _value);

    /// <summary>Formats in dotted decimal, "10.0.2.15".</summary>
    public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten)
    {
        Span<byte> text = stackalloc byte[MaxFormattedLength];
        return AsciiText.CopyOut(text.Slice(0, Format(text, 0)), utf8Destination, out bytesWritten);
    }

    /// <inheritdoc cref="TryFormat(Span{byte}, out int)"/>
    public bool TryFormat(Span<char> destination, out int charsWritten)
    {
        Span<byte> text = stackalloc byte[MaxFormattedLength];
        return AsciiText.CopyOut(text.Slice(0, Format(text, 0)), destination, out charsWritten);
    }

    /// <summary>Dotted decimal at <paramref name="position"/>; also used for IPv4-mapped IPv6 addresses.</summary>
    internal int Format(Span<byte> text, int position)
    {
        for (int shift = 24; shift >= 0; shift -= 8)
        {
            if (shift != 24)
                text[position++] = (byte)'.';
            position = AsciiText.WriteDecimal(text, position, (byte)(_value >> shift));
        }
        return position;
    }

    public bool Equals(Ipv4Address other) => _value == other._value;

    // Only reached through boxing, which shared code never does; here for the operators' sake.
    public override bool Equals(object? obj) => obj is Ipv4Address other && Equals(other);

    public override int GetHashCode() => (int)_value;

    public static bool operator ==(Ipv4Address left, Ipv4Address right) => left._value == right._value;

    public static bool operator !=(Ipv4Address left, Ipv4Address right) => left._value != right._value;
}
