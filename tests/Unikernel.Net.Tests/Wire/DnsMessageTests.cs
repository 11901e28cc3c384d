using System.Text;
using Unikernel.Net.Wire;

namespace Unikernel.Net.Tests.Wire;

public class DnsMessageTests
{
    /// <summary>
    /// A query for board.test A, ID 0x1234, RD set, written by hand from RFC 1035 section 4.1:
    /// header (ID, flags 0x0100, QDCOUNT 1, the other counts 0), QNAME 5 "board" 4 "test" 0,
    /// QTYPE 1, QCLASS 1.
    /// </summary>
    private const string BoardTestQuery = "1234" + "0100" + "0001" + "0000" + "0000" + "0000"
        + "05626f617264" + "0474657374" + "00" + "0001" + "0001";

    [Fact]
    public void Query_is_emitted_byte_for_byte_as_rfc_1035_lays_it_out()
    {
        byte[] wire = new byte[DnsName.MaximumLength];
        Assert.True(DnsName.TryEncode("Board.Test."u8, wire, out int nameLength));
        byte[] buffer = new byte[DnsMessage.MaximumUdpLength];
        int length = DnsMessage.EmitQuery(buffer, 0x1234, wire.AsSpan(0, nameLength), DnsRecordType.A);
        Assert.Equal(BoardTestQuery, Convert.ToHexString(buffer, 0, length).ToLowerInvariant());
    }

    [Fact]
    public void Question_and_compressed_answers_are_read_back()
    {
        // The query turned into a response: QR RD RA, one answer "board.test" by a pointer to
        // offset 12, A 169.254.0.7 with TTL 60.
        byte[] response = Golden.Bytes(BoardTestQuery.Replace("12340100000100000000", "12348180000100010000")
            + "c00c" + "0001" + "0001" + "0000003c" + "0004" + "a9fe0007");
        Assert.True(DnsMessage.TryParse(response, out var message, out _));
        Assert.True(message.IsResponse);
        Assert.Equal(DnsResponseCode.NoError, message.ResponseCode);
        Assert.Equal(1, message.AnswerCount);
        Assert.True(message.TryReadQuestion(DnsMessage.HeaderLength, out int name, out var type, out ushort questionClass, out int next));
        Assert.Equal(DnsRecordType.A, type);
        Assert.Equal(DnsMessage.ClassInternet, questionClass);
        Assert.True(message.TryReadRecord(next, out var record, out int end));
        Assert.Equal(response.Length, end);
        Assert.True(DnsName.Equal(response, record.NameOffset, response, name));
        Assert.Equal(60u, record.TimeToLive);
        Assert.Equal("a9fe0007", Convert.ToHexString(response, record.DataOffset, record.DataLength).ToLowerInvariant());
        byte[] text = new byte[64];
        Assert.True(DnsName.TryFormat(response, record.NameOffset, text, out int textLength));
        Assert.Equal("board.test", Encoding.ASCII.GetString(text, 0, textLength));
    }

    [Theory]
    [InlineData("c00c")]         // points at itself
    [InlineData("c00e")]         // points ahead
    [InlineData("c0")]           // pointer cut short
    [InlineData("05626f61")]     // label runs past the end
    [InlineData("4001")]         // extended label type (RFC 6891)
    public void Bad_names_are_malformed_and_never_loop(string name)
    {
        byte[] message = Golden.Bytes("000081800000000000000000" + name);
        var reader = new DnsNameReader(message, DnsMessage.HeaderLength);
        int labels = 0;
        while (reader.TryNext(out _))
            labels++;
        Assert.True(reader.IsMalformed);
        Assert.True(labels < 2);
    }

    [Fact]
    public void A_chain_of_pointers_longer_than_the_limit_is_malformed()
    {
        // Offset 12 is a root label; each later pointer points at the one before it.
        var bytes = new List<byte>(Golden.Bytes("000081800000000000000000" + "00"));
        int previous = 12;
        for (int i = 0; i < DnsNameReader.MaximumPointers + 1; i++)
        {
            int here = bytes.Count;
            bytes.Add((byte)(0xC0 | previous >> 8));
            bytes.Add((byte)previous);
            previous = here;
        }
        var reader = new DnsNameReader(bytes.ToArray(), previous);
        Assert.False(reader.TryNext(out _));
        Assert.True(reader.IsMalformed);
        var shorter = new DnsNameReader(bytes.ToArray(), previous - 2);
        Assert.False(shorter.TryNext(out _));
        Assert.False(shorter.IsMalformed);
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("a..b")]
    [InlineData("has space.test")]
    public void Names_that_are_not_names_are_refused(string text)
    {
        Assert.False(DnsName.TryEncode(Encoding.ASCII.GetBytes(text), new byte[DnsName.MaximumLength], out _));
    }

    [Fact]
    public void Labels_over_63_and_names_over_255_bytes_are_refused()
    {
        byte[] wire = new byte[DnsName.MaximumLength];
        Assert.True(DnsName.TryEncode(Encoding.ASCII.GetBytes(new string('a', 63) + ".test"), wire, out _));
        Assert.False(DnsName.TryEncode(Encoding.ASCII.GetBytes(new string('a', 64) + ".test"), wire, out _));
        // 4 labels of 63: 4 * 64 + 1 = 257 bytes in wire form.
        string label = new string('b', 63);
        Assert.False(DnsName.TryEncode(Encoding.ASCII.GetBytes($"{label}.{label}.{label}.{label}"), wire, out _));
        Assert.True(DnsName.TryEncode(Encoding.ASCII.GetBytes($"{label}.{label}.{label}.{new string('b', 61)}"), wire, out int length));
        Assert.Equal(255, length);
    }

    [Fact]
    public void Records_whose_data_runs_past_the_message_are_not_read()
    {
        byte[] response = Golden.Bytes("000081800000000100000000" + "00" + "0001" + "0001" + "0000003c" + "0005" + "a9fe0007");
        Assert.True(DnsMessage.TryParse(response, out var message, out _));
        Assert.False(message.TryReadRecord(DnsMessage.HeaderLength, out _, out _));
        Assert.False(DnsMessage.TryParse(new byte[11], out _, out var reason));
        Assert.Equal(WireError.Truncated, reason);
    }

    [Fact]
    public void Random_bytes_never_fault_the_readers()
    {
        var random = new Random(5452);
        byte[] buffer = new byte[96];
        for (int i = 0; i < 20000; i++)
        {
            random.NextBytes(buffer);
            var bytes = buffer.AsSpan(0, random.Next(buffer.Length + 1));
            if (!DnsMessage.TryParse(bytes, out var message, out _))
                continue;
            int at = DnsMessage.HeaderLength;
            if (message.TryReadQuestion(at, out int name, out _, out _, out at))
            {
                DnsName.Equal(bytes, name, bytes, name);
                while (message.TryReadRecord(at, out var record, out at))
                    DnsName.TryFormat(bytes, record.NameOffset, new byte[300], out _);
            }
        }
    }
}
