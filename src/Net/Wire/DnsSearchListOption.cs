using System.Buffers.Binary;

namespace Unikernel.Net.Wire;

/// <summary>
/// A view of a DNS Search List option of a router advertisement (RFC 8106 section 5.2), whole:
/// a lifetime, then domain names in wire form without compression, zero-padded to a unit.
/// </summary>
public readonly ref struct DnsSearchListOption
{
    public const int LifetimeOffset = 4;
    public const int NamesOffset = 8;

    /// <summary>At least one name: the length field is at least 2 units (RFC 8106 section 5.2).</summary>
    public const int MinimumLength = 16;

    private readonly Span<byte> _buffer;

    public DnsSearchListOption(Span<byte> buffer)
    {
        _buffer = buffer;
    }

    public static bool Check(ReadOnlySpan<byte> buffer, out WireError reason)
    {
        if (buffer.Length < MinimumLength)
            reason = WireError.Truncated;
        else if (buffer[0] != (byte)NdpOptionType.DnsSearchList || buffer[1] * NdpOptionReader.Unit != buffer.Length)
            reason = WireError.BadFormat;
        else
            reason = WireError.None;
        return reason == WireError.None;
    }

    public static bool TryParse(Span<byte> buffer, out DnsSearchListOption option, out WireError reason)
    {
        option = Check(buffer, out reason) ? new DnsSearchListOption(buffer) : default;
        return reason == WireError.None;
    }

    /// <summary>Seconds the domains may be used; 0: stop using them; all ones: forever.</summary>
    public uint Lifetime => BinaryPrimitives.ReadUInt32BigEndian(_buffer.Slice(LifetimeOffset));

    /// <summary>The names and their padding.</summary>
    public Span<byte> Names => _buffer.Slice(NamesOffset);

    /// <summary>
    /// The name at <paramref name="offset"/> of <see cref="Names"/> (start at 0) and where the
    /// next begins; false at the padding (a zero octet where a name would start) or at a name
    /// that is malformed or uses a pointer (RFC 8106 section 5.2 forbids compression).
    /// </summary>
    public bool TryReadName(int offset, out ReadOnlySpan<byte> wireName, out int next)
    {
        wireName = default;
        next = 0;
        Span<byte> names = Names;
        if ((uint)offset >= (uint)names.Length || names[offset] == 0)
            return false;
        int at = offset;
        while (at < names.Length && names[at] != 0)
        {
            if ((names[at] & DnsNameReader.PointerBits) != 0 || names[at] > DnsName.MaximumLabelLength)
                return false;
            at += 1 + names[at];
        }
        if (at >= names.Length || at + 1 - offset > DnsName.MaximumLength)
            return false;
        next = at + 1;
        wireName = names.Slice(offset, next - offset);
        return true;
    }
}
