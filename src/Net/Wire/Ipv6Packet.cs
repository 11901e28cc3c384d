using System.Buffers.Binary;

namespace Unikernel.Net.Wire;

/// <summary>
/// A view of an IPv6 packet: the 40-byte fixed header (RFC 8200 section 3) and its payload,
/// with a bounded walker over the extension headers that may start it (RFC 8200 section 4).
/// </summary>
/// <remarks>
/// Call <see cref="Check"/> (or <see cref="TryParse"/>) first; after it, no accessor can fault.
/// The constructor itself checks nothing.
/// </remarks>
public readonly ref struct Ipv6Packet
{
    public const int VersionClassAndFlowOffset = 0;
    public const int PayloadLengthOffset = 4;
    public const int NextHeaderOffset = 6;
    public const int HopLimitOffset = 7;
    public const int SourceOffset = 8;
    public const int DestinationOffset = 24;
    public const int HeaderLength = 40;

    /// <summary>The 16-bit payload length field's limit (jumbograms, RFC 2675, are not supported).</summary>
    public const int MaximumPayloadLength = 65535;

    public const byte Version6 = 6;

    /// <summary>
    /// The most extension headers <see cref="WalkExtensionHeaders"/> follows. RFC 8200 section
    /// 4.1 lets headers repeat in any order, so the bound is ours: real traffic carries one or
    /// two (RFC 8200 section 4.1 lists at most six kinds in the recommended order, each once but
    /// Destination Options twice), and a longer chain is far more likely an attack than a packet
    /// for us. A chain past it is <see cref="WireError.TooManyHeaders"/>, counted as malformed.
    /// </summary>
    public const int MaximumExtensionHeaders = 8;

    /// <summary>
    /// The extension headers must end within the first 1280 bytes of the packet (40 of them the
    /// fixed header): a sender's chain must fit the first fragment (RFC 8200 section 4.5, RFC
    /// 7112 section 5), which on a path of the minimum MTU (RFC 8200 section 5) is 1280 bytes,
    /// and RFC 7045 section 2.1 allows dropping a chain a node cannot walk. A longer chain is
    /// <see cref="WireError.TooManyHeaders"/>, counted as malformed.
    /// </summary>
    public const int MaximumHeaderChainLength = MinimumMtu - HeaderLength;

    /// <summary>Every link on an IPv6 path carries packets this long (RFC 8200 section 5).</summary>
    public const int MinimumMtu = 1280;

    private const uint FlowLabelMask = 0xF_FFFF;

    private readonly Span<byte> _buffer;

    /// <summary>Wraps the bytes without checking them.</summary>
    public Ipv6Packet(Span<byte> buffer)
    {
        _buffer = buffer;
    }

    /// <summary>
    /// Accepts a packet with a whole fixed header, version 6, and a payload length that fits the
    /// buffer (more bytes after it are Ethernet padding). Extension headers are checked by
    /// <see cref="FindUpperLayer"/>, not here.
    /// </summary>
    public static bool Check(ReadOnlySpan<byte> buffer, out WireError reason)
    {
        if (buffer.Length < HeaderLength)
            reason = WireError.Truncated;
        else if (buffer[VersionClassAndFlowOffset] >> 4 != Version6)
            reason = WireError.BadVersion;
        else if (buffer.Length - HeaderLength < BinaryPrimitives.ReadUInt16BigEndian(buffer.Slice(PayloadLengthOffset)))
            reason = WireError.Truncated;
        else
            reason = WireError.None;
        return reason == WireError.None;
    }

    /// <summary><see cref="Check"/>, then a view of exactly header and payload (Ethernet padding left out).</summary>
    public static bool TryParse(Span<byte> buffer, out Ipv6Packet packet, out WireError reason)
    {
        packet = Check(buffer, out reason)
            ? new Ipv6Packet(buffer.Slice(0, HeaderLength + BinaryPrimitives.ReadUInt16BigEndian(buffer.Slice(PayloadLengthOffset))))
            : default;
        return reason == WireError.None;
    }

    /// <summary>
    /// Writes the 40-byte fixed header for a payload of <paramref name="payloadLength"/> bytes
    /// that the caller writes after it, and returns a view of header and payload. Traffic class
    /// and flow label are zero; set <see cref="FlowLabel"/> afterwards to label a flow (RFC 6437).
    /// </summary>
    public static Ipv6Packet Emit(Span<byte> buffer, in Ipv6Address source, in Ipv6Address destination,
        IpProtocol nextHeader, int payloadLength, byte hopLimit)
    {
        if ((uint)payloadLength > MaximumPayloadLength || buffer.Length - HeaderLength < payloadLength)
            Kernel.Panic("Ipv6Packet.Emit: payload too long or buffer too short"u8);
        var packet = new Ipv6Packet(buffer.Slice(0, HeaderLength + payloadLength));
        BinaryPrimitives.WriteUInt32BigEndian(buffer.Slice(VersionClassAndFlowOffset), (uint)Version6 << 28);
        BinaryPrimitives.WriteUInt16BigEndian(buffer.Slice(PayloadLengthOffset), (ushort)payloadLength);
        buffer[NextHeaderOffset] = (byte)nextHeader;
        buffer[HopLimitOffset] = hopLimit;
        packet.Source = source;
        packet.Destination = destination;
        return packet;
    }

    /// <summary>The bytes this view covers.</summary>
    public Span<byte> Buffer => _buffer;

    public int Version => _buffer[VersionClassAndFlowOffset] >> 4;

    /// <summary>DSCP and ECN, the eight bits after the version (RFC 8200 section 7, RFC 2474, RFC 3168).</summary>
    public byte TrafficClass
    {
        get => (byte)(VersionClassAndFlow >> 20);
        set => VersionClassAndFlow = VersionClassAndFlow & 0xF00F_FFFF | (uint)value << 20;
    }

    /// <summary>The 20-bit flow label (RFC 6437); Linux sets one per socket by default.</summary>
    public uint FlowLabel
    {
        get => VersionClassAndFlow & FlowLabelMask;
        set => VersionClassAndFlow = VersionClassAndFlow & ~FlowLabelMask | value & FlowLabelMask;
    }

    /// <summary>Bytes after the fixed header, extension headers included.</summary>
    public int PayloadLength
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(PayloadLengthOffset));
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(PayloadLengthOffset), (ushort)value);
    }

    /// <summary>The first header after the fixed header: an extension header or the upper layer.</summary>
    public IpProtocol NextHeader
    {
        get => (IpProtocol)_buffer[NextHeaderOffset];
        set => _buffer[NextHeaderOffset] = (byte)value;
    }

    public byte HopLimit
    {
        get => _buffer[HopLimitOffset];
        set => _buffer[HopLimitOffset] = value;
    }

    public Ipv6Address Source
    {
        get => new Ipv6Address(_buffer.Slice(SourceOffset));
        set => value.CopyTo(_buffer.Slice(SourceOffset));
    }

    public Ipv6Address Destination
    {
        get => new Ipv6Address(_buffer.Slice(DestinationOffset));
        set => value.CopyTo(_buffer.Slice(DestinationOffset));
    }

    /// <summary><see cref="PayloadLength"/> bytes after the fixed header: trailing Ethernet padding is not payload.</summary>
    public Span<byte> Payload => _buffer.Slice(HeaderLength, PayloadLength);

    /// <summary>
    /// Walks this packet's extension headers: see <see cref="WalkExtensionHeaders"/>.
    /// <paramref name="offset"/> counts from the start of <see cref="Payload"/>.
    /// </summary>
    public bool FindUpperLayer(out IpProtocol protocol, out int offset, out WireError reason) =>
        WalkExtensionHeaders(Payload, NextHeader, out protocol, out offset, out reason);

    /// <summary>
    /// Follows the chain of extension headers at the start of <paramref name="payload"/>, the
    /// first being <paramref name="nextHeader"/>, to the upper-layer header: its protocol and its
    /// offset in <paramref name="payload"/>. Every step advances by at least 8 bytes and the
    /// chain is cut at <see cref="MaximumExtensionHeaders"/>, so the walk always ends.
    /// </summary>
    /// <remarks>
    /// <para>Hop-by-Hop and Destination Options are skipped after their options are checked
    /// (<see cref="Ipv6Options.Check(ReadOnlySpan{byte}, out int, out WireError)"/>, RFC 8200
    /// section 4.2): an unrecognised option whose action bits ask for a drop makes the packet
    /// <see cref="WireError.Unsupported"/>, and the overload with a pointer says where it is.</para>
    /// <para>The chain is cut at <see cref="MaximumExtensionHeaders"/> headers and must end within
    /// <see cref="MaximumHeaderChainLength"/> bytes: <see cref="WireError.TooManyHeaders"/>.</para>
    /// <para>Hop-by-Hop anywhere but first is <see cref="WireError.BadFormat"/> (RFC 8200 section 4.1).</para>
    /// <para>A Routing header with segments left would make us a router for the packet, which
    /// we are not: <see cref="WireError.Unsupported"/> (RFC 8200 section 4.4; type 0 is deprecated
    /// anyway, RFC 5095). With no segments left it is skipped.</para>
    /// <para>An atomic fragment (offset 0, no more fragments) is processed as if the Fragment
    /// header were absent (RFC 6946 section 4). A real fragment ends the walk with
    /// <see cref="IpProtocol.Ipv6Fragment"/> at the Fragment header's offset: what follows is
    /// not a whole upper-layer message, and reassembly is the caller's business.</para>
    /// <para>Any other Next Header value, ESP, AH and No Next Header included, ends the walk as the upper layer.</para>
    /// </remarks>
    public static bool WalkExtensionHeaders(ReadOnlySpan<byte> payload, IpProtocol nextHeader,
        out IpProtocol protocol, out int offset, out WireError reason) =>
        WalkExtensionHeaders(payload, nextHeader, out protocol, out offset, out _, out reason);

    /// <summary>
    /// <see cref="WalkExtensionHeaders(ReadOnlySpan{byte}, IpProtocol, out IpProtocol, out int, out WireError)"/>,
    /// also giving the pointer of a Parameter Problem (RFC 4443 section 3.4), counted from the start
    /// of the IPv6 header: on success, the Next Header field that named the upper layer (code 1
    /// if that is unrecognised, RFC 8200 section 4); on <see cref="WireError.Unsupported"/> for an
    /// unrecognised option, that option's type octet (code 2, RFC 8200 section 4.2), whose
    /// <see cref="Ipv6Options.ActionOf">action bits</see> say whether to send it; otherwise 0.
    /// </summary>
    public static bool WalkExtensionHeaders(ReadOnlySpan<byte> payload, IpProtocol nextHeader,
        out IpProtocol protocol, out int offset, out int pointer, out WireError reason)
    {
        protocol = nextHeader;
        offset = 0;
        pointer = NextHeaderOffset;
        for (int count = 0; IsWalkedExtensionHeader(protocol); count++)
        {
            if (count == MaximumExtensionHeaders)
                return Fail(out pointer, out reason, WireError.TooManyHeaders);
            if (protocol == IpProtocol.HopByHop && count != 0)
                return Fail(out pointer, out reason, WireError.BadFormat);

            ReadOnlySpan<byte> rest = payload.Slice(offset);
            if (rest.Length < ExtensionHeaderUnit)
                return Fail(out pointer, out reason, WireError.Truncated);
            int length = ExtensionHeaderLength(protocol, rest);
            if (rest.Length < length)
                return Fail(out pointer, out reason, WireError.Truncated);
            if (offset + length > MaximumHeaderChainLength)
                return Fail(out pointer, out reason, WireError.TooManyHeaders);
            ReadOnlySpan<byte> header = rest.Slice(0, length);

            if (protocol == IpProtocol.HopByHop || protocol == IpProtocol.Ipv6DestinationOptions)
            {
                if (!Ipv6Options.Check(header.Slice(OptionsOffset), out int unrecognized, out reason))
                {
                    pointer = reason == WireError.Unsupported ? HeaderLength + offset + OptionsOffset + unrecognized : 0;
                    return false;
                }
            }
            else if (protocol == IpProtocol.Ipv6Routing)
            {
                if (header[RoutingSegmentsLeftOffset] != 0)
                    return Fail(out pointer, out reason, WireError.Unsupported);
            }
            else
            {
                if (!Ipv6FragmentHeader.IsAtomic(header))
                {
                    reason = WireError.None;
                    return true;
                }
            }

            protocol = (IpProtocol)header[0];
            pointer = HeaderLength + offset;
            offset += length;
        }
        reason = WireError.None;
        return true;
    }

    /// <summary>
    /// True unless the packet is known to carry an ICMPv6 informational message or another
    /// upper layer: an ICMPv6 error (type below 128), or a chain that cannot be followed to its
    /// end. No ICMPv6 error may answer an ICMPv6 error (RFC 4443 section 2.4 (e.1)); when the
    /// chain stops at an option the walker refused, this skips headers by their length alone,
    /// as far as <see cref="MaximumExtensionHeaders"/> and <see cref="MaximumHeaderChainLength"/> allow.
    /// </summary>
    public static bool MayBeIcmpv6Error(ReadOnlySpan<byte> payload, IpProtocol nextHeader)
    {
        IpProtocol protocol = nextHeader;
        int offset = 0;
        for (int count = 0; IsWalkedExtensionHeader(protocol); count++)
        {
            if (count == MaximumExtensionHeaders || payload.Length - offset < ExtensionHeaderUnit)
                return true;
            int length = ExtensionHeaderLength(protocol, payload.Slice(offset));
            // A fragment after the first holds no upper-layer header to look at.
            if (protocol == IpProtocol.Ipv6Fragment && !Ipv6FragmentHeader.IsFirst(payload.Slice(offset)))
                return true;
            if (offset + length > MaximumHeaderChainLength || payload.Length - offset < length)
                return true;
            protocol = (IpProtocol)payload[offset];
            offset += length;
        }
        if (protocol != IpProtocol.Icmpv6)
            return false;
        return payload.Length - offset < 1 || payload[offset] < Icmpv6Packet.FirstInformationalType;
    }

    private static bool IsWalkedExtensionHeader(IpProtocol protocol) =>
        protocol == IpProtocol.HopByHop || protocol == IpProtocol.Ipv6Routing
        || protocol == IpProtocol.Ipv6Fragment || protocol == IpProtocol.Ipv6DestinationOptions;

    private static bool Fail(out int pointer, out WireError reason, WireError why)
    {
        pointer = 0;
        reason = why;
        return false;
    }

    /// <summary>Options start after a Hop-by-Hop or Destination Options header's Next Header and Hdr Ext Len octets.</summary>
    private const int OptionsOffset = 2;

    /// <summary>Hdr Ext Len, after the Next Header octet of every extension header but Fragment (RFC 8200 sections 4.3 to 4.6).</summary>
    private const int HeaderExtensionLengthOffset = 1;

    /// <summary>Routing header: Next Header, Hdr Ext Len, Routing Type, Segments Left (RFC 8200 section 4.4).</summary>
    private const int RoutingSegmentsLeftOffset = 3;

    /// <summary>RFC 8200 sections 4.3 to 4.6: each extension header walked is at least 8 bytes, Next Header first, and counts its length in 8 bytes.</summary>
    private const int ExtensionHeaderUnit = 8;

    /// <summary>
    /// The length of the extension header <paramref name="protocol"/> at the start of
    /// <paramref name="header"/> (at least <see cref="ExtensionHeaderUnit"/> bytes there): the
    /// Fragment header's is fixed, the others give theirs in 8-byte units beyond the first 8.
    /// </summary>
    private static int ExtensionHeaderLength(IpProtocol protocol, ReadOnlySpan<byte> header) =>
        protocol == IpProtocol.Ipv6Fragment ? Ipv6FragmentHeader.Length : (header[HeaderExtensionLengthOffset] + 1) * ExtensionHeaderUnit;

    private uint VersionClassAndFlow
    {
        get => BinaryPrimitives.ReadUInt32BigEndian(_buffer.Slice(VersionClassAndFlowOffset));
        set => BinaryPrimitives.WriteUInt32BigEndian(_buffer.Slice(VersionClassAndFlowOffset), value);
    }
}
