using System.Buffers.Binary;

namespace Unikernel.Net.Wire;

/// <summary>
/// A view of a BOOTP/DHCP message, the UDP payload between ports 67 and 68 (RFC 2131 section 2,
/// figure 1): the fixed BOOTP fields, the magic cookie 99.130.83.99, then options as
/// code/length/value triples (RFC 2132).
/// </summary>
/// <remarks>
/// Call <see cref="Check"/> (or <see cref="TryParse"/>) first; after it, no accessor can fault
/// and every option lookup stays inside the buffer. The constructor itself checks nothing.
/// Only Ethernet is accepted (htype 1, hlen 6), so chaddr is read as a <see cref="MacAddress"/>.
/// </remarks>
public readonly ref struct DhcpMessage
{
    public const int OperationOffset = 0;
    public const int HardwareTypeOffset = 1;
    public const int HardwareLengthOffset = 2;
    public const int HopsOffset = 3;
    public const int TransactionIdOffset = 4;
    public const int SecondsOffset = 8;
    public const int FlagsOffset = 10;
    public const int ClientAddressOffset = 12;
    public const int YourAddressOffset = 16;
    public const int ServerAddressOffset = 20;
    public const int RelayAddressOffset = 24;
    public const int ClientHardwareAddressOffset = 28;
    public const int ServerNameOffset = 44;
    public const int BootFileNameOffset = 108;
    public const int MagicCookieOffset = 236;
    public const int OptionsOffset = 240;

    /// <summary>The fixed fields and the cookie: the least a DHCP message can be.</summary>
    public const int MinimumLength = OptionsOffset;

    /// <summary>
    /// What <see cref="Emit"/> needs and pads to: RFC 951's BOOTP message had a fixed 64-octet
    /// vendor area, so 300 octets, and some relays and servers still drop anything shorter.
    /// </summary>
    public const int MinimumEmitLength = 300;

    /// <summary>op of a message from client to server (RFC 2131 section 2).</summary>
    public const byte BootRequest = 1;

    /// <summary>op of a message from server to client.</summary>
    public const byte BootReply = 2;

    /// <summary>htype for 10 Mb/s Ethernet, which every Ethernet uses (IANA "arp-parameters").</summary>
    public const byte HardwareTypeEthernet = 1;

    /// <summary>99.130.83.99 (RFC 2131 section 3; RFC 2132 section 2).</summary>
    public const uint MagicCookie = 0x63825363;

    /// <summary>
    /// The leftmost bit of flags asks the server to broadcast its reply (RFC 2131 section 2,
    /// figure 2); the other fifteen MUST be zero.
    /// </summary>
    public const ushort BroadcastFlag = 0x8000;

    private readonly Span<byte> _buffer;

    /// <summary>Wraps the bytes without checking them.</summary>
    public DhcpMessage(Span<byte> buffer)
    {
        _buffer = buffer;
    }

    /// <summary>
    /// Accepts a message with all 240 fixed bytes, Ethernet addressing, the DHCP magic cookie,
    /// and options that each fit in the buffer up to an end option. A plain BOOTP message (other
    /// cookie) and other hardware are <see cref="WireError.Unsupported"/>; an option running past
    /// the buffer, or no end option, is <see cref="WireError.BadFormat"/>. op is not checked:
    /// requests and replies parse alike, and which one is wanted is the caller's question.
    /// </summary>
    /// <remarks>
    /// Option overload (52, RFC 2132 section 9.3), which moves more options into sname and file,
    /// is ignored: those fields are not searched. Servers use it only when the options area is
    /// full, which a lease for one client never makes it.
    /// </remarks>
    public static bool Check(ReadOnlySpan<byte> buffer, out WireError reason)
    {
        if (buffer.Length < MinimumLength)
            reason = WireError.Truncated;
        else if (buffer[HardwareTypeOffset] != HardwareTypeEthernet || buffer[HardwareLengthOffset] != MacAddress.Length)
            reason = WireError.Unsupported;
        else if (BinaryPrimitives.ReadUInt32BigEndian(buffer.Slice(MagicCookieOffset)) != MagicCookie)
            reason = WireError.Unsupported;
        else if (FindOption(buffer, DhcpOptionCode.End, out _) < 0)
            reason = WireError.BadFormat;
        else
            reason = WireError.None;
        return reason == WireError.None;
    }

    /// <summary><see cref="Check"/>, then a view of the whole buffer (bytes after the end option are padding).</summary>
    public static bool TryParse(Span<byte> buffer, out DhcpMessage message, out WireError reason)
    {
        message = Check(buffer, out reason) ? new DhcpMessage(buffer) : default;
        return reason == WireError.None;
    }

    /// <summary>
    /// Writes the fixed fields of a client message (op BOOTREQUEST, Ethernet, hops 0, secs 0,
    /// flags 0, yiaddr/siaddr/giaddr 0, sname and file empty), the cookie and option 53, and
    /// returns a writer for the other options; its <see cref="DhcpOptionWriter.Finish"/> ends
    /// them and gives the message length.
    /// </summary>
    /// <param name="clientAddress">ciaddr: the client's address when it is bound, renewing or
    /// rebinding, else <see cref="Ipv4Address.Any"/> (RFC 2131 section 4.4.1, table 5).</param>
    /// <remarks>
    /// The broadcast flag stays clear: a client that can take a unicast reply to its MAC before
    /// it has an address should (RFC 2131 section 4.1), and servers (dnsmasq, ISC) then send to
    /// chaddr with yiaddr as the IP destination. The buffer must hold <see cref="MinimumEmitLength"/>.
    /// </remarks>
    public static DhcpOptionWriter Emit(Span<byte> buffer, DhcpMessageType type, uint transactionId,
        MacAddress clientMac, Ipv4Address clientAddress)
    {
        if (buffer.Length < MinimumEmitLength)
            Kernel.Panic("DhcpMessage.Emit: buffer shorter than 300 bytes"u8);
        buffer.Slice(0, OptionsOffset).Clear();
        var message = new DhcpMessage(buffer);
        message.Operation = BootRequest;
        message.HardwareType = HardwareTypeEthernet;
        message.HardwareLength = MacAddress.Length;
        message.TransactionId = transactionId;
        message.ClientAddress = clientAddress;
        message.ClientHardwareAddress = clientMac;
        BinaryPrimitives.WriteUInt32BigEndian(buffer.Slice(MagicCookieOffset), MagicCookie);
        var writer = new DhcpOptionWriter(buffer, OptionsOffset);
        // Cannot fail: 300 bytes leave 60 for options.
        writer.TryWriteByte(DhcpOptionCode.MessageType, (byte)type);
        return writer;
    }

    /// <summary>The bytes this view covers.</summary>
    public Span<byte> Buffer => _buffer;

    /// <summary>op: <see cref="BootRequest"/> or <see cref="BootReply"/>.</summary>
    public byte Operation
    {
        get => _buffer[OperationOffset];
        set => _buffer[OperationOffset] = value;
    }

    /// <summary>htype; always <see cref="HardwareTypeEthernet"/> after <see cref="Check"/>.</summary>
    public byte HardwareType
    {
        get => _buffer[HardwareTypeOffset];
        set => _buffer[HardwareTypeOffset] = value;
    }

    /// <summary>hlen; always 6 after <see cref="Check"/>.</summary>
    public byte HardwareLength
    {
        get => _buffer[HardwareLengthOffset];
        set => _buffer[HardwareLengthOffset] = value;
    }

    /// <summary>Relay agents count themselves here; clients send 0.</summary>
    public byte Hops
    {
        get => _buffer[HopsOffset];
        set => _buffer[HopsOffset] = value;
    }

    /// <summary>xid: chosen by the client, echoed by the server, how a reply finds its request.</summary>
    public uint TransactionId
    {
        get => BinaryPrimitives.ReadUInt32BigEndian(_buffer.Slice(TransactionIdOffset));
        set => BinaryPrimitives.WriteUInt32BigEndian(_buffer.Slice(TransactionIdOffset), value);
    }

    /// <summary>secs: seconds since the client began acquiring or renewing.</summary>
    public ushort Seconds
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(SecondsOffset));
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(SecondsOffset), value);
    }

    public ushort Flags
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(FlagsOffset));
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(FlagsOffset), value);
    }

    /// <summary>The <see cref="BroadcastFlag"/> bit of <see cref="Flags"/>.</summary>
    public bool Broadcast
    {
        get => (Flags & BroadcastFlag) != 0;
        set => Flags = value ? (ushort)(Flags | BroadcastFlag) : (ushort)(Flags & ~BroadcastFlag);
    }

    /// <summary>ciaddr: the client's address, when it already has one.</summary>
    public Ipv4Address ClientAddress
    {
        get => new Ipv4Address(_buffer.Slice(ClientAddressOffset));
        set => value.CopyTo(_buffer.Slice(ClientAddressOffset));
    }

    /// <summary>yiaddr: the address the server offers or assigns.</summary>
    public Ipv4Address YourAddress
    {
        get => new Ipv4Address(_buffer.Slice(YourAddressOffset));
        set => value.CopyTo(_buffer.Slice(YourAddressOffset));
    }

    /// <summary>siaddr: the next server in bootstrap (TFTP), not the DHCP server: that is option 54.</summary>
    public Ipv4Address ServerAddress
    {
        get => new Ipv4Address(_buffer.Slice(ServerAddressOffset));
        set => value.CopyTo(_buffer.Slice(ServerAddressOffset));
    }

    /// <summary>giaddr: the relay agent's address, 0 when none relayed the message.</summary>
    public Ipv4Address RelayAddress
    {
        get => new Ipv4Address(_buffer.Slice(RelayAddressOffset));
        set => value.CopyTo(_buffer.Slice(RelayAddressOffset));
    }

    /// <summary>The first six of chaddr's sixteen octets; the other ten are zero for Ethernet.</summary>
    public MacAddress ClientHardwareAddress
    {
        get => new MacAddress(_buffer.Slice(ClientHardwareAddressOffset));
        set => value.CopyTo(_buffer.Slice(ClientHardwareAddressOffset));
    }

    /// <summary>From the end of the cookie to the end of the buffer: options, the end option, padding.</summary>
    public Span<byte> Options => _buffer.Slice(OptionsOffset);

    /// <summary>
    /// The value of the first option with this code, before the end option. RFC 3396 would
    /// concatenate repeated options into one; no option a client reads here is that long, so
    /// the first is the whole of it. Pad and End are never found: they have no value.
    /// </summary>
    public bool TryGetOption(DhcpOptionCode code, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (code == DhcpOptionCode.Pad || code == DhcpOptionCode.End)
            return false;
        int at = FindOption(_buffer, code, out int length);
        if (at < 0)
            return false;
        value = _buffer.Slice(at, length);
        return true;
    }

    /// <summary>Option 53, which every DHCP message carries (RFC 2131 section 3); absent in plain BOOTP.</summary>
    public bool TryGetMessageType(out DhcpMessageType type)
    {
        bool found = TryGetOption(DhcpOptionCode.MessageType, out var value) && value.Length == 1;
        type = found ? (DhcpMessageType)value[0] : default;
        return found;
    }

    /// <summary>Option 54: the server's own address, which a client names to pick its offer and unicasts renewals to.</summary>
    public bool TryGetServerIdentifier(out Ipv4Address server) => TryGetAddress(DhcpOptionCode.ServerIdentifier, out server);

    /// <summary>Option 51, in seconds; <see cref="uint.MaxValue"/> means infinite (RFC 2132 section 9.2).</summary>
    public bool TryGetLeaseTime(out uint seconds) => TryGetUInt32(DhcpOptionCode.IpAddressLeaseTime, out seconds);

    /// <summary>Option 58, T1 in seconds: when to start renewing with the same server.</summary>
    public bool TryGetRenewalTime(out uint seconds) => TryGetUInt32(DhcpOptionCode.RenewalTime, out seconds);

    /// <summary>Option 59, T2 in seconds: when to start rebinding with any server.</summary>
    public bool TryGetRebindingTime(out uint seconds) => TryGetUInt32(DhcpOptionCode.RebindingTime, out seconds);

    /// <summary>Option 1.</summary>
    public bool TryGetSubnetMask(out Ipv4Address mask) => TryGetAddress(DhcpOptionCode.SubnetMask, out mask);

    /// <summary>The first address of option 3, the most preferred router (RFC 2132 section 3.5).</summary>
    public bool TryGetRouter(out Ipv4Address router)
    {
        // A list of addresses: a length that is not a positive multiple of four is malformed.
        bool found = TryGetOption(DhcpOptionCode.Router, out var value) && value.Length != 0 && (value.Length & 3) == 0;
        router = found ? new Ipv4Address(value) : default;
        return found;
    }

    /// <summary>The <paramref name="index"/>th address of option 6, the DNS servers in order of preference (RFC 2132 section 3.8).</summary>
    public bool TryGetDomainNameServer(int index, out Ipv4Address server)
    {
        bool found = TryGetOption(DhcpOptionCode.DomainNameServer, out var value) && (value.Length & 3) == 0
            && index >= 0 && index < value.Length / Ipv4Address.Length;
        server = found ? new Ipv4Address(value.Slice(index * Ipv4Address.Length, Ipv4Address.Length)) : default;
        return found;
    }

    private bool TryGetAddress(DhcpOptionCode code, out Ipv4Address address)
    {
        bool found = TryGetOption(code, out var value) && value.Length == Ipv4Address.Length;
        address = found ? new Ipv4Address(value) : default;
        return found;
    }

    private bool TryGetUInt32(DhcpOptionCode code, out uint number)
    {
        bool found = TryGetOption(code, out var value) && value.Length == 4;
        number = found ? BinaryPrimitives.ReadUInt32BigEndian(value) : 0;
        return found;
    }

    /// <summary>
    /// Walks the options from <see cref="OptionsOffset"/> and returns where the value of the first
    /// <paramref name="code"/> starts, or where the end option is when asked for
    /// <see cref="DhcpOptionCode.End"/>; -1 when it is absent or the options run past the buffer
    /// before the end option. Pad is one byte; every other option but End has a length byte.
    /// </summary>
    private static int FindOption(ReadOnlySpan<byte> buffer, DhcpOptionCode code, out int length)
    {
        int at = OptionsOffset;
        while (at < buffer.Length)
        {
            byte current = buffer[at];
            if (current == (byte)DhcpOptionCode.Pad)
            {
                at++;
                continue;
            }
            if (current == (byte)DhcpOptionCode.End)
            {
                length = 0;
                return code == DhcpOptionCode.End ? at : -1;
            }
            if (at + 1 >= buffer.Length)
                break;
            int valueLength = buffer[at + 1];
            if (buffer.Length - (at + 2) < valueLength)
                break;
            if (current == (byte)code)
            {
                length = valueLength;
                return at + 2;
            }
            at += 2 + valueLength;
        }
        length = 0;
        return -1;
    }
}
