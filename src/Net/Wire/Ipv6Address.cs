using System.Buffers.Binary;

namespace Unikernel.Net.Wire;

/// <summary>
/// An IPv6 address, kept as two 64-bit halves in network order (the first octet in the top
/// byte of <see cref="High"/>), so equality and prefix tests are a couple of integer compares.
/// </summary>
public readonly struct Ipv6Address : IEquatable<Ipv6Address>
{
    public const int Length = 16;

    /// <summary>"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"; IPv4-mapped text is shorter.</summary>
    public const int MaxFormattedLength = 39;

    private readonly ulong _high;
    private readonly ulong _low;

    public Ipv6Address(ulong high, ulong low)
    {
        _high = high;
        _low = low;
    }

    /// <summary>Reads the sixteen octets at the start of <paramref name="bytes"/>, in wire order.</summary>
    public Ipv6Address(ReadOnlySpan<byte> bytes)
    {
        _high = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _low = BinaryPrimitives.ReadUInt64BigEndian(bytes.Slice(8));
    }

    /// <summary>::, the unspecified address (RFC 4291 section 2.5.2).</summary>
    public static Ipv6Address Unspecified => default;

    /// <summary>::1 (RFC 4291 section 2.5.3).</summary>
    public static Ipv6Address Loopback => new Ipv6Address(0, 1);

    /// <summary>ff02::1, all nodes on the link (RFC 4291 section 2.7.1).</summary>
    public static Ipv6Address AllNodes => new Ipv6Address(0xFF02_0000_0000_0000, 1);

    /// <summary>ff02::2, all routers on the link (RFC 4291 section 2.7.1).</summary>
    public static Ipv6Address AllRouters => new Ipv6Address(0xFF02_0000_0000_0000, 2);

    /// <summary>The first eight octets as a number.</summary>
    public ulong High => _high;

    /// <summary>The last eight octets as a number.</summary>
    public ulong Low => _low;

    public bool IsUnspecified => _high == 0 && _low == 0;

    public bool IsLoopback => _high == 0 && _low == 1;

    /// <summary>ff00::/8 (RFC 4291 section 2.7).</summary>
    public bool IsMulticast => _high >> 56 == 0xFF;

    /// <summary>fe80::/10 (RFC 4291 section 2.5.6).</summary>
    public bool IsLinkLocal => _high >> 54 == 0xFE80 >> 6;

    /// <summary>::ffff:0:0/96 (RFC 4291 section 2.5.5.2).</summary>
    public bool IsIpv4Mapped => _high == 0 && _low >> 32 == 0xFFFF;

    /// <summary>::ffff:a.b.c.d, the IPv4-mapped form of <paramref name="address"/> (RFC 4291 section 2.5.5.2): how one table keys both families.</summary>
    public static Ipv6Address MapIpv4(Ipv4Address address) => new Ipv6Address(0, 0xFFFF_0000_0000UL | address.Value);

    /// <summary>The IPv4 address inside an IPv4-mapped address (the low 32 bits).</summary>
    public Ipv4Address MappedIpv4 => new Ipv4Address((uint)_low);

    /// <summary>True if the first <paramref name="length"/> bits equal those of <paramref name="prefix"/>.</summary>
    public bool HasPrefix(Ipv6Address prefix, int length)
    {
        if (length <= 0)
            return true;
        if (length >= 128)
            return this == prefix;
        if (length <= 64)
            return (_high ^ prefix._high) >> (64 - length) == 0;
        return _high == prefix._high && (_low ^ prefix._low) >> (128 - length) == 0;
    }

    /// <summary>
    /// The solicited-node multicast group for this address, ff02::1:ffXX:XXXX with the low 24
    /// bits, where neighbour solicitations for it are sent (RFC 4291 section 2.7.1, RFC 4861 section 7.2.2).
    /// </summary>
    public Ipv6Address SolicitedNode => new Ipv6Address(0xFF02_0000_0000_0000, 0x0000_0001_FF00_0000 | (_low & 0xFF_FFFF));

    /// <summary>The 16-bit group at <paramref name="index"/> (0 to 7), as written between colons.</summary>
    public ushort Segment(int index) => (ushort)((index < 4 ? _high : _low) >> (48 - 16 * (index & 3)));

    /// <summary>Writes the sixteen octets in wire order.</summary>
    public void CopyTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _high);
        BinaryPrimitives.WriteUInt64BigEndian(destination.Slice(8), _low);
    }

    /// <summary>Formats in the canonical text form of RFC 5952, "fe80::5054:ff:fe12:3456".</summary>
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

        // RFC 5952 section 5: IPv4-mapped addresses keep the dotted quad, "::ffff:10.0.2.15".
        if (IsIpv4Mapped)
        {
            "::ffff:"u8.CopyTo(text);
            return new Ipv4Address((uint)_low).Format(text, 7);
        }

        // RFC 5952 section 4.2: "::" replaces the longest run of two or more zero groups, the
        // first such run on a tie; a single zero group is written as "0".
        int bestStart = -1, bestLength = 1;
        for (int start = 0; start < 8;)
        {
            int end = start;
            while (end < 8 && Segment(end) == 0)
                end++;
            if (end - start > bestLength)
            {
                bestStart = start;
                bestLength = end - start;
            }
            start = end == start ? start + 1 : end;
        }

        for (int index = 0; index < 8;)
        {
            if (index == bestStart)
            {
                text[position++] = (byte)':';
                text[position++] = (byte)':';
                index += bestLength;
                continue;
            }
            if (position != 0 && text[position - 1] != ':')
                text[position++] = (byte)':';
            position = AsciiText.WriteHex(text, position, Segment(index));
            index++;
        }
        return position;
    }

    public bool Equals(Ipv6Address other) => _high == other._high && _low == other._low;

    // Only reached through boxing, which shared code never does; here for the operators' sake.
    public override bool Equals(object? obj) => obj is Ipv6Address other && Equals(other);

    public override int GetHashCode() => (int)_high ^ (int)(_high >> 32) ^ (int)_low ^ (int)(_low >> 32);

    public static bool operator ==(Ipv6Address left, Ipv6Address right) => left.Equals(right);

    public static bool operator !=(Ipv6Address left, Ipv6Address right) => !left.Equals(right);
}
