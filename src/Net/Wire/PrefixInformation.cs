using System.Buffers.Binary;

namespace Unikernel.Net.Wire;

/// <summary>
/// A view of a Prefix Information option (RFC 4861 section 4.6.2), whole, type and length
/// octets included, as <see cref="NdpOptionReader"/> returns it: a prefix a router advertises
/// as on-link, for address autoconfiguration (RFC 4862 section 5.5.3), or both.
/// </summary>
/// <remarks>
/// <para>Call <see cref="Check"/> (or <see cref="TryParse"/>) first; after it, no accessor can fault.</para>
/// <para>The view reports what was sent. What to do with it is the caller's: RFC 4862 section
/// 5.5.3 ignores link-local prefixes and a preferred lifetime above the valid one, and RFC 4861
/// section 6.3.4 ignores the on-link flag for fe80::/10.</para>
/// </remarks>
public readonly ref struct PrefixInformation
{
    public const int TypeOffset = 0;
    public const int LengthOffset = 1;
    public const int PrefixLengthOffset = 2;
    public const int FlagsOffset = 3;
    public const int ValidLifetimeOffset = 4;
    public const int PreferredLifetimeOffset = 8;
    public const int ReservedOffset = 12;
    public const int PrefixOffset = 16;

    /// <summary>The option's fixed size: its length field is always 4 units.</summary>
    public const int OptionLength = 32;

    /// <summary>L: the prefix is on-link (RFC 4861 section 4.6.2).</summary>
    public const byte OnLinkFlag = 0x80;

    /// <summary>A: the prefix may be used for stateless address autoconfiguration (RFC 4862 section 5.5.3).</summary>
    public const byte AutonomousFlag = 0x40;

    /// <summary>A lifetime of all ones is infinity (RFC 4861 section 4.6.2).</summary>
    public const uint InfiniteLifetime = 0xFFFF_FFFF;

    public const int MaximumPrefixLength = 128;

    private readonly Span<byte> _buffer;

    /// <summary>Wraps the bytes without checking them.</summary>
    public PrefixInformation(Span<byte> buffer)
    {
        _buffer = buffer;
    }

    /// <summary>
    /// Accepts a whole option of type 3 whose length field says 4 units (RFC 4861 section 4.6.2
    /// fixes it; anything else would put the prefix somewhere else) and whose prefix length is
    /// at most 128.
    /// </summary>
    public static bool Check(ReadOnlySpan<byte> buffer, out WireError reason)
    {
        // The length field is judged before the buffer: an 8-byte option claiming to be a
        // prefix is misdeclared, not cut short.
        if (buffer.Length < 2)
            reason = WireError.Truncated;
        else if (buffer[TypeOffset] != (byte)NdpOptionType.PrefixInformation)
            reason = WireError.BadFormat;
        else if (buffer[LengthOffset] != OptionLength / NdpOptionReader.Unit)
            reason = WireError.BadLength;
        else if (buffer.Length < OptionLength)
            reason = WireError.Truncated;
        else if (buffer[PrefixLengthOffset] > MaximumPrefixLength)
            reason = WireError.BadFormat;
        else
            reason = WireError.None;
        return reason == WireError.None;
    }

    /// <summary><see cref="Check"/>, then a view of exactly <see cref="OptionLength"/> bytes.</summary>
    public static bool TryParse(Span<byte> buffer, out PrefixInformation option, out WireError reason)
    {
        option = Check(buffer, out reason) ? new PrefixInformation(buffer.Slice(0, OptionLength)) : default;
        return reason == WireError.None;
    }

    /// <summary>
    /// Writes the whole option, reserved fields zeroed, and returns a view of it. The prefix is
    /// written as given: RFC 4861 section 4.6.2 wants the bits past the prefix length zero, and
    /// that is the caller's to ensure.
    /// </summary>
    public static PrefixInformation Emit(Span<byte> buffer, Ipv6Address prefix, int prefixLength, bool onLink, bool autonomous,
        uint validLifetime, uint preferredLifetime)
    {
        if (buffer.Length < OptionLength || (uint)prefixLength > MaximumPrefixLength)
            Kernel.Panic("PrefixInformation.Emit: buffer too short or prefix length above 128"u8);
        var option = new PrefixInformation(buffer.Slice(0, OptionLength));
        buffer[TypeOffset] = (byte)NdpOptionType.PrefixInformation;
        buffer[LengthOffset] = OptionLength / NdpOptionReader.Unit;
        buffer[PrefixLengthOffset] = (byte)prefixLength;
        buffer[FlagsOffset] = (byte)((onLink ? OnLinkFlag : 0) | (autonomous ? AutonomousFlag : 0));
        option.ValidLifetime = validLifetime;
        option.PreferredLifetime = preferredLifetime;
        BinaryPrimitives.WriteUInt32BigEndian(buffer.Slice(ReservedOffset), 0);
        option.Prefix = prefix;
        return option;
    }

    /// <summary>The bytes this view covers.</summary>
    public Span<byte> Buffer => _buffer;

    /// <summary>How many leading bits of <see cref="Prefix"/> are valid, 0 to 128.</summary>
    public byte PrefixLength
    {
        get => _buffer[PrefixLengthOffset];
        set => _buffer[PrefixLengthOffset] = value;
    }

    /// <summary>The whole flags octet; the six bits after L and A are reserved (Reserved1).</summary>
    public byte Flags
    {
        get => _buffer[FlagsOffset];
        set => _buffer[FlagsOffset] = value;
    }

    /// <summary>L: the prefix can be used for on-link determination.</summary>
    public bool OnLink
    {
        get => (_buffer[FlagsOffset] & OnLinkFlag) != 0;
        set => _buffer[FlagsOffset] = (byte)(value ? _buffer[FlagsOffset] | OnLinkFlag : _buffer[FlagsOffset] & ~OnLinkFlag);
    }

    /// <summary>A: the prefix can be used for stateless address autoconfiguration.</summary>
    public bool Autonomous
    {
        get => (_buffer[FlagsOffset] & AutonomousFlag) != 0;
        set => _buffer[FlagsOffset] = (byte)(value ? _buffer[FlagsOffset] | AutonomousFlag : _buffer[FlagsOffset] & ~AutonomousFlag);
    }

    /// <summary>Seconds the prefix stays valid for on-link determination; <see cref="InfiniteLifetime"/> is forever.</summary>
    public uint ValidLifetime
    {
        get => BinaryPrimitives.ReadUInt32BigEndian(_buffer.Slice(ValidLifetimeOffset));
        set => BinaryPrimitives.WriteUInt32BigEndian(_buffer.Slice(ValidLifetimeOffset), value);
    }

    /// <summary>Seconds addresses made from the prefix stay preferred (RFC 4862 section 5.5.3).</summary>
    public uint PreferredLifetime
    {
        get => BinaryPrimitives.ReadUInt32BigEndian(_buffer.Slice(PreferredLifetimeOffset));
        set => BinaryPrimitives.WriteUInt32BigEndian(_buffer.Slice(PreferredLifetimeOffset), value);
    }

    /// <summary>
    /// The prefix, bits past <see cref="PrefixLength"/> left as sent: RFC 4861 section 4.6.2
    /// says receivers ignore them, so a comparison must mask them itself.
    /// </summary>
    public Ipv6Address Prefix
    {
        get => new Ipv6Address(_buffer.Slice(PrefixOffset));
        set => value.CopyTo(_buffer.Slice(PrefixOffset));
    }
}
