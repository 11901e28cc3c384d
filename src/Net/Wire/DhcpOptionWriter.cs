using System.Buffers.Binary;

namespace Unikernel.Net.Wire;

/// <summary>
/// Appends DHCP options (RFC 2132 section 2: code, length, value) to a message that
/// <see cref="DhcpMessage.Emit"/> started, then the end option. It always keeps one byte for
/// the end option, so an append that would not leave it refuses with false and writes nothing,
/// and <see cref="Finish"/> cannot fail.
/// </summary>
/// <remarks>A mutable ref struct: keep it in a local and call it there, not through a copy.</remarks>
public ref struct DhcpOptionWriter
{
    private readonly Span<byte> _message;
    private int _position;

    /// <summary>Writes options into <paramref name="message"/> from <paramref name="position"/>.</summary>
    internal DhcpOptionWriter(Span<byte> message, int position)
    {
        _message = message;
        _position = position;
    }

    /// <summary>Bytes of the message written so far, fixed fields and cookie included.</summary>
    public readonly int Length => _position;

    /// <summary>
    /// Appends one option. False, with nothing written, for Pad or End (they have no length
    /// byte), a value longer than 255 bytes, or too little room left.
    /// </summary>
    public bool TryWrite(DhcpOptionCode code, scoped ReadOnlySpan<byte> value)
    {
        if (code == DhcpOptionCode.Pad || code == DhcpOptionCode.End || value.Length > 255)
            return false;
        // Code, length, value, and one byte still free for the end option.
        if (_message.Length - _position < value.Length + 3)
            return false;
        _message[_position] = (byte)code;
        _message[_position + 1] = (byte)value.Length;
        value.CopyTo(_message.Slice(_position + 2));
        _position += 2 + value.Length;
        return true;
    }

    /// <summary>A one-byte option, like the message type.</summary>
    public bool TryWriteByte(DhcpOptionCode code, byte value)
    {
        Span<byte> bytes = stackalloc byte[1];
        bytes[0] = value;
        return TryWrite(code, bytes);
    }

    /// <summary>A 32-bit number in network order, like a lease time.</summary>
    public bool TryWriteUInt32(DhcpOptionCode code, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return TryWrite(code, bytes);
    }

    /// <summary>One address, like the requested IP address or the server identifier.</summary>
    public bool TryWriteAddress(DhcpOptionCode code, Ipv4Address address)
    {
        Span<byte> bytes = stackalloc byte[Ipv4Address.Length];
        address.CopyTo(bytes);
        return TryWrite(code, bytes);
    }

    /// <summary>
    /// Writes the end option and zero padding up to <see cref="DhcpMessage.MinimumEmitLength"/>
    /// (zero bytes are pad options, RFC 2132 section 3.1), and returns the message length: the
    /// UDP payload to send. Call it once, last.
    /// </summary>
    public int Finish()
    {
        _message[_position++] = (byte)DhcpOptionCode.End;
        if (_position < DhcpMessage.MinimumEmitLength)
        {
            _message.Slice(_position, DhcpMessage.MinimumEmitLength - _position).Clear();
            _position = DhcpMessage.MinimumEmitLength;
        }
        return _position;
    }
}
