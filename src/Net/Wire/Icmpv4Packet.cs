using System.Buffers.Binary;

namespace Unikernel.Net.Wire;

/// <summary>
/// A view of an ICMPv4 message (RFC 792): type, code, checksum and a 32-bit word whose meaning
/// depends on the type (identifier and sequence number for echo), then the data.
/// </summary>
/// <remarks>
/// The view covers the whole message, the IPv4 payload: the checksum covers all of it and needs
/// no pseudo-header, so <see cref="Check"/> verifies it. After <see cref="Check"/> no accessor can fault.
/// </remarks>
public readonly ref struct Icmpv4Packet
{
    public const int TypeOffset = 0;
    public const int CodeOffset = 1;
    public const int ChecksumOffset = 2;
    public const int IdentifierOffset = 4;
    public const int SequenceNumberOffset = 6;

    /// <summary>Destination unreachable, fragmentation needed: the next hop's MTU, the low half of the second word (RFC 1191 section 4).</summary>
    public const int NextHopMtuOffset = 6;

    /// <summary>Destination unreachable code 4: fragmentation needed and DF set (RFC 792, RFC 1191).</summary>
    public const byte FragmentationNeededCode = 4;

    /// <summary>Type, code, checksum and the type-specific word: every ICMPv4 message has them.</summary>
    public const int HeaderLength = 8;

    private readonly Span<byte> _buffer;

    /// <summary>
    /// The error messages of RFC 792 (destination unreachable, source quench, redirect, time
    /// exceeded, parameter problem), which no ICMP error may answer (RFC 1122 section 3.2.2).
    /// </summary>
    public static bool IsErrorType(Icmpv4Type type) =>
        type == Icmpv4Type.DestinationUnreachable || type == Icmpv4Type.SourceQuench || type == Icmpv4Type.Redirect
        || type == Icmpv4Type.TimeExceeded || type == Icmpv4Type.ParameterProblem;

    /// <summary>Wraps the bytes without checking them.</summary>
    public Icmpv4Packet(Span<byte> buffer)
    {
        _buffer = buffer;
    }

    /// <summary>Accepts a message of at least 8 bytes whose checksum adds up (RFC 1122 section 3.2.2: discard otherwise).</summary>
    public static bool Check(ReadOnlySpan<byte> buffer, out WireError reason)
    {
        if (buffer.Length < HeaderLength)
            reason = WireError.Truncated;
        else if (!InternetChecksum.Verify(buffer))
            reason = WireError.BadChecksum;
        else
            reason = WireError.None;
        return reason == WireError.None;
    }

    /// <summary><see cref="Check"/>, then a view of the whole buffer.</summary>
    public static bool TryParse(Span<byte> buffer, out Icmpv4Packet packet, out WireError reason)
    {
        packet = Check(buffer, out reason) ? new Icmpv4Packet(buffer) : default;
        return reason == WireError.None;
    }

    /// <summary>
    /// Writes type and code, zeroes the checksum and the type-specific word, and returns a view
    /// of header and <paramref name="payloadLength"/> bytes; the caller writes the rest, then
    /// calls <see cref="FillChecksum"/>.
    /// </summary>
    public static Icmpv4Packet Emit(Span<byte> buffer, Icmpv4Type type, byte code, int payloadLength)
    {
        if (payloadLength < 0 || buffer.Length - HeaderLength < payloadLength)
            Kernel.Panic("Icmpv4Packet.Emit: buffer too short"u8);
        var packet = new Icmpv4Packet(buffer.Slice(0, HeaderLength + payloadLength));
        buffer[TypeOffset] = (byte)type;
        buffer[CodeOffset] = code;
        BinaryPrimitives.WriteUInt16BigEndian(buffer.Slice(ChecksumOffset), 0);
        BinaryPrimitives.WriteUInt32BigEndian(buffer.Slice(IdentifierOffset), 0);
        return packet;
    }

    /// <summary>
    /// Writes a whole echo request or reply (RFC 792, "Echo or Echo Reply Message"), data and
    /// checksum included. <paramref name="data"/> may be this message's own payload, for a reply built in place.
    /// </summary>
    public static Icmpv4Packet EmitEcho(Span<byte> buffer, Icmpv4Type type, ushort identifier, ushort sequenceNumber, ReadOnlySpan<byte> data)
    {
        var packet = Emit(buffer, type, 0, data.Length);
        packet.Identifier = identifier;
        packet.SequenceNumber = sequenceNumber;
        data.CopyTo(packet.Payload);
        packet.FillChecksum();
        return packet;
    }

    /// <summary>The bytes this view covers.</summary>
    public Span<byte> Buffer => _buffer;

    public Icmpv4Type Type
    {
        get => (Icmpv4Type)_buffer[TypeOffset];
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

    /// <summary>Fragmentation needed: the MTU of the next hop, 0 from a router older than RFC 1191.</summary>
    public ushort NextHopMtu
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(NextHopMtuOffset));
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(NextHopMtuOffset), value);
    }

    /// <summary>The type-specific word at offset 4, whole: unused, gateway address or pointer, by type.</summary>
    public uint RestOfHeader
    {
        get => BinaryPrimitives.ReadUInt32BigEndian(_buffer.Slice(IdentifierOffset));
        set => BinaryPrimitives.WriteUInt32BigEndian(_buffer.Slice(IdentifierOffset), value);
    }

    /// <summary>After the 8-byte header: echo data, or the start of the offending datagram in an error.</summary>
    public Span<byte> Payload => _buffer.Slice(HeaderLength);

    public bool VerifyChecksum() => InternetChecksum.Verify(_buffer);

    /// <summary>Recomputes the checksum over the whole message, after the payload is in place.</summary>
    public void FillChecksum()
    {
        Checksum = 0;
        Checksum = InternetChecksum.Compute(_buffer);
    }
}
