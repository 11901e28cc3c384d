using Unikernel.Net.Wire;

namespace Unikernel.Net.Tests.Wire;

public class ArpPacketTests
{
    private static byte[] GoldenArp() => Golden.Bytes(Golden.ArpRequest).AsSpan(EthernetFrame.HeaderLength).ToArray();

    [Fact]
    public void Parses_a_golden_Linux_request()
    {
        byte[] bytes = GoldenArp();
        Assert.True(ArpPacket.TryParse(bytes, out var arp, out var reason));
        Assert.Equal(WireError.None, reason);
        Assert.Equal(ArpPacket.HardwareTypeEthernet, arp.HardwareType);
        Assert.Equal(EtherType.Ipv4, arp.ProtocolType);
        Assert.Equal(6, arp.HardwareLength);
        Assert.Equal(4, arp.ProtocolLength);
        Assert.Equal(ArpOperation.Request, arp.Operation);
        Assert.Equal(Golden.Mac("52:54:00:12:34:56"), arp.SenderHardwareAddress);
        Assert.Equal(Golden.V4("10.0.2.15"), arp.SenderProtocolAddress);
        Assert.Equal(MacAddress.Zero, arp.TargetHardwareAddress);
        Assert.Equal(Golden.V4("10.0.2.2"), arp.TargetProtocolAddress);
    }

    [Fact]
    public void Parses_a_request_padded_to_the_Ethernet_minimum()
    {
        byte[] frame = new byte[EthernetFrame.MinimumLength];
        Golden.Bytes(Golden.ArpRequest).CopyTo(frame, 0);
        Assert.True(EthernetFrame.TryParse(frame, out var ethernet, out _));
        Assert.True(ArpPacket.TryParse(ethernet.Payload, out var arp, out _));
        Assert.Equal(ArpPacket.Length, arp.Buffer.Length);
    }

    [Fact]
    public void Emit_reproduces_the_golden_request_over_junk()
    {
        byte[] emitted = Junk.AssertNoStaleBytes(40, buffer => ArpPacket.Emit(buffer, ArpOperation.Request,
            Golden.Mac("52:54:00:12:34:56"), Golden.V4("10.0.2.15"), MacAddress.Zero, Golden.V4("10.0.2.2")).Buffer.Length);
        Assert.Equal(GoldenArp(), emitted);
    }

    [Fact]
    public void A_reply_round_trips()
    {
        byte[] buffer = Junk.Buffer(ArpPacket.Length);
        ArpPacket.Emit(buffer, ArpOperation.Reply, Golden.Mac("52:55:0a:00:02:02"), Golden.V4("10.0.2.2"),
            Golden.Mac("52:54:00:12:34:56"), Golden.V4("10.0.2.15"));
        Assert.True(ArpPacket.TryParse(buffer, out var reply, out _));
        Assert.Equal(ArpOperation.Reply, reply.Operation);
        Assert.Equal(Golden.Mac("52:55:0a:00:02:02"), reply.SenderHardwareAddress);
        Assert.Equal(Golden.V4("10.0.2.2"), reply.SenderProtocolAddress);
        Assert.Equal(Golden.Mac("52:54:00:12:34:56"), reply.TargetHardwareAddress);
        Assert.Equal(Golden.V4("10.0.2.15"), reply.TargetProtocolAddress);
    }

    [Theory]
    [InlineData(0, 0x00, 0x06, WireError.Unsupported)] // hardware type 6: IEEE 802 networks
    [InlineData(2, 0x86, 0xdd, WireError.Unsupported)] // protocol type IPv6
    [InlineData(4, 0x08, 0x04, WireError.Unsupported)] // hardware length 8
    [InlineData(4, 0x06, 0x10, WireError.Unsupported)] // protocol length 16
    [InlineData(6, 0x00, 0x03, WireError.Unsupported)] // RARP request
    [InlineData(6, 0x00, 0x00, WireError.Unsupported)] // opcode 0
    public void Check_rejects_what_is_not_Ethernet_IPv4_request_or_reply(int offset, byte high, byte low, WireError expected)
    {
        byte[] bytes = GoldenArp();
        bytes[offset] = high;
        bytes[offset + 1] = low;
        Assert.False(ArpPacket.Check(bytes, out var reason));
        Assert.Equal(expected, reason);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(27)]
    public void Check_rejects_a_truncated_packet(int length)
    {
        Assert.False(ArpPacket.Check(GoldenArp().AsSpan(0, length), out var reason));
        Assert.Equal(WireError.Truncated, reason);
    }
}
