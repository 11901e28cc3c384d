using System.Buffers.Binary;

namespace Unikernel.Net.Wire;

/// <summary>
/// A view of an ICMPv6 message (RFC 4443 section 2.1): type, code, checksum, then a message body
/// whose first 32-bit word every defined message has (identifier and sequence number for echo,
/// MTU for Packet Too Big, pointer for Parameter Problem, flags or reserved bits for neighbour discovery).
/// </summary>
/// <remarks>
/// The view covers the whole message, the upper-layer payload of the IPv6 packet. The checksum
/// covers an IPv6 pseudo-header (RFC 4443 section 2.3), so it is verified with the addresses,
/// by <see cref="VerifyChecksum"/>, not by <see cref="Check"/>. After <see cref="Check"/> no accessor can fault.
/// </remarks>
public readonly ref struct Icmpv6Packet
{
    /// <summary>Types below this are errors, from it on informational messages (RFC 4443 section 2.1).</summary>
    public const byte FirstInformationalType = 128;

    public const int TypeOffset = 0;
    public const int CodeOffset = 1;
    public const int ChecksumOffset = 2;
    public const int IdentifierOffset = 4;
    public const int SequenceNumberOffset = 6;
    public const int MtuOffset = 4;
    public const int PointerOffset = 4;

    /// <summary>Neighbour advertisement: the R, S and O flags, the top bits of the first body word (RFC 4861 section 4.4).</summary>
    public const int NeighborFlagsOffset = 4;

    /// <summary>Neighbour solicitation and advertisement: the target address after the first body word (RFC 4861 sections 4.3, 4.4).</summary>
    public const int TargetAddressOffset = 8;

    /// <summary>Neighbour solicitation and advertisement: where the options start, after the target.</summary>
    public const int NeighborOptionsOffset = 24;

    /// <summary>A neighbour solicitation or advertisement without options: RFC 4861 section 7.1.1 drops shorter ones.</summary>
    public const int NeighborMessageLength = 24;

    /// <summary>NA flag: the sender is a router (RFC 4861 section 4.4).</summary>
    public const byte RouterFlag = 0x80;

    /// <summary>NA flag: sent in response to a solicitation.</summary>
    public const byte SolicitedFlag = 0x40;

    /// <summary>NA flag: the receiver should replace a cached link-layer address.</summary>
    public const byte OverrideFlag = 0x20;

    /// <summary>Type, code and checksum.</summary>
    public const int HeaderLength = 4;

    /// <summary>The header and the first word of the body: the shortest message RFC 4443 and RFC 4861 define.</summary>
    public const int MinimumLength = 8;

    private readonly Span<byte> _buffer;

    /// <summary>Wraps the bytes without checking them.</summary>
    public Icmpv6Packet(Span<byte> buffer)
    {
        _buffer = buffer;
    }

    /// <summary>Accepts a message of at least <see cref="MinimumLength"/> bytes.</summary>
    public static bool Check(ReadOnlySpan<byte> buffer, out WireError reason)
    {
        reason = buffer.Length < MinimumLength ? WireError.Truncated : WireError.None;
        return reason == WireError.None;
    }

    /// <summary><see cref="Check"/>, then a view of the whole buffer.</summary>
    public static bool TryParse(Span<byte> buffer, out Icmpv6Packet packet, out WireError reason)
    {
        packet = Check(buffer, out reason) ? new Icmpv6Packet(buffer) : default;
        return reason == WireError.None;
    }

    /// <summary>
    /// Writes type and code, zeroes the checksum and the first body word, and returns a view of
    /// <see cref="MinimumLength"/> plus <paramref name="payloadLength"/> bytes; the caller writes
    /// the rest, then calls <see cref="FillChecksum"/>.
    /// </summary>
    public static Icmpv6Packet Emit(Span<byte> buffer, Icmpv6Type type, byte code, int payloadLength)
    {
        if (payloadLength < 0 || buffer.Length - MinimumLength < payloadLength)
            Kernel.Panic("Icmpv6Packet.Emit: buffer too short"u8);
        var packet = new Icmpv6Packet(buffer.Slice(0, MinimumLength + payloadLength));
        buffer[TypeOffset] = (byte)type;
        buffer[CodeOffset] = code;
        BinaryPrimitives.WriteUInt16BigEndian(buffer.Slice(ChecksumOffset), 0);
        BinaryPrimitives.WriteUInt32BigEndian(buffer.Slice(IdentifierOffset), 0);
        return packet;
    }

    /// <summary>
    /// Writes a whole echo request or reply (RFC 4443 sections 4.1, 4.2), data and checksum
    /// included. <paramref name="data"/> may be this message's own payload, for a reply built in place.
    /// </summary>
    public static Icmpv6Packet EmitEcho(Span<byte> buffer, Icmpv6Type type, ushort identifier, ushort sequenceNumber,
        ReadOnlySpan<byte> data, Ipv6Address source, Ipv6Address destination)
    {
        var packet = Emit(buffer, type, 0, data.Length);
        packet.Identifier = identifier;
        packet.SequenceNumber = sequenceNumber;
        data.CopyTo(packet.Payload);
        packet.FillChecksum(source, destination);
        return packet;
    }

    /// <summary>The bytes this view covers.</summary>
    public Span<byte> Buffer => _buffer;

    public Icmpv6Type Type
    {
        get => (Icmpv6Type)_buffer[TypeOffset];
        set => _buffer[TypeOffset] = (byte)value;
    }

    public byte Code
    {
        get => _buffer[CodeOffset];
        set => _buffer[CodeOffset] = value;
    }

    public ushort Checksum
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(ChecksumOffset));
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(ChecksumOffset), value);
    }

    /// <summary>Echo: matches replies to requests.</summary>
    public ushort Identifier
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(IdentifierOffset));
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(IdentifierOffset), value);
    }

    /// <summary>Echo: counts requests.</summary>
    public ushort SequenceNumber
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(SequenceNumberOffset));
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(SequenceNumberOffset), value);
    }

    /// <summary>Packet Too Big: the next hop's MTU (RFC 4443 section 3.2).</summary>
    public uint Mtu
    {
        get => BinaryPrimitives.ReadUInt32BigEndian(_buffer.Slice(MtuOffset));
        set => BinaryPrimitives.WriteUInt32BigEndian(_buffer.Slice(MtuOffset), value);
    }

    /// <summary>Parameter Problem: the offset of the error in the invoking packet (RFC 4443 section 3.4).</summary>
    public uint Pointer
    {
        get => BinaryPrimitives.ReadUInt32BigEndian(_buffer.Slice(PointerOffset));
        set => BinaryPrimitives.WriteUInt32BigEndian(_buffer.Slice(PointerOffset), value);
    }

    /// <summary>Neighbour advertisement flags (<see cref="RouterFlag"/>, <see cref="SolicitedFlag"/>, <see cref="OverrideFlag"/>); inside the minimum length.</summary>
    public byte NeighborFlags
    {
        get => _buffer[NeighborFlagsOffset];
        set => _buffer[NeighborFlagsOffset] = value;
    }

    /// <summary>True if the message is long enough to be a neighbour solicitation or advertisement, and then its target.</summary>
    public bool TryGetTargetAddress(out Ipv6Address target)
    {
        if (_buffer.Length < NeighborMessageLength)
        {
            target = default;
            return false;
        }
        target = new Ipv6Address(_buffer.Slice(TargetAddressOffset));
        return true;
    }

    /// <summary>Neighbour solicitation and advertisement: the options after the target; empty if the message is shorter than that.</summary>
    public Span<byte> NeighborOptions => _buffer.Length < NeighborMessageLength ? Span<byte>.Empty : _buffer.Slice(NeighborOptionsOffset);

    /// <summary>Everything after the checksum.</summary>
    public Span<byte> MessageBody => _buffer.Slice(HeaderLength);

    /// <summary>
    /// After the first body word: echo data, the invoking packet in an error, or the target
    /// address and options of a neighbour solicitation or advertisement (RFC 4861 section 4.3).
    /// </summary>
    public Span<byte> Payload => _buffer.Slice(MinimumLength);

    /// <summary>The checksum to store, over the pseudo-header and the message with its checksum field taken as zero.</summary>
    public ushort ComputeChecksum(in Ipv6Address source, in Ipv6Address destination)
    {
        ushort sum = InternetChecksum.PseudoHeaderSum(source, destination, IpProtocol.Icmpv6, _buffer.Length);
        sum = InternetChecksum.Sum(_buffer.Slice(0, ChecksumOffset), sum);
        sum = InternetChecksum.Sum(_buffer.Slice(ChecksumOffset + 2), sum);
        return (ushort)~sum;
    }

    /// <summary>
    /// True if the message sums to 0xFFFF with the pseudo-header of the given addresses (RFC 4443
    /// section 2.3); <paramref name="destination"/> is the final one if a Routing header was present.
    /// </summary>
    public bool VerifyChecksum(in Ipv6Address source, in Ipv6Address destination) =>
        InternetChecksum.Sum(_buffer, InternetChecksum.PseudoHeaderSum(source, destination, IpProtocol.Icmpv6, _buffer.Length)) == 0xFFFF;

    /// <summary>Writes <see cref="ComputeChecksum"/>, after the payload is in place.</summary>
    public void FillChecksum(in Ipv6Address source, in Ipv6Address destination) => Checksum = ComputeChecksum(source, destination);
}
