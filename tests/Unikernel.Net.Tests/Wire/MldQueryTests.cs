using System.Buffers.Binary;
using Unikernel.Net.Wire;

namespace Unikernel.Net.Tests.Wire;

public class MldQueryTests
{
    private static byte[] LinuxQuery() => NdpGolden.Icmp(NdpGolden.MldGeneralQuery);

    /// <summary>
    /// An MLDv1 query for ff02::fb (RFC 2710 section 3), constructed by the RFC: 24 bytes,
    /// maximum response delay 1000 ms. The checksum is left zero: these tests do not verify it.
    /// </summary>
    private static byte[] Version1Query() => Golden.Bytes("82" + "00" + "0000" + "03e8" + "0000" + "ff0200000000000000000000000000fb");

    [Fact]
    public void Parses_the_linux_general_query()
    {
        byte[] packet = NdpGolden.Packet(NdpGolden.MldGeneralQuery);
        Assert.True(Ipv6Packet.TryParse(packet, out var ip, out _));
        Assert.Equal(1, ip.HopLimit);
        // Pad1 Pad1 after Router Alert: the extension-header walker accepts it.
        Assert.True(ip.FindUpperLayer(out var protocol, out int offset, out _));
        Assert.Equal(IpProtocol.Icmpv6, protocol);

        Assert.True(MulticastListenerQuery.TryParse(ip.Payload.Slice(offset), out var query, out var reason));
        Assert.Equal(WireError.None, reason);
        Assert.True(query.IsVersion2);
        Assert.True(query.IsGeneralQuery);
        Assert.Equal(Ipv6Address.Unspecified, query.MulticastAddress);
        Assert.Equal(10000, query.MaximumResponseCode);
        Assert.Equal(10000u, query.MaximumResponseDelay);
        Assert.False(query.SuppressRouterProcessing);
        Assert.Equal(2, query.QuerierRobustnessVariable);
        Assert.Equal(125u, query.QueriersQueryInterval);
        Assert.Equal(0, query.NumberOfSources);
        Assert.True(query.VerifyChecksum(ip.Source, ip.Destination));
        Assert.True(NdpGolden.ReferenceChecksumHolds(NdpGolden.Querier, Ipv6Address.AllNodes, query.Buffer));
    }

    [Fact]
    public void Parses_an_mldv1_query_for_a_group()
    {
        Assert.True(MulticastListenerQuery.TryParse(Version1Query(), out var query, out _));
        Assert.False(query.IsVersion2);
        Assert.False(query.IsGeneralQuery);
        Assert.Equal(Golden.V6("ff02::fb"), query.MulticastAddress);
        Assert.Equal(1000u, query.MaximumResponseDelay);
        Assert.Equal(0, query.NumberOfSources);
        Assert.Equal(0, query.QuerierRobustnessVariable);
        Assert.Equal(0u, query.QueriersQueryInterval);
        Assert.False(query.SuppressRouterProcessing);
        Assert.Throws<PanicException>(() => new MulticastListenerQuery(Version1Query()).GetSource(0));
    }

    [Fact]
    public void An_mldv1_delay_is_never_decoded_as_floating_point()
    {
        byte[] bytes = Version1Query();
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(4), 0x8000);
        Assert.Equal(0x8000u, new MulticastListenerQuery(bytes).MaximumResponseDelay);
    }

    [Theory]
    [InlineData(0, 0u)]
    [InlineData(0x7FFF, 32767u)]
    [InlineData(0x8000, 0x1000u << 3)] // exponent 0, mantissa 0: 32768, continuous with the linear range
    [InlineData(0x8001, 0x1001u << 3)]
    [InlineData(0x9000, 0x1000u << 4)]
    [InlineData(0xFFFF, 0x1FFFu << 10)] // the largest: 8387584 ms
    public void Decodes_the_mldv2_maximum_response_code(int code, uint milliseconds)
    {
        byte[] bytes = LinuxQuery();
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(MulticastListenerQuery.MaximumResponseCodeOffset), (ushort)code);
        Assert.Equal(milliseconds, new MulticastListenerQuery(bytes).MaximumResponseDelay);
    }

    [Theory]
    [InlineData(0x7F, 127u)]
    [InlineData(0x80, 0x10u << 3)]
    [InlineData(0xFF, 0x1Fu << 10)]
    public void Decodes_the_querier_query_interval_code(int code, uint seconds)
    {
        byte[] bytes = LinuxQuery();
        bytes[MulticastListenerQuery.QueryIntervalCodeOffset] = (byte)code;
        Assert.Equal(seconds, new MulticastListenerQuery(bytes).QueriersQueryInterval);
    }

    [Fact]
    public void Reads_a_group_and_source_specific_query()
    {
        byte[] bytes = [.. LinuxQuery(), .. new byte[32]];
        var query = new MulticastListenerQuery(bytes);
        query.MulticastAddress = Golden.V6("ff05::1:3");
        bytes[MulticastListenerQuery.FlagsAndRobustnessOffset] = 0x0A; // S, QRV 2
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(MulticastListenerQuery.NumberOfSourcesOffset), 2);
        Golden.V6("fd00:77::1").CopyTo(bytes.AsSpan(28));
        Golden.V6("fd00:77::2").CopyTo(bytes.AsSpan(44));
        Assert.True(MulticastListenerQuery.TryParse(bytes, out query, out _));
        Assert.False(query.IsGeneralQuery);
        Assert.True(query.SuppressRouterProcessing);
        Assert.Equal(2, query.QuerierRobustnessVariable);
        Assert.Equal(2, query.NumberOfSources);
        Assert.Equal(Golden.V6("fd00:77::1"), query.GetSource(0));
        Assert.Equal(Golden.V6("fd00:77::2"), query.GetSource(1));
        Assert.Throws<PanicException>(() => new MulticastListenerQuery(bytes).GetSource(2));
        Assert.Throws<PanicException>(() => new MulticastListenerQuery(bytes).GetSource(-1));
    }

    [Fact]
    public void Check_rejects_every_malformed_query()
    {
        byte[] v2 = LinuxQuery();
        Assert.False(MulticastListenerQuery.Check(v2.AsSpan(0, 23), out var reason));
        Assert.Equal(WireError.Truncated, reason);
        Assert.True(MulticastListenerQuery.Check(v2.AsSpan(0, 24), out reason)); // read as MLDv1
        for (int length = 25; length < 28; length++)
        {
            Assert.False(MulticastListenerQuery.Check(v2.AsSpan(0, length), out reason));
            Assert.Equal(WireError.BadFormat, reason);
        }

        byte[] bytes = LinuxQuery();
        bytes[0] = (byte)Icmpv6Type.MulticastListenerReportV2;
        Assert.False(MulticastListenerQuery.TryParse(bytes, out var query, out reason));
        Assert.Equal(WireError.BadFormat, reason);
        Assert.True(query.Buffer.IsEmpty);

        // Sources the message does not hold: one listed, 15 bytes of it present.
        bytes = [.. LinuxQuery(), .. new byte[15]];
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(MulticastListenerQuery.NumberOfSourcesOffset), 1);
        Assert.False(MulticastListenerQuery.Check(bytes, out reason));
        Assert.Equal(WireError.Truncated, reason);
        Assert.True(MulticastListenerQuery.Check([.. bytes, 0], out reason));

        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(MulticastListenerQuery.NumberOfSourcesOffset), 0xFFFF);
        Assert.False(MulticastListenerQuery.Check(bytes, out reason));
        Assert.Equal(WireError.Truncated, reason);

        // The code field is ignored (RFC 3810 section 5.1).
        bytes = LinuxQuery();
        bytes[1] = 7;
        Assert.True(MulticastListenerQuery.Check(bytes, out _));
    }
}
