using System.Buffers.Binary;

namespace Unikernel.Net.Wire;

/// <summary>
/// A view of an ARP packet for IPv4 over Ethernet (RFC 826), the only kind we resolve: with
/// hardware type 1 and protocol type 0x0800 the address lengths are 6 and 4, so every field
/// sits at a fixed offset.
/// </summary>
/// <remarks>Call <see cref="Check"/> first; after it, no accessor can fault.</remarks>
public readonly ref struct ArpPacket
{
    public const int HardwareTypeOffset = 0;
    public const int ProtocolTypeOffset = 2;
    public const int HardwareLengthOffset = 4;
    public const int ProtocolLengthOffset = 5;
    public const int OperationOffset = 6;
    public const int SenderHardwareAddressOffset = 8;
    public const int SenderProtocolAddressOffset = 14;
    public const int TargetHardwareAddressOffset = 18;
    public const int TargetProtocolAddressOffset = 24;

    /// <summary>The fixed part: types, lengths and operation.</summary>
    public const int FixedHeaderLength = 8;

    /// <summary>The whole packet for Ethernet and IPv4 addresses.</summary>
    public const int Length = 28;

    /// <summary>ar$hrd for Ethernet (IANA "arp-parameters", hardware type 1).</summary>
    public const ushort HardwareTypeEthernet = 1;

    private readonly Span<byte> _buffer;

    /// <summary>Wraps the bytes without checking them.</summary>
    public ArpPacket(Span<byte> buffer)
    {
        _buffer = buffer;
    }

    /// <summary>
    /// Accepts Ethernet/IPv4 requests and replies. Other hardware or protocol types, address
    /// lengths or opcodes (RARP, InARP) are <see cref="WireError.Unsupported"/>: they are not ours to answer.
    /// </summary>
    public static bool Check(ReadOnlySpan<byte> buffer, out WireError reason)
    {
        if (buffer.Length < FixedHeaderLength)
        {
            reason = WireError.Truncated;
            return false;
        }
        if (BinaryPrimitives.ReadUInt16BigEndian(buffer.Slice(HardwareTypeOffset)) != HardwareTypeEthernet
            || BinaryPrimitives.ReadUInt16BigEndian(buffer.Slice(ProtocolTypeOffset)) != (ushort)EtherType.Ipv4
            || buffer[HardwareLengthOffset] != MacAddress.Length
            || buffer[ProtocolLengthOffset] != Ipv4Address.Length)
        {
            reason = WireError.Unsupported;
            return false;
        }
        if (buffer.Length < Length)
        {
            reason = WireError.Truncated;
            return false;
        }
        var operation = (ArpOperation)BinaryPrimitives.ReadUInt16BigEndian(buffer.Slice(OperationOffset));
        if (operation != ArpOperation.Request && operation != ArpOperation.Reply)
        {
            reason = WireError.Unsupported;
            return false;
        }
        reason = WireError.None;
        return true;
    }

    /// <summary><see cref="Check"/>, then a view of exactly <see cref="Length"/> bytes (Ethernet padding left out).</summary>
    public static bool TryParse(Span<byte> buffer, out ArpPacket packet, out WireError reason)
    {
        packet = Check(buffer, out reason) ? new ArpPacket(buffer.Slice(0, Length)) : default;
        return reason == WireError.None;
    }

    /// <summary>Writes a whole Ethernet/IPv4 ARP packet, all 28 bytes, and returns a view of them.</summary>
    /// <remarks>In a request the target hardware address is unknown and Linux sends zeros there (RFC 826 leaves it unspecified).</remarks>
    public static ArpPacket Emit(Span<byte> buffer, ArpOperation operation,
        MacAddress senderHardwareAddress, Ipv4Address senderProtocolAddress,
        MacAddress targetHardwareAddress, Ipv4Address targetProtocolAddress)
    {
        if (buffer.Length < Length)
            Kernel.Panic("ArpPacket.Emit: buffer shorter than an ARP packet"u8);
        var packet = new ArpPacket(buffer.Slice(0, Length));
        BinaryPrimitives.WriteUInt16BigEndian(buffer.Slice(HardwareTypeOffset), HardwareTypeEthernet);
        BinaryPrimitives.WriteUInt16BigEndian(buffer.Slice(ProtocolTypeOffset), (ushort)EtherType.Ipv4);
        buffer[HardwareLengthOffset] = MacAddress.Length;
        buffer[ProtocolLengthOffset] = Ipv4Address.Length;
        packet.Operation = operation;
        packet.SenderHardwareAddress = senderHardwareAddress;
        packet.SenderProtocolAddress = senderProtocolAddress;
        packet.TargetHardwareAddress = targetHardwareAddress;
        packet.TargetProtocolAddress = targetProtocolAddress;
        return packet;
    }

    /// <summary>The bytes this view covers.</summary>
    public Span<byte> Buffer => _buffer;

    public ushort HardwareType => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(HardwareTypeOffset));

    public EtherType ProtocolType => (EtherType)BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(ProtocolTypeOffset));

    public byte HardwareLength => _buffer[HardwareLengthOffset];

    public byte ProtocolLength => _buffer[ProtocolLengthOffset];

    public ArpOperation Operation
    {
        get => (ArpOperation)BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(OperationOffset));
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(OperationOffset), (ushort)value);
    }

    public MacAddress SenderHardwareAddress
    {
        get => new MacAddress(_buffer.Slice(SenderHardwareAddressOffset));
        set => value.CopyTo(_buffer.Slice(SenderHardwareAddressOffset));
    }

    public Ipv4Address SenderProtocolAddress
    {
        get => new Ipv4Address(_buffer.Slice(SenderProtocolAddressOffset));
        set => value.CopyTo(_buffer.Slice(SenderProtocolAddressOffset));
    }

    public MacAddress TargetHardwareAddress
    {
        get => new MacAddress(_buffer.Slice(TargetHardwareAddressOffset));
        set => value.CopyTo(_buffer.Slice(TargetHardwareAddressOffset));
    }

    public Ipv4Address TargetProtocolAddress
    {
        get => new Ipv4Address(_buffer.Slice(TargetProtocolAddressOffset));
        set => value.CopyTo(_buffer.Slice(TargetProtocolAddressOffset));
    }
}
