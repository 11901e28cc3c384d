using Unikernel.Net.Wire;

namespace Unikernel.Net.Tests.Wire;

public class Ipv6PacketTests
{
    private static byte[] GoldenUdpPacket() => Golden.Bytes(Golden.UdpIpv6Datagram).AsSpan(EthernetFrame.HeaderLength).ToArray();

    [Fact]
    public void Parses_a_golden_neighbour_solicitation()
    {
        byte[] frame = Golden.Bytes(Golden.Icmpv6NeighborSolicitation);
        Assert.True(EthernetFrame.TryParse(frame, out var ethernet, out _));
        Assert.Equal(EtherType.Ipv6, ethernet.EtherType);
        Assert.Equal(MacAddress.FromIpv6Multicast(Golden.V6("ff02::1:ff00:2")), ethernet.Destination);
        Assert.True(Ipv6Packet.TryParse(ethernet.Payload, out var packet, out var reason));
        Assert.Equal(WireError.None, reason);
        Assert.Equal(6, packet.Version);
        Assert.Equal(0, packet.TrafficClass);
        Assert.Equal(0U, packet.FlowLabel);
        Assert.Equal(32, packet.PayloadLength);
        Assert.Equal(IpProtocol.Icmpv6, packet.NextHeader);
        Assert.Equal(255, packet.HopLimit);
        Assert.Equal(Golden.V6("fe80::5054:ff:fe12:3456"), packet.Source);
        Assert.Equal(Golden.V6("fe80::2").SolicitedNode, packet.Destination);
        Assert.True(packet.FindUpperLayer(out var protocol, out int offset, out reason));
        Assert.Equal(IpProtocol.Icmpv6, protocol);
        Assert.Equal(0, offset);
        Assert.Equal(32, packet.Payload.Length);
    }

    [Fact]
    public void Parses_a_golden_UDP_packet_with_a_flow_label()
    {
        Assert.True(Ipv6Packet.TryParse(GoldenUdpPacket(), out var packet, out _));
        Assert.Equal(0x6a3f1U, packet.FlowLabel);
        Assert.Equal(0, packet.TrafficClass);
        Assert.Equal(15, packet.PayloadLength);
        Assert.Equal(IpProtocol.Udp, packet.NextHeader);
        Assert.Equal(64, packet.HopLimit);
        Assert.Equal(Golden.V6("2001:db8::1"), packet.Source);
        Assert.Equal(Golden.V6("2001:db8::2"), packet.Destination);
    }

    [Fact]
    public void Emit_reproduces_the_golden_header_over_junk()
    {
        byte[] golden = GoldenUdpPacket();
        byte[] emitted = Junk.AssertNoStaleBytes(80, buffer =>
        {
            var packet = Ipv6Packet.Emit(buffer, Golden.V6("2001:db8::1"), Golden.V6("2001:db8::2"), IpProtocol.Udp, 15, 64);
            packet.FlowLabel = 0x6a3f1;
            golden.AsSpan(Ipv6Packet.HeaderLength).CopyTo(packet.Payload);
            return packet.Buffer.Length;
        });
        Assert.Equal(golden, emitted);
    }

    [Fact]
    public void Emit_then_parse_round_trips()
    {
        byte[] buffer = Junk.Buffer(100);
        Ipv6Packet.Emit(buffer, Ipv6Address.Loopback, Ipv6Address.AllNodes, IpProtocol.Icmpv6, 8, 1);
        Assert.True(Ipv6Packet.TryParse(buffer, out var packet, out _));
        Assert.Equal(48, packet.Buffer.Length);
        Assert.Equal(Ipv6Address.Loopback, packet.Source);
        Assert.Equal(Ipv6Address.AllNodes, packet.Destination);
        Assert.Equal(IpProtocol.Icmpv6, packet.NextHeader);
        Assert.Equal(1, packet.HopLimit);
        Assert.Equal(0, packet.TrafficClass);
        Assert.Equal(0U, packet.FlowLabel);
        Assert.Equal(8, packet.Payload.Length);
    }

    [Fact]
    public void Traffic_class_and_flow_label_leave_each_other_and_the_version_alone()
    {
        var packet = new Ipv6Packet(GoldenUdpPacket());
        packet.TrafficClass = 0xB8;
        Assert.Equal(0xB8, packet.TrafficClass);
        Assert.Equal(0x6a3f1U, packet.FlowLabel);
        Assert.Equal(6, packet.Version);
        packet.FlowLabel = 0xFFFFF;
        Assert.Equal(0xB8, packet.TrafficClass);
        packet.FlowLabel = 0x1234_5678; // only 20 bits fit
        Assert.Equal(0x45678U, packet.FlowLabel);
        Assert.Equal(0xB8, packet.TrafficClass);
        Assert.Equal(6, packet.Version);
        packet.PayloadLength = 7;
        packet.NextHeader = IpProtocol.Ipv6NoNextHeader;
        packet.HopLimit = 255;
        Assert.Equal(7, packet.PayloadLength);
        Assert.Equal(IpProtocol.Ipv6NoNextHeader, packet.NextHeader);
        Assert.Equal(255, packet.HopLimit);
    }

    [Fact]
    public void Payload_ends_at_the_payload_length_not_at_the_Ethernet_padding()
    {
        byte[] bytes = [.. GoldenUdpPacket(), 0, 0, 0, 0, 0];
        Assert.True(Ipv6Packet.TryParse(bytes, out var packet, out _));
        Assert.Equal(55, packet.Buffer.Length);
        Assert.Equal(15, packet.Payload.Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(39)]
    public void Check_rejects_a_buffer_shorter_than_the_fixed_header(int length)
    {
        Assert.False(Ipv6Packet.Check(GoldenUdpPacket().AsSpan(0, length), out var reason));
        Assert.Equal(WireError.Truncated, reason);
    }

    [Theory]
    [InlineData(0x40)]
    [InlineData(0x00)]
    [InlineData(0x70)]
    public void Check_rejects_another_version(byte first)
    {
        byte[] bytes = GoldenUdpPacket();
        bytes[0] = first;
        Assert.False(Ipv6Packet.Check(bytes, out var reason));
        Assert.Equal(WireError.BadVersion, reason);
    }

    [Fact]
    public void Check_rejects_a_payload_length_past_the_buffer()
    {
        byte[] bytes = GoldenUdpPacket();
        Assert.False(Ipv6Packet.TryParse(bytes.AsSpan(0, bytes.Length - 1).ToArray(), out _, out var reason));
        Assert.Equal(WireError.Truncated, reason);
        bytes[4] = 0xFF;
        Assert.False(Ipv6Packet.Check(bytes, out reason));
        Assert.Equal(WireError.Truncated, reason);
    }
}
