namespace Unikernel.Net.Wire;

/// <summary>
/// One resource record of a <see cref="DnsMessage"/> (RFC 1035 section 4.1.3), as offsets into
/// the message: the owner name is read with <see cref="DnsName"/>, the data sliced from
/// <see cref="DataOffset"/>. <see cref="DnsMessage.TryReadRecord"/> has checked that the data
/// lies inside the message.
/// </summary>
public readonly struct DnsRecord
{
    public DnsRecord(int nameOffset, DnsRecordType type, ushort recordClass, uint timeToLive, int dataOffset, int dataLength)
    {
        NameOffset = nameOffset;
        Type = type;
        Class = recordClass;
        TimeToLive = timeToLive;
        DataOffset = dataOffset;
        DataLength = dataLength;
    }

    /// <summary>Where the owner name starts (it may be or end in a compression pointer).</summary>
    public int NameOffset { get; }

    public DnsRecordType Type { get; }

    public ushort Class { get; }

    /// <summary>Seconds the record may be cached (RFC 1035 section 3.2.1; RFC 2181 section 8 caps it at 2^31 - 1).</summary>
    public uint TimeToLive { get; }

    public int DataOffset { get; }

    public int DataLength { get; }
}
