using Unikernel.Net.Wire;

namespace Unikernel.Net.Tests.Wire;

public class UdpDatagramTests
{
    private const int UdpOffset = EthernetFrame.HeaderLength + Ipv6Packet.HeaderLength;
    private static readonly Ipv6Address Source = Golden.V6("2001:db8::1");
    private static readonly Ipv6Address Destination = Golden.V6("2001:db8::2");

    private static byte[] GoldenUdp() => Golden.Bytes(Golden.UdpIpv6Datagram).AsSpan(UdpOffset).ToArray();

    [Fact]
    public void Parses_a_golden_IPv6_datagram_and_verifies_its_checksum()
    {
        byte[] frame = Golden.Bytes(Golden.UdpIpv6Datagram);
        Assert.True(EthernetFrame.TryParse(frame, out var ethernet, out _));
        Assert.True(Ipv6Packet.TryParse(ethernet.Payload, out var ip, out _));
        Assert.True(ip.FindUpperLayer(out var protocol, out int offset, out _));
        Assert.Equal(IpProtocol.Udp, protocol);
        Assert.True(UdpDatagram.TryParse(ip.Payload.Slice(offset), out var udp, out var reason));
        Assert.Equal(WireError.None, reason);
        Assert.Equal(45678, udp.SourcePort);
        Assert.Equal(7, udp.DestinationPort);
        Assert.Equal(15, udp.Length);
        Assert.Equal(Golden.UdpIpv6Checksum, udp.Checksum);
        Assert.Equal("hello!\n"u8.ToArray(), udp.Payload.ToArray());
        Assert.True(udp.VerifyChecksum(ip.Source, ip.Destination));
        Assert.Equal(Golden.UdpIpv6Checksum, udp.ComputeChecksum(ip.Source, ip.Destination));
    }

    [Fact]
    public void The_checksum_covers_pseudo_header_header_and_odd_length_data()
    {
        var udp = new UdpDatagram(GoldenUdp());
        Assert.False(udp.VerifyChecksum(Source, Golden.V6("2001:db8::3")));
        byte[] bytes = GoldenUdp();
        bytes[14] ^= 0x01; // the last, odd byte: summed as its high half
        Assert.False(new UdpDatagram(bytes).VerifyChecksum(Source, Destination));
        bytes = GoldenUdp();
        bytes[0] ^= 0x80;
        Assert.False(new UdpDatagram(bytes).VerifyChecksum(Source, Destination));
    }

    [Fact]
    public void Emit_reproduces_the_golden_datagram_over_junk()
    {
        byte[] emitted = Junk.AssertNoStaleBytes(32, buffer =>
        {
            var udp = UdpDatagram.Emit(buffer, 45678, 7, 7);
            "hello!\n"u8.CopyTo(udp.Payload);
            udp.FillChecksum(Source, Destination);
            return udp.Buffer.Length;
        });
        Assert.Equal(GoldenUdp(), emitted);
    }

    [Fact]
    public void Emit_over_IPv4_round_trips()
    {
        Ipv4Address from = Golden.V4("10.0.2.15"), to = Golden.V4("10.0.2.3");
        byte[] emitted = Junk.AssertNoStaleBytes(64, buffer =>
        {
            var udp = UdpDatagram.Emit(buffer, 53001, 53, 29);
            udp.Payload.Fill(0x61);
            udp.FillChecksum(from, to);
            return udp.Buffer.Length;
        });
        Assert.True(UdpDatagram.TryParse(emitted, out var parsed, out _));
        Assert.Equal(53001, parsed.SourcePort);
        Assert.Equal(53, parsed.DestinationPort);
        Assert.Equal(37, parsed.Length);
        Assert.True(parsed.VerifyChecksum(from, to));
        Assert.False(parsed.VerifyChecksum(from, Golden.V4("10.0.2.4")));
    }

    [Fact]
    public void A_zero_checksum_means_none_over_IPv4_and_is_invalid_over_IPv6()
    {
        byte[] bytes = GoldenUdp();
        var udp = new UdpDatagram(bytes);
        udp.Checksum = 0;
        Assert.True(udp.VerifyChecksum(Golden.V4("10.0.2.15"), Golden.V4("10.0.2.2")));  // RFC 768
        Assert.False(udp.VerifyChecksum(Source, Destination));                           // RFC 8200 section 8.1
    }

    [Fact]
    public void A_computed_zero_is_sent_as_all_ones()
    {
        byte[] bytes = new byte[10];
        var udp = UdpDatagram.Emit(bytes, 1000, 2000, 2);
        // Make the data the complement of everything else, so the sum is 0xFFFF and its complement 0.
        ushort rest = udp.ComputeChecksum(Source, Destination);
        udp.Payload[0] = (byte)(rest >> 8);
        udp.Payload[1] = (byte)rest;
        Assert.Equal(0xFFFF, udp.ComputeChecksum(Source, Destination));
        udp.FillChecksum(Source, Destination);
        Assert.True(udp.VerifyChecksum(Source, Destination));
    }

    [Fact]
    public void Payload_ends_at_the_length_field()
    {
        byte[] bytes = [.. GoldenUdp(), 0xEE, 0xEE];
        Assert.True(UdpDatagram.TryParse(bytes, out var udp, out _));
        Assert.Equal(15, udp.Buffer.Length);
        Assert.Equal(7, udp.Payload.Length);
        Assert.True(udp.VerifyChecksum(Source, Destination));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public void Check_rejects_a_buffer_shorter_than_the_header(int length)
    {
        Assert.False(UdpDatagram.Check(GoldenUdp().AsSpan(0, length), out var reason));
        Assert.Equal(WireError.Truncated, reason);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public void Check_rejects_a_length_below_the_header(int length)
    {
        byte[] bytes = GoldenUdp();
        bytes[4] = 0;
        bytes[5] = (byte)length;
        Assert.False(UdpDatagram.Check(bytes, out var reason));
        Assert.Equal(WireError.BadLength, reason);
    }

    [Fact]
    public void Check_rejects_a_length_past_the_buffer()
    {
        Assert.False(UdpDatagram.TryParse(GoldenUdp().AsSpan(0, 14).ToArray(), out _, out var reason));
        Assert.Equal(WireError.Truncated, reason);
        byte[] bytes = GoldenUdp();
        bytes[4] = 0xFF;
        Assert.False(UdpDatagram.Check(bytes, out reason));
        Assert.Equal(WireError.Truncated, reason);
    }
}
