using Unikernel.Net.Wire;

namespace Unikernel.Net.Tests.Wire;

public class Icmpv6PacketTests
{
    private const int IcmpOffset = EthernetFrame.HeaderLength + Ipv6Packet.HeaderLength;
    private static readonly Ipv6Address Source = Golden.V6("fe80::5054:ff:fe12:3456");
    private static readonly Ipv6Address Target = Golden.V6("fe80::2");

    private static byte[] GoldenSolicitation() => Golden.Bytes(Golden.Icmpv6NeighborSolicitation).AsSpan(IcmpOffset).ToArray();

    [Fact]
    public void Parses_a_golden_neighbour_solicitation_and_verifies_its_checksum()
    {
        byte[] frame = Golden.Bytes(Golden.Icmpv6NeighborSolicitation);
        Assert.True(EthernetFrame.TryParse(frame, out var ethernet, out _));
        Assert.True(Ipv6Packet.TryParse(ethernet.Payload, out var ip, out _));
        Assert.True(ip.FindUpperLayer(out var protocol, out int offset, out _));
        Assert.Equal(IpProtocol.Icmpv6, protocol);
        Assert.True(Icmpv6Packet.TryParse(ip.Payload.Slice(offset), out var icmp, out var reason));
        Assert.Equal(WireError.None, reason);
        Assert.Equal(Icmpv6Type.NeighborSolicitation, icmp.Type);
        Assert.Equal(0, icmp.Code);
        Assert.Equal(Golden.Icmpv6NeighborSolicitationChecksum, icmp.Checksum);
        Assert.True(icmp.VerifyChecksum(ip.Source, ip.Destination));
        Assert.Equal(Golden.Icmpv6NeighborSolicitationChecksum, icmp.ComputeChecksum(ip.Source, ip.Destination));
        Assert.Equal(Target, new Ipv6Address(icmp.Payload));
        Assert.Equal(28, icmp.MessageBody.Length);
        // Source link-layer address option: type 1, length 1 (8 bytes), the MAC.
        Assert.Equal(Golden.Bytes("0101525400123456"), icmp.Payload.Slice(16).ToArray());
    }

    [Fact]
    public void The_checksum_covers_the_pseudo_header()
    {
        var icmp = new Icmpv6Packet(GoldenSolicitation());
        Ipv6Address group = Target.SolicitedNode;
        Assert.True(icmp.VerifyChecksum(Source, group));
        Assert.False(icmp.VerifyChecksum(Source, Ipv6Address.AllNodes));
        Assert.False(icmp.VerifyChecksum(Ipv6Address.Unspecified, group));
    }

    [Fact]
    public void The_checksum_covers_the_message()
    {
        byte[] bytes = GoldenSolicitation();
        bytes[31] ^= 0x01;
        Assert.False(new Icmpv6Packet(bytes).VerifyChecksum(Source, Target.SolicitedNode));
    }

    [Fact]
    public void Emit_reproduces_the_golden_solicitation_over_junk()
    {
        byte[] emitted = Junk.AssertNoStaleBytes(40, buffer =>
        {
            var icmp = Icmpv6Packet.Emit(buffer, Icmpv6Type.NeighborSolicitation, 0, 24);
            Target.CopyTo(icmp.Payload);
            icmp.Payload[16] = 1; // source link-layer address option
            icmp.Payload[17] = 1;
            Golden.Mac("52:54:00:12:34:56").CopyTo(icmp.Payload.Slice(18));
            icmp.FillChecksum(Source, Target.SolicitedNode);
            return icmp.Buffer.Length;
        });
        Assert.Equal(GoldenSolicitation(), emitted);
    }

    [Fact]
    public void EmitEcho_writes_a_verifiable_echo_over_junk()
    {
        byte[] data = [.. "abcdefghijklmnopqrstuvwabcdefghi"u8];
        Ipv6Address from = Golden.V6("2001:db8::1"), to = Golden.V6("2001:db8::2");
        byte[] emitted = Junk.AssertNoStaleBytes(64, buffer =>
            Icmpv6Packet.EmitEcho(buffer, Icmpv6Type.EchoRequest, 0x4d2, 7, data, from, to).Buffer.Length);
        Assert.True(Icmpv6Packet.TryParse(emitted, out var echo, out _));
        Assert.Equal(Icmpv6Type.EchoRequest, echo.Type);
        Assert.Equal(0x4d2, echo.Identifier);
        Assert.Equal(7, echo.SequenceNumber);
        Assert.Equal(data, echo.Payload.ToArray());
        Assert.True(echo.VerifyChecksum(from, to));

        // The reply in place, addresses swapped.
        var reply = Icmpv6Packet.EmitEcho(emitted, Icmpv6Type.EchoReply, echo.Identifier, echo.SequenceNumber, echo.Payload, to, from);
        Assert.True(reply.VerifyChecksum(to, from));
        Assert.Equal(data, reply.Payload.ToArray());
    }

    [Fact]
    public void Error_message_fields_read_the_first_body_word()
    {
        byte[] bytes = Junk.Buffer(48);
        var icmp = Icmpv6Packet.Emit(bytes, Icmpv6Type.PacketTooBig, 0, 40);
        Assert.Equal(0U, icmp.Mtu);
        icmp.Mtu = 1280;
        Assert.Equal(1280U, icmp.Mtu);
        icmp.Type = Icmpv6Type.ParameterProblem;
        icmp.Code = 1;
        icmp.Pointer = 6;
        Assert.Equal(6U, icmp.Pointer);
        Assert.Equal(Golden.Bytes("04010000" + "00000006"), bytes.AsSpan(0, 8).ToArray());
        Assert.Equal(40, icmp.Payload.Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(7)]
    public void Check_rejects_a_message_shorter_than_the_first_body_word(int length)
    {
        Assert.False(Icmpv6Packet.Check(GoldenSolicitation().AsSpan(0, length), out var reason));
        Assert.Equal(WireError.Truncated, reason);
        Assert.True(Icmpv6Packet.Check(GoldenSolicitation().AsSpan(0, 8), out _));
    }
}
