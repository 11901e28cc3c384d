using System.Buffers.Binary;
using Unikernel.Net.Tests.Wire;
using Unikernel.Net.Wire;
using static Unikernel.Net.Tests.Interface.InterfaceGolden;

namespace Unikernel.Net.Tests.Dns;

/// <summary>A query the interface sent, read through the views: who to, from which port, its ID and question.</summary>
internal sealed record SentQuery(Ipv6Address Server, ushort ServerPort, ushort SourcePort, ushort Id, byte[] Question, DnsRecordType Type)
{
    /// <summary>Reads a query out of a frame (IPv4 or IPv6); null when the frame is not one.</summary>
    public static SentQuery? From(byte[] frame)
    {
        Assert.True(EthernetFrame.TryParse(frame, out var ethernet, out _));
        Span<byte> udpBytes;
        Ipv6Address destination;
        if (ethernet.EtherType == EtherType.Ipv4)
        {
            if (!Ipv4Packet.TryParse(ethernet.Payload, out var ip, out _) || ip.Protocol != IpProtocol.Udp)
                return null;
            udpBytes = ip.Payload;
            destination = Ipv6Address.MapIpv4(ip.Destination);
        }
        else if (ethernet.EtherType == EtherType.Ipv6)
        {
            if (!Ipv6Packet.TryParse(ethernet.Payload, out var ip, out _) || ip.NextHeader != IpProtocol.Udp)
                return null;
            udpBytes = ip.Payload;
            destination = ip.Destination;
        }
        else
            return null;
        Assert.True(UdpDatagram.TryParse(udpBytes, out var udp, out _));
        if (udp.DestinationPort != DnsResolver.ServerPort)
            return null;
        Assert.True(DnsMessage.TryParse(udp.Payload, out var message, out _));
        Assert.False(message.IsResponse);
        Assert.Equal(DnsMessage.RecursionDesiredFlag, message.Flags);
        Assert.Equal(1, message.QuestionCount);
        Assert.True(message.TryReadQuestion(DnsMessage.HeaderLength, out _, out var type, out _, out int end));
        return new SentQuery(destination, udp.DestinationPort, udp.SourcePort, message.Id,
            udp.Payload.Slice(DnsMessage.HeaderLength, end - DnsMessage.HeaderLength).ToArray(), type);
    }

    /// <summary>
    /// The answer a server would send: our ID and question, QR RD RA, <paramref name="code"/>, and
    /// <paramref name="records"/> (each a wire owner name or a pointer, type, TTL and data), from
    /// the server asked to our port, in a frame of the server's family.
    /// </summary>
    public byte[] Answer(DnsResponseCode code = DnsResponseCode.NoError, ushort extraFlags = 0, ushort? id = null,
        Ipv6Address? from = null, ushort? fromPort = null, byte[]? question = null, params DnsTestRecord[] records)
    {
        var body = new List<byte>();
        byte[] header = new byte[DnsMessage.HeaderLength];
        BinaryPrimitives.WriteUInt16BigEndian(header, id ?? Id);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), (ushort)(0x8180 | (int)code | extraFlags));
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(4), 1);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(6), (ushort)records.Length);
        body.AddRange(header);
        body.AddRange(question ?? Question);
        foreach (var record in records)
            body.AddRange(record.Bytes());
        Ipv6Address source = from ?? Server;
        byte[] payload = body.ToArray();
        return source.IsIpv4Mapped
            ? Interface.TestFrames.Udp4(source.MappedIpv4, OurIpv4, fromPort ?? ServerPort, SourcePort, payload)
            : Interface.TestFrames.Udp6(source, Interface.TestFrames.OurGlobal, fromPort ?? ServerPort, SourcePort, payload);
    }
}

/// <summary>One answer record: owner name bytes (a pointer such as c00c, or a wire name), type, TTL, data.</summary>
internal sealed record DnsTestRecord(string OwnerHex, DnsRecordType Type, uint Ttl, byte[] Data)
{
    /// <summary>The question's name, by a pointer to offset 12.</summary>
    public const string QuestionName = "c00c";

    public static DnsTestRecord A(string owner, string address, uint ttl = 60) =>
        new(owner, DnsRecordType.A, ttl, Golden.Bytes(string.Concat(address.Split('.').Select(p => byte.Parse(p).ToString("x2")))));

    public static DnsTestRecord Aaaa(string owner, string address, uint ttl = 60)
    {
        byte[] data = new byte[16];
        Golden.V6(address).CopyTo(data);
        return new(owner, DnsRecordType.Aaaa, ttl, data);
    }

    public static DnsTestRecord Cname(string owner, string targetHex, uint ttl = 60) => new(owner, DnsRecordType.CanonicalName, ttl, Golden.Bytes(targetHex));

    public byte[] Bytes()
    {
        var bytes = new List<byte>(Golden.Bytes(OwnerHex));
        byte[] fixedPart = new byte[DnsMessage.RecordFixedLength];
        BinaryPrimitives.WriteUInt16BigEndian(fixedPart, (ushort)Type);
        BinaryPrimitives.WriteUInt16BigEndian(fixedPart.AsSpan(2), DnsMessage.ClassInternet);
        BinaryPrimitives.WriteUInt32BigEndian(fixedPart.AsSpan(4), Ttl);
        BinaryPrimitives.WriteUInt16BigEndian(fixedPart.AsSpan(8), (ushort)Data.Length);
        bytes.AddRange(fixedPart);
        bytes.AddRange(Data);
        return bytes.ToArray();
    }
}
