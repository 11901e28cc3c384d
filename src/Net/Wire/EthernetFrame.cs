using System.Buffers.Binary;

namespace Unikernel.Net.Wire;

/// <summary>
/// A view of an Ethernet II frame as the MAC hands it over: destination, source, EtherType,
/// payload; no preamble and no FCS (IEEE 802.3-2018 clause 3.1.1, with the type interpretation of 3.2.6).
/// </summary>
/// <remarks>
/// Call <see cref="Check"/> (or <see cref="TryParse"/>) on a received frame first; after it,
/// no accessor can fault. The constructor itself checks nothing.
/// </remarks>
public readonly ref struct EthernetFrame
{
    public const int DestinationOffset = 0;
    public const int SourceOffset = 6;
    public const int EtherTypeOffset = 12;
    public const int HeaderLength = 14;

    /// <summary>
    /// The shortest frame on the wire without its FCS (64 octets with it, IEEE 802.3-2018
    /// section 4.4.2): shorter frames must be padded by the sender, so received frames often
    /// carry padding after the IP packet, which the IP views ignore.
    /// </summary>
    public const int MinimumLength = 60;

    // IEEE 802.3-2018 section 3.2.6: values up to 1500 are a length (802.3 with LLC), from
    // 0x0600 on a type; in between is undefined.
    private const ushort FirstEtherType = 0x0600;

    private readonly Span<byte> _buffer;

    /// <summary>Wraps the bytes without checking them.</summary>
    public EthernetFrame(Span<byte> buffer)
    {
        _buffer = buffer;
    }

    /// <summary>
    /// Accepts a frame with a full header and an EtherType. 802.3 length-field frames (LLC) and
    /// 802.1Q / 802.1ad tagged frames are <see cref="WireError.Unsupported"/>: we are an end
    /// host on an untagged port, and a tagged frame is dropped deliberately, not misread.
    /// </summary>
    public static bool Check(ReadOnlySpan<byte> buffer, out WireError reason)
    {
        if (buffer.Length < HeaderLength)
        {
            reason = WireError.Truncated;
            return false;
        }
        var type = (EtherType)BinaryPrimitives.ReadUInt16BigEndian(buffer.Slice(EtherTypeOffset));
        if ((ushort)type < FirstEtherType || type == EtherType.Vlan || type == EtherType.ServiceVlan || type == EtherType.LegacyQinQ)
        {
            reason = WireError.Unsupported;
            return false;
        }
        reason = WireError.None;
        return true;
    }

    /// <summary><see cref="Check"/>, then a view over the whole buffer.</summary>
    public static bool TryParse(Span<byte> buffer, out EthernetFrame frame, out WireError reason)
    {
        frame = Check(buffer, out reason) ? new EthernetFrame(buffer) : default;
        return reason == WireError.None;
    }

    /// <summary>
    /// Pads a frame of <paramref name="length"/> bytes built in <paramref name="frame"/> with
    /// zeros to <see cref="MinimumLength"/> (IEEE 802.3's 64 bytes less the FCS) and returns its
    /// length on the wire.
    /// </summary>
    public static int Pad(Span<byte> frame, int length)
    {
        if (length >= MinimumLength)
            return length;
        frame.Slice(length, MinimumLength - length).Clear();
        return MinimumLength;
    }

    /// <summary>
    /// Writes the 14-byte header at the start of <paramref name="buffer"/> and returns a view of
    /// the whole buffer; the caller writes the payload and pads the frame (<see cref="Pad"/>).
    /// </summary>
    public static EthernetFrame Emit(Span<byte> buffer, MacAddress destination, MacAddress source, EtherType type)
    {
        if (buffer.Length < HeaderLength)
            Kernel.Panic("EthernetFrame.Emit: buffer shorter than the header"u8);
        var frame = new EthernetFrame(buffer);
        frame.Destination = destination;
        frame.Source = source;
        frame.EtherType = type;
        return frame;
    }

    /// <summary>The bytes this view covers.</summary>
    public Span<byte> Buffer => _buffer;

    public MacAddress Destination
    {
        get => new MacAddress(_buffer.Slice(DestinationOffset));
        set => value.CopyTo(_buffer.Slice(DestinationOffset));
    }

    public MacAddress Source
    {
        get => new MacAddress(_buffer.Slice(SourceOffset));
        set => value.CopyTo(_buffer.Slice(SourceOffset));
    }

    public EtherType EtherType
    {
        get => (EtherType)BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(EtherTypeOffset));
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(EtherTypeOffset), (ushort)value);
    }

    /// <summary>Everything after the header, padding included: the IP views trim it by their own length fields.</summary>
    public Span<byte> Payload => _buffer.Slice(HeaderLength);
}
