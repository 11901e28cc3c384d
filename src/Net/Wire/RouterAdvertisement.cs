using System.Buffers.Binary;

namespace Unikernel.Net.Wire;

/// <summary>
/// A view of a Router Advertisement (RFC 4861 section 4.2), the whole ICMPv6 message: what a
/// router tells hosts about itself and the link, then options (prefixes, MTU, its link-layer address).
/// </summary>
/// <remarks>
/// <para>Call <see cref="Check"/> (or <see cref="TryParse"/>) first; after it, no accessor can
/// fault and <see cref="NdpOptionReader"/> walks <see cref="Options"/> without an error.</para>
/// <para>RFC 4861 section 6.1.2 also wants a link-local source, hop limit 255 and a correct
/// checksum; those need the IPv6 header, so they are the caller's (<see cref="VerifyChecksum"/>).</para>
/// </remarks>
public readonly ref struct RouterAdvertisement
{
    public const int CurrentHopLimitOffset = 4;
    public const int FlagsOffset = 5;
    public const int RouterLifetimeOffset = 6;
    public const int ReachableTimeOffset = 8;
    public const int RetransTimerOffset = 12;
    public const int OptionsOffset = 16;

    /// <summary>The fixed part; RFC 4861 section 6.1.2 drops anything shorter.</summary>
    public const int MinimumLength = 16;

    /// <summary>The M bit of <see cref="Flags"/>: addresses are available by DHCPv6 (RFC 4861 section 4.2).</summary>
    public const byte ManagedFlagBit = 0x80;

    /// <summary>The O bit of <see cref="Flags"/>: other configuration (DNS, say) is available by DHCPv6.</summary>
    public const byte OtherFlagBit = 0x40;

    private readonly Span<byte> _buffer;

    /// <summary>Wraps the bytes without checking them.</summary>
    public RouterAdvertisement(Span<byte> buffer)
    {
        _buffer = buffer;
    }

    /// <summary>
    /// Accepts a message of type 134, code 0 (RFC 4861 section 6.1.2), at least
    /// <see cref="MinimumLength"/> bytes, whose options all have a non-zero length and end
    /// inside it (the same section: such a message is dropped whole).
    /// </summary>
    public static bool Check(ReadOnlySpan<byte> buffer, out WireError reason)
    {
        if (buffer.Length < MinimumLength)
            reason = WireError.Truncated;
        else if (buffer[Icmpv6Packet.TypeOffset] != (byte)Icmpv6Type.RouterAdvertisement || buffer[Icmpv6Packet.CodeOffset] != 0)
            reason = WireError.BadFormat;
        else
            NdpOptionReader.Validate(buffer.Slice(OptionsOffset), out reason);
        return reason == WireError.None;
    }

    /// <summary><see cref="Check"/>, then a view of the whole buffer: the ICMPv6 message ends where the IPv6 payload does.</summary>
    public static bool TryParse(Span<byte> buffer, out RouterAdvertisement advertisement, out WireError reason)
    {
        advertisement = Check(buffer, out reason) ? new RouterAdvertisement(buffer) : default;
        return reason == WireError.None;
    }

    /// <summary>
    /// Writes type and code and zeroes the rest of the fixed part, and returns a view of it and
    /// <paramref name="optionsLength"/> bytes of options; the caller sets the fields, writes the
    /// options, then calls <see cref="FillChecksum"/>.
    /// </summary>
    public static RouterAdvertisement Emit(Span<byte> buffer, int optionsLength)
    {
        if (optionsLength < 0 || buffer.Length - MinimumLength < optionsLength)
            Kernel.Panic("RouterAdvertisement.Emit: buffer too short"u8);
        var advertisement = new RouterAdvertisement(buffer.Slice(0, MinimumLength + optionsLength));
        buffer.Slice(0, MinimumLength).Clear();
        buffer[Icmpv6Packet.TypeOffset] = (byte)Icmpv6Type.RouterAdvertisement;
        return advertisement;
    }

    /// <summary>The bytes this view covers.</summary>
    public Span<byte> Buffer => _buffer;

    /// <summary>The hop limit hosts should use; 0 means the router does not say (RFC 4861 section 4.2).</summary>
    public byte CurrentHopLimit
    {
        get => _buffer[CurrentHopLimitOffset];
        set => _buffer[CurrentHopLimitOffset] = value;
    }

    /// <summary>The whole flags octet: M, O, then bits later RFCs define (home agent, RFC 6275; preference, RFC 4191).</summary>
    public byte Flags
    {
        get => _buffer[FlagsOffset];
        set => _buffer[FlagsOffset] = value;
    }

    /// <summary>M: addresses come from DHCPv6.</summary>
    public bool ManagedFlag
    {
        get => (_buffer[FlagsOffset] & ManagedFlagBit) != 0;
        set => _buffer[FlagsOffset] = (byte)(value ? _buffer[FlagsOffset] | ManagedFlagBit : _buffer[FlagsOffset] & ~ManagedFlagBit);
    }

    /// <summary>O: other configuration comes from DHCPv6.</summary>
    public bool OtherFlag
    {
        get => (_buffer[FlagsOffset] & OtherFlagBit) != 0;
        set => _buffer[FlagsOffset] = (byte)(value ? _buffer[FlagsOffset] | OtherFlagBit : _buffer[FlagsOffset] & ~OtherFlagBit);
    }

    /// <summary>Seconds the router may serve as a default router; 0 means it is not one (RFC 4861 section 6.3.4).</summary>
    public ushort RouterLifetime
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(RouterLifetimeOffset));
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(RouterLifetimeOffset), value);
    }

    /// <summary>Milliseconds a neighbour stays reachable after a confirmation; 0 means unspecified.</summary>
    public uint ReachableTime
    {
        get => BinaryPrimitives.ReadUInt32BigEndian(_buffer.Slice(ReachableTimeOffset));
        set => BinaryPrimitives.WriteUInt32BigEndian(_buffer.Slice(ReachableTimeOffset), value);
    }

    /// <summary>Milliseconds between retransmitted neighbour solicitations; 0 means unspecified.</summary>
    public uint RetransTimer
    {
        get => BinaryPrimitives.ReadUInt32BigEndian(_buffer.Slice(RetransTimerOffset));
        set => BinaryPrimitives.WriteUInt32BigEndian(_buffer.Slice(RetransTimerOffset), value);
    }

    /// <summary>Everything after the fixed part; walk it with <see cref="NdpOptionReader"/>.</summary>
    public Span<byte> Options => _buffer.Slice(OptionsOffset);

    /// <summary>See <see cref="Icmpv6Packet.VerifyChecksum"/>.</summary>
    public bool VerifyChecksum(Ipv6Address source, Ipv6Address destination) =>
        new Icmpv6Packet(_buffer).VerifyChecksum(source, destination);

    /// <summary>Writes the ICMPv6 checksum, after the fields and options are in place.</summary>
    public void FillChecksum(Ipv6Address source, Ipv6Address destination) =>
        new Icmpv6Packet(_buffer).FillChecksum(source, destination);
}
