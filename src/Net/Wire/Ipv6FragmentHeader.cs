using System.Buffers.Binary;

namespace Unikernel.Net.Wire;

/// <summary>
/// A view of an IPv6 Fragment header (RFC 8200 section 4.5): Next Header, a reserved byte, the
/// 13-bit fragment offset in 8-byte units with two reserved bits and the M flag, and the
/// 32-bit identification.
/// </summary>
/// <remarks>
/// Call <see cref="Check"/> (or <see cref="TryParse"/>) first; after it, no accessor can fault.
/// </remarks>
public readonly ref struct Ipv6FragmentHeader
{
    public const int NextHeaderOffset = 0;
    public const int OffsetAndFlagsOffset = 2;
    public const int IdentificationOffset = 4;
    public const int Length = 8;

    /// <summary>Fragments carry multiples of 8 bytes, all but the last (RFC 8200 section 4.5).</summary>
    public const int Unit = 8;

    private const int ReservedOffset = 1;
    private const ushort OffsetMask = 0xFFF8;
    private const ushort MoreFragmentsFlag = 0x1;

    private readonly Span<byte> _buffer;

    /// <summary>Wraps the bytes without checking them.</summary>
    public Ipv6FragmentHeader(Span<byte> buffer)
    {
        _buffer = buffer;
    }

    public static bool Check(ReadOnlySpan<byte> buffer, out WireError reason)
    {
        reason = buffer.Length < Length ? WireError.Truncated : WireError.None;
        return reason == WireError.None;
    }

    /// <summary><see cref="Check"/>, then a view of exactly the 8 header bytes.</summary>
    public static bool TryParse(Span<byte> buffer, out Ipv6FragmentHeader header, out WireError reason)
    {
        header = Check(buffer, out reason) ? new Ipv6FragmentHeader(buffer.Slice(0, Length)) : default;
        return reason == WireError.None;
    }

    /// <summary>Writes a whole Fragment header; <paramref name="offset"/> in bytes, a multiple of 8.</summary>
    public static Ipv6FragmentHeader Emit(Span<byte> buffer, IpProtocol nextHeader, int offset, bool more, uint identification)
    {
        if (buffer.Length < Length || (uint)offset > OffsetMask || offset % Unit != 0)
            Kernel.Panic("Ipv6FragmentHeader.Emit: buffer too short or offset not a multiple of 8"u8);
        var header = new Ipv6FragmentHeader(buffer.Slice(0, Length));
        buffer[NextHeaderOffset] = (byte)nextHeader;
        buffer[ReservedOffset] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(buffer.Slice(OffsetAndFlagsOffset), (ushort)(offset | (more ? MoreFragmentsFlag : 0)));
        header.Identification = identification;
        return header;
    }

    public Span<byte> Buffer => _buffer;

    /// <summary>
    /// The Fragment header at the start of <paramref name="header"/> (8 bytes there) is atomic:
    /// offset 0 and no more fragments, a whole packet processed as if the header were absent (RFC 6946 section 4).
    /// </summary>
    public static bool IsAtomic(ReadOnlySpan<byte> header) => (OffsetAndFlags(header) & (OffsetMask | MoreFragmentsFlag)) == 0;

    /// <summary>The Fragment header at the start of <paramref name="header"/> is the first fragment's: offset 0, the upper layer's header follows.</summary>
    public static bool IsFirst(ReadOnlySpan<byte> header) => (OffsetAndFlags(header) & OffsetMask) == 0;

    private static ushort OffsetAndFlags(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadUInt16BigEndian(header.Slice(OffsetAndFlagsOffset));

    /// <summary>The first header of the fragmentable part (the first fragment's is the one that counts).</summary>
    public IpProtocol NextHeader => (IpProtocol)_buffer[NextHeaderOffset];

    /// <summary>Where this fragment's data starts in the fragmentable part, in bytes.</summary>
    public int Offset => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(OffsetAndFlagsOffset)) & OffsetMask;

    /// <summary>The M flag: more fragments follow.</summary>
    public bool MoreFragments => (BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(OffsetAndFlagsOffset)) & MoreFragmentsFlag) != 0;

    public uint Identification
    {
        get => BinaryPrimitives.ReadUInt32BigEndian(_buffer.Slice(IdentificationOffset));
        set => BinaryPrimitives.WriteUInt32BigEndian(_buffer.Slice(IdentificationOffset), value);
    }
}
