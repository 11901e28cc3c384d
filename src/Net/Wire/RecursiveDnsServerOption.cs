using System.Buffers.Binary;

namespace Unikernel.Net.Wire;

/// <summary>
/// A view of a Recursive DNS Server option of a router advertisement (RFC 8106 section 5.1),
/// whole, as <see cref="NdpOptionReader"/> returns it: a lifetime and one or more IPv6 addresses.
/// </summary>
public readonly ref struct RecursiveDnsServerOption
{
    public const int LifetimeOffset = 4;
    public const int AddressesOffset = 8;

    /// <summary>One address: the length field is 3 units (RFC 8106 section 5.1: "the minimum value is 3").</summary>
    public const int MinimumLength = 24;

    /// <summary>All ones: the servers never expire (RFC 8106 section 5.1).</summary>
    public const uint InfiniteLifetime = 0xFFFF_FFFF;

    private readonly Span<byte> _buffer;

    public RecursiveDnsServerOption(Span<byte> buffer)
    {
        _buffer = buffer;
    }

    /// <summary>
    /// Accepts an option of type 25 at least 3 units long with an odd unit count, so the
    /// addresses after the 8-byte header are whole (RFC 8106 section 5.1: length 1 + 2n).
    /// </summary>
    public static bool Check(ReadOnlySpan<byte> buffer, out WireError reason)
    {
        if (buffer.Length < MinimumLength)
            reason = WireError.Truncated;
        else if (buffer[0] != (byte)NdpOptionType.RecursiveDnsServer || buffer[1] * NdpOptionReader.Unit != buffer.Length
            || (buffer[1] & 1) == 0)
            reason = WireError.BadFormat;
        else
            reason = WireError.None;
        return reason == WireError.None;
    }

    public static bool TryParse(Span<byte> buffer, out RecursiveDnsServerOption option, out WireError reason)
    {
        option = Check(buffer, out reason) ? new RecursiveDnsServerOption(buffer) : default;
        return reason == WireError.None;
    }

    /// <summary>Seconds the servers may be used; 0: stop using them; all ones: forever.</summary>
    public uint Lifetime => BinaryPrimitives.ReadUInt32BigEndian(_buffer.Slice(LifetimeOffset));

    public int AddressCount => (_buffer.Length - AddressesOffset) / Ipv6Address.Length;

    public Ipv6Address Address(int index) => new Ipv6Address(_buffer.Slice(AddressesOffset + index * Ipv6Address.Length, Ipv6Address.Length));
}
