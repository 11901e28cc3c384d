using Unikernel.Net.Wire;

namespace Unikernel.Net.Tests.Wire;

public class Icmpv4PacketTests
{
    private const int IcmpOffset = EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength;

    private static byte[] GoldenIcmp() => Golden.Bytes(Golden.Icmpv4EchoRequest).AsSpan(IcmpOffset).ToArray();

    [Fact]
    public void Parses_a_golden_echo_request_through_every_layer()
    {
        byte[] frame = Golden.Bytes(Golden.Icmpv4EchoRequest);
        Assert.True(EthernetFrame.TryParse(frame, out var ethernet, out _));
        Assert.Equal(EtherType.Ipv4, ethernet.EtherType);
        Assert.True(Ipv4Packet.TryParse(ethernet.Payload, out var ip, out _));
        Assert.Equal(IpProtocol.Icmp, ip.Protocol);
        Assert.True(Icmpv4Packet.TryParse(ip.Payload, out var icmp, out var reason));
        Assert.Equal(WireError.None, reason);
        Assert.Equal(Icmpv4Type.EchoRequest, icmp.Type);
        Assert.Equal(0, icmp.Code);
        Assert.Equal(Golden.Icmpv4EchoChecksum, icmp.Checksum);
        Assert.True(icmp.VerifyChecksum());
        Assert.Equal(0x1c46, icmp.Identifier);
        Assert.Equal(1, icmp.SequenceNumber);
        Assert.Equal(0x1c46_0001U, icmp.RestOfHeader);
        Assert.Equal(56, icmp.Payload.Length);
        Assert.Equal(0x10, icmp.Payload[16]);
        Assert.Equal(0x37, icmp.Payload[55]);
    }

    [Fact]
    public void EmitEcho_reproduces_the_golden_request_over_junk()
    {
        byte[] golden = GoldenIcmp();
        byte[] emitted = Junk.AssertNoStaleBytes(100, buffer =>
            Icmpv4Packet.EmitEcho(buffer, Icmpv4Type.EchoRequest, 0x1c46, 1, golden.AsSpan(8)).Buffer.Length);
        Assert.Equal(golden, emitted);
    }

    [Fact]
    public void An_echo_reply_built_in_place_differs_only_by_type_and_checksum()
    {
        byte[] bytes = GoldenIcmp();
        Assert.True(Icmpv4Packet.TryParse(bytes, out var request, out _));
        var reply = Icmpv4Packet.EmitEcho(bytes, Icmpv4Type.EchoReply, request.Identifier, request.SequenceNumber, request.Payload);
        Assert.True(Icmpv4Packet.Check(reply.Buffer, out _));
        Assert.Equal(Icmpv4Type.EchoReply, reply.Type);
        // Type 8 -> 0 takes 0x0800 out of the sum, so the checksum grows by 0x0800 (RFC 1624).
        Assert.Equal(Golden.Icmpv4EchoChecksum + 0x0800, reply.Checksum);
        Assert.Equal(GoldenIcmp().AsSpan(4).ToArray(), bytes.AsSpan(4).ToArray());
    }

    [Fact]
    public void Emit_writes_the_whole_header_and_FillChecksum_covers_the_payload()
    {
        byte[] emitted = Junk.AssertNoStaleBytes(64, buffer =>
        {
            var packet = Icmpv4Packet.Emit(buffer, Icmpv4Type.DestinationUnreachable, 3, 28);
            packet.Payload.Fill(0x45);
            packet.FillChecksum();
            return packet.Buffer.Length;
        });
        Assert.Equal(36, emitted.Length);
        Assert.True(Icmpv4Packet.TryParse(emitted, out var packet, out _));
        Assert.Equal(Icmpv4Type.DestinationUnreachable, packet.Type);
        Assert.Equal(3, packet.Code);
        Assert.Equal(0U, packet.RestOfHeader);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(7)]
    public void Check_rejects_a_message_shorter_than_its_header(int length)
    {
        Assert.False(Icmpv4Packet.Check(GoldenIcmp().AsSpan(0, length), out var reason));
        Assert.Equal(WireError.Truncated, reason);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(63)]
    public void Check_rejects_a_bad_checksum(int flipped)
    {
        byte[] bytes = GoldenIcmp();
        bytes[flipped] ^= 0x20;
        Assert.False(Icmpv4Packet.TryParse(bytes, out _, out var reason));
        Assert.Equal(WireError.BadChecksum, reason);
    }

    [Fact]
    public void Check_rejects_an_all_zero_message()
    {
        Assert.False(Icmpv4Packet.Check(new byte[8], out var reason));
        Assert.Equal(WireError.BadChecksum, reason);
    }
}
