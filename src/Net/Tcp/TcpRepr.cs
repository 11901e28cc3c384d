using Unikernel.Net.Wire;

namespace Unikernel.Net.Tcp;

/// <summary>
/// What a TCP segment means, apart from its bytes (smoltcp's <c>TcpRepr</c>): ports, sequence
/// and acknowledgment numbers, control bits, window, options and data. <see cref="TryParse"/>
/// makes one from a <see cref="TcpSegment"/> view and the IP pseudo-header's addresses;
/// <see cref="Emit"/> writes one. Addresses are IPv4-mapped for IPv4, as everywhere in TCP.
/// </summary>
public ref struct TcpRepr
{
    public ushort SourcePort;
    public ushort DestinationPort;
    public SeqNumber SequenceNumber;
    public SeqNumber AcknowledgmentNumber;
    public TcpFlags Flags;

    /// <summary>The window field as sent, unscaled.</summary>
    public ushort Window;

    public TcpOptions Options;

    /// <summary>The data of a parsed segment, in place in the received frame.</summary>
    public Span<byte> Payload;

    /// <summary>The length of the data: a parsed segment's, or what the sender writes after <see cref="Emit"/>.</summary>
    public int PayloadLength;

    /// <summary>The sequence space the segment takes: its data, and one each for SYN and FIN.</summary>
    public readonly int SegmentLength =>
        PayloadLength + ((Flags & TcpFlags.Syn) != 0 ? 1 : 0) + ((Flags & TcpFlags.Fin) != 0 ? 1 : 0);

    /// <summary>The bytes <see cref="Emit"/> writes: header, options, data.</summary>
    public readonly int BufferLength => TcpSegment.MinimumHeaderLength + TcpOptions.Length(in Options) + PayloadLength;

    /// <summary>
    /// Checks the segment as <see cref="TcpSegment.Check"/> does (header, then options, read once
    /// into <see cref="Options"/>), then its checksum over the pseudo-header of
    /// <paramref name="source"/> and <paramref name="destination"/>: a checksum that fails is
    /// <see cref="WireError.BadChecksum"/>.
    /// </summary>
    public static bool TryParse(Span<byte> bytes, in Ipv6Address source, in Ipv6Address destination, out TcpRepr repr, out WireError error)
    {
        repr = default;
        var segment = new TcpSegment(bytes);
        int headerLength = bytes.Length < TcpSegment.MinimumHeaderLength ? 0 : segment.HeaderLength;
        error = bytes.Length < TcpSegment.MinimumHeaderLength || bytes.Length < headerLength ? WireError.Truncated
            : headerLength < TcpSegment.MinimumHeaderLength ? WireError.BadHeaderLength : WireError.None;
        if (error != WireError.None)
            return false;
        if (!TcpOptions.TryParse(segment.Options, out repr.Options, out error))
            return false;
        bool checksumOk = source.IsIpv4Mapped
            ? segment.VerifyChecksum(source.MappedIpv4, destination.MappedIpv4)
            : segment.VerifyChecksum(source, destination);
        if (!checksumOk)
        {
            error = WireError.BadChecksum;
            return false;
        }
        repr.SourcePort = segment.SourcePort;
        repr.DestinationPort = segment.DestinationPort;
        repr.SequenceNumber = segment.SequenceNumber;
        repr.AcknowledgmentNumber = segment.AcknowledgmentNumber;
        repr.Flags = segment.Flags;
        repr.Window = segment.Window;
        repr.Payload = segment.Payload;
        repr.PayloadLength = repr.Payload.Length;
        return true;
    }

    /// <summary>
    /// Writes the header and options into <paramref name="buffer"/> (at least <see cref="BufferLength"/>
    /// bytes) and, if <see cref="Payload"/> is set, the data; returns the view, whose
    /// <see cref="TcpSegment.Payload"/> the sender fills otherwise before <see cref="FillChecksum"/>.
    /// </summary>
    public readonly TcpSegment Emit(Span<byte> buffer)
    {
        int optionsLength = TcpOptions.Length(in Options);
        var segment = TcpSegment.Emit(buffer, SourcePort, DestinationPort, SequenceNumber, AcknowledgmentNumber, Flags, Window,
            optionsLength, PayloadLength);
        TcpOptions.Write(segment.Options, in Options);
        if (!Payload.IsEmpty)
            Payload.Slice(0, PayloadLength).CopyTo(segment.Payload);
        return segment;
    }

    /// <summary>The checksum of a written segment, over the pseudo-header of the family of <paramref name="source"/>.</summary>
    public static void FillChecksum(TcpSegment segment, in Ipv6Address source, in Ipv6Address destination)
    {
        if (source.IsIpv4Mapped)
            segment.FillChecksum(source.MappedIpv4, destination.MappedIpv4);
        else
            segment.FillChecksum(source, destination);
    }
}
