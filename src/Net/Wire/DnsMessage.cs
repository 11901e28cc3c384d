using System.Buffers.Binary;

namespace Unikernel.Net.Wire;

/// <summary>
/// A view of a DNS message (RFC 1035 section 4.1): the 12-byte header, then questions and
/// resource records whose names may be compressed (<see cref="DnsNameReader"/>).
/// </summary>
/// <remarks>
/// <see cref="Check"/> (or <see cref="TryParse"/>) checks the header is there; the sections are
/// walked with <see cref="TryReadQuestion"/> and <see cref="TryReadRecord"/>, which check every
/// length against the buffer before reading, so no input can make an accessor fault.
/// </remarks>
public readonly ref struct DnsMessage
{
    public const int IdOffset = 0;
    public const int FlagsOffset = 2;
    public const int QuestionCountOffset = 4;
    public const int AnswerCountOffset = 6;
    public const int AuthorityCountOffset = 8;
    public const int AdditionalCountOffset = 10;
    public const int HeaderLength = 12;

    /// <summary>The largest message over UDP without EDNS (RFC 1035 section 4.2.1).</summary>
    public const int MaximumUdpLength = 512;

    /// <summary>The class of Internet records (RFC 1035 section 3.2.4).</summary>
    public const ushort ClassInternet = 1;

    /// <summary>QR: the message is a response (RFC 1035 section 4.1.1).</summary>
    public const ushort ResponseFlag = 0x8000;

    /// <summary>OPCODE, four bits; 0 is a standard query.</summary>
    public const ushort OpcodeMask = 0x7800;

    /// <summary>TC: the response was cut to fit the transport.</summary>
    public const ushort TruncatedFlag = 0x0200;

    /// <summary>RD: we ask the server to recurse, as a stub resolver must (RFC 1123 section 6.1.3.1).</summary>
    public const ushort RecursionDesiredFlag = 0x0100;

    /// <summary>RCODE, the low four bits.</summary>
    public const ushort ResponseCodeMask = 0x000F;

    /// <summary>A question's type and class after its name.</summary>
    public const int QuestionFixedLength = 4;

    /// <summary>A record's type, class, TTL and data length after its name (RFC 1035 section 4.1.3).</summary>
    public const int RecordFixedLength = 10;

    private readonly Span<byte> _buffer;

    /// <summary>Wraps the bytes without checking them.</summary>
    public DnsMessage(Span<byte> buffer)
    {
        _buffer = buffer;
    }

    /// <summary>A message is at least its header; the sections are checked as they are read.</summary>
    public static bool Check(ReadOnlySpan<byte> buffer, out WireError reason)
    {
        reason = buffer.Length < HeaderLength ? WireError.Truncated : WireError.None;
        return reason == WireError.None;
    }

    public static bool TryParse(Span<byte> buffer, out DnsMessage message, out WireError reason)
    {
        message = Check(buffer, out reason) ? new DnsMessage(buffer) : default;
        return reason == WireError.None;
    }

    /// <summary>
    /// Writes a standard query with recursion desired for one question, <paramref name="wireName"/>
    /// (uncompressed, as <see cref="DnsName.TryEncode"/> writes it) of <paramref name="type"/>,
    /// class IN, and returns its length. Panics if the buffer is too short: the caller sizes it.
    /// </summary>
    public static int EmitQuery(Span<byte> buffer, ushort id, ReadOnlySpan<byte> wireName, DnsRecordType type)
    {
        int length = HeaderLength + wireName.Length + QuestionFixedLength;
        if (buffer.Length < length)
            Kernel.Panic("DnsMessage.EmitQuery: buffer too short"u8);
        buffer.Slice(0, HeaderLength).Clear();
        BinaryPrimitives.WriteUInt16BigEndian(buffer.Slice(IdOffset), id);
        BinaryPrimitives.WriteUInt16BigEndian(buffer.Slice(FlagsOffset), RecursionDesiredFlag);
        BinaryPrimitives.WriteUInt16BigEndian(buffer.Slice(QuestionCountOffset), 1);
        wireName.CopyTo(buffer.Slice(HeaderLength));
        int at = HeaderLength + wireName.Length;
        BinaryPrimitives.WriteUInt16BigEndian(buffer.Slice(at), (ushort)type);
        BinaryPrimitives.WriteUInt16BigEndian(buffer.Slice(at + 2), ClassInternet);
        return length;
    }

    public Span<byte> Buffer => _buffer;

    public ushort Id
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(IdOffset));
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(IdOffset), value);
    }

    public ushort Flags
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(FlagsOffset));
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(FlagsOffset), value);
    }

    public bool IsResponse => (Flags & ResponseFlag) != 0;

    public int Opcode => (Flags & OpcodeMask) >> 11;

    public bool IsTruncated => (Flags & TruncatedFlag) != 0;

    public DnsResponseCode ResponseCode => (DnsResponseCode)(Flags & ResponseCodeMask);

    public ushort QuestionCount
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(QuestionCountOffset));
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(QuestionCountOffset), value);
    }

    public ushort AnswerCount
    {
        get => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(AnswerCountOffset));
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(AnswerCountOffset), value);
    }

    public ushort AuthorityCount => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(AuthorityCountOffset));

    public ushort AdditionalCount => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(AdditionalCountOffset));

    /// <summary>
    /// The question at <paramref name="offset"/> (the first is at <see cref="HeaderLength"/>):
    /// where its name starts, its type and class, and where the next section item starts.
    /// False if it runs past the message.
    /// </summary>
    public bool TryReadQuestion(int offset, out int nameOffset, out DnsRecordType type, out ushort questionClass, out int next)
    {
        nameOffset = offset;
        type = default;
        questionClass = 0;
        next = 0;
        if (!DnsName.TrySkip(_buffer, offset, out int end) || _buffer.Length - end < QuestionFixedLength)
            return false;
        type = (DnsRecordType)BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(end));
        questionClass = BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(end + 2));
        next = end + QuestionFixedLength;
        return true;
    }

    /// <summary>The resource record at <paramref name="offset"/> and where the next starts; false if it runs past the message.</summary>
    public bool TryReadRecord(int offset, out DnsRecord record, out int next)
    {
        record = default;
        next = 0;
        if (!DnsName.TrySkip(_buffer, offset, out int end) || _buffer.Length - end < RecordFixedLength)
            return false;
        var fixedPart = _buffer.Slice(end);
        int dataLength = BinaryPrimitives.ReadUInt16BigEndian(fixedPart.Slice(8));
        int dataOffset = end + RecordFixedLength;
        if (_buffer.Length - dataOffset < dataLength)
            return false;
        record = new DnsRecord(offset, (DnsRecordType)BinaryPrimitives.ReadUInt16BigEndian(fixedPart),
            BinaryPrimitives.ReadUInt16BigEndian(fixedPart.Slice(2)), BinaryPrimitives.ReadUInt32BigEndian(fixedPart.Slice(4)),
            dataOffset, dataLength);
        next = dataOffset + dataLength;
        return true;
    }
}
