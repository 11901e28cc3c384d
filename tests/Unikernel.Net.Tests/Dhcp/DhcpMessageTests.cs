using Unikernel.Net.Tests.Wire;
using Unikernel.Net.Wire;

namespace Unikernel.Net.Tests.Dhcp;

public class DhcpMessageTests
{
    [Fact]
    public void Parses_the_golden_offer()
    {
        byte[] bytes = DhcpGolden.OfferBytes();
        Assert.Equal(300, bytes.Length);
        Assert.True(DhcpMessage.TryParse(bytes, out var offer, out var reason));
        Assert.Equal(WireError.None, reason);
        Assert.Equal(DhcpMessage.BootReply, offer.Operation);
        Assert.Equal(DhcpMessage.HardwareTypeEthernet, offer.HardwareType);
        Assert.Equal(6, offer.HardwareLength);
        Assert.Equal(0, offer.Hops);
        Assert.Equal(DhcpGolden.TransactionId, offer.TransactionId);
        Assert.Equal(0, offer.Seconds);
        Assert.Equal(0, offer.Flags);
        Assert.False(offer.Broadcast);
        Assert.Equal(Ipv4Address.Any, offer.ClientAddress);
        Assert.Equal(Golden.V4("192.168.100.50"), offer.YourAddress);
        Assert.Equal(Golden.V4("192.168.100.1"), offer.ServerAddress);
        Assert.Equal(Ipv4Address.Any, offer.RelayAddress);
        Assert.Equal(DhcpGolden.ClientMac, offer.ClientHardwareAddress);
        Assert.Equal(60, offer.Options.Length);

        Assert.True(offer.TryGetMessageType(out var type));
        Assert.Equal(DhcpMessageType.Offer, type);
        Assert.True(offer.TryGetServerIdentifier(out var server));
        Assert.Equal("192.168.100.1", Golden.Text(server));
        Assert.True(offer.TryGetLeaseTime(out uint lease));
        Assert.Equal(3600u, lease);
        Assert.True(offer.TryGetRenewalTime(out uint t1));
        Assert.Equal(1800u, t1);
        Assert.True(offer.TryGetRebindingTime(out uint t2));
        Assert.Equal(3150u, t2);
        Assert.True(offer.TryGetSubnetMask(out var mask));
        Assert.Equal("255.255.255.0", Golden.Text(mask));
        Assert.True(offer.TryGetRouter(out var router));
        Assert.Equal("192.168.100.1", Golden.Text(router));
        Assert.True(offer.TryGetOption(DhcpOptionCode.BroadcastAddress, out var broadcast));
        Assert.Equal("192.168.100.255", Golden.Text(new Ipv4Address(broadcast)));
        Assert.False(offer.TryGetOption(DhcpOptionCode.DomainNameServer, out var absent));
        Assert.True(absent.IsEmpty);
    }

    [Fact]
    public void Parses_the_golden_ack()
    {
        byte[] bytes = DhcpGolden.AckBytes();
        Assert.True(DhcpMessage.TryParse(bytes, out var ack, out _));
        Assert.True(ack.TryGetMessageType(out var type));
        Assert.Equal(DhcpMessageType.Ack, type);
        Assert.Equal(Golden.V4("192.168.100.50"), ack.YourAddress);
        Assert.True(ack.TryGetLeaseTime(out uint lease));
        Assert.Equal(3600u, lease);
    }

    [Fact]
    public void Emit_writes_the_golden_discover_over_junk()
    {
        byte[] emitted = Junk.AssertNoStaleBytes(400, buffer =>
        {
            var writer = DhcpMessage.Emit(buffer, DhcpMessageType.Discover, DhcpGolden.TransactionId, DhcpGolden.ClientMac, Ipv4Address.Any);
            Assert.True(writer.TryWrite(DhcpOptionCode.ClientIdentifier, [1, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56]));
            Assert.True(writer.TryWrite(DhcpOptionCode.ParameterRequestList, [1, 3, 51, 54, 58, 59]));
            return writer.Finish();
        });
        Assert.Equal(Golden.Bytes(DhcpGolden.Discover), emitted);
    }

    [Fact]
    public void An_emitted_request_round_trips()
    {
        byte[] buffer = Junk.Buffer(576);
        var writer = DhcpMessage.Emit(buffer, DhcpMessageType.Request, 0xdeadbeef, DhcpGolden.ClientMac, Golden.V4("10.0.0.7"));
        Assert.Equal(243, writer.Length);
        Assert.True(writer.TryWriteAddress(DhcpOptionCode.RequestedIpAddress, Golden.V4("10.0.0.7")));
        Assert.True(writer.TryWriteAddress(DhcpOptionCode.ServerIdentifier, Golden.V4("10.0.0.1")));
        Assert.True(writer.TryWriteUInt32(DhcpOptionCode.IpAddressLeaseTime, 0xFFFFFFFF));
        Assert.True(writer.TryWriteByte(DhcpOptionCode.OptionOverload, 0));
        int length = writer.Finish();
        Assert.Equal(300, length);

        Assert.True(DhcpMessage.TryParse(buffer.AsSpan(0, length), out var request, out _));
        Assert.Equal(DhcpMessage.BootRequest, request.Operation);
        Assert.Equal(0xdeadbeefu, request.TransactionId);
        Assert.Equal(Golden.V4("10.0.0.7"), request.ClientAddress);
        Assert.Equal(Ipv4Address.Any, request.YourAddress);
        Assert.Equal(DhcpGolden.ClientMac, request.ClientHardwareAddress);
        Assert.True(request.TryGetMessageType(out var type));
        Assert.Equal(DhcpMessageType.Request, type);
        Assert.True(request.TryGetOption(DhcpOptionCode.RequestedIpAddress, out var requested));
        Assert.Equal(Golden.V4("10.0.0.7"), new Ipv4Address(requested));
        Assert.True(request.TryGetServerIdentifier(out var server));
        Assert.Equal(Golden.V4("10.0.0.1"), server);
        Assert.True(request.TryGetLeaseTime(out uint lease));
        Assert.Equal(0xFFFFFFFFu, lease);
        // chaddr's other ten octets, sname and file are zero whatever the buffer held.
        Assert.All(buffer[34..236], b => Assert.Equal(0, b));
    }

    [Fact]
    public void Setters_write_where_getters_read()
    {
        byte[] buffer = DhcpGolden.OfferBytes();
        var message = new DhcpMessage(buffer);
        message.Hops = 3;
        message.Seconds = 0x1234;
        message.Broadcast = true;
        message.RelayAddress = Golden.V4("10.1.2.3");
        message.ServerAddress = Golden.V4("10.4.5.6");
        message.YourAddress = Golden.V4("10.7.8.9");
        Assert.Equal(3, buffer[3]);
        Assert.Equal(0x12, buffer[8]);
        Assert.Equal(0x34, buffer[9]);
        Assert.Equal(0x80, buffer[10]);
        Assert.Equal(0x8000, message.Flags);
        Assert.Equal(Golden.V4("10.1.2.3"), message.RelayAddress);
        Assert.Equal(Golden.V4("10.4.5.6"), message.ServerAddress);
        Assert.Equal(Golden.V4("10.7.8.9"), message.YourAddress);
        message.Broadcast = false;
        Assert.Equal(0, message.Flags);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(236)]
    [InlineData(239)]
    public void Check_rejects_a_message_shorter_than_the_fixed_part_and_cookie(int length)
    {
        Assert.False(DhcpMessage.Check(DhcpGolden.OfferBytes().AsSpan(0, length), out var reason));
        Assert.Equal(WireError.Truncated, reason);
    }

    [Theory]
    [InlineData(1, 6)]   // htype IEEE 802
    [InlineData(1, 0)]
    [InlineData(2, 8)]   // hlen 8
    [InlineData(2, 16)]
    public void Check_rejects_hardware_other_than_Ethernet(int offset, byte value)
    {
        byte[] bytes = DhcpGolden.OfferBytes();
        bytes[offset] = value;
        Assert.False(DhcpMessage.Check(bytes, out var reason));
        Assert.Equal(WireError.Unsupported, reason);
    }

    [Theory]
    [InlineData(236)]
    [InlineData(239)]
    public void Check_rejects_a_wrong_magic_cookie(int offset)
    {
        byte[] bytes = DhcpGolden.OfferBytes();
        bytes[offset] ^= 0x01;
        Assert.False(DhcpMessage.Check(bytes, out var reason));
        Assert.Equal(WireError.Unsupported, reason);
    }

    [Fact]
    public void Check_rejects_options_without_an_end_option()
    {
        // Exactly up to the last option's value: no end.
        Assert.False(DhcpMessage.Check(DhcpGolden.OfferBytes().AsSpan(0, 240 + 45), out var reason));
        Assert.Equal(WireError.BadFormat, reason);
        // No options at all.
        Assert.False(DhcpMessage.Check(DhcpGolden.OfferBytes().AsSpan(0, 240), out reason));
        Assert.Equal(WireError.BadFormat, reason);
        // Only pads.
        byte[] pads = DhcpGolden.OfferBytes();
        Array.Clear(pads, 240, 60);
        Assert.False(DhcpMessage.Check(pads, out reason));
        Assert.Equal(WireError.BadFormat, reason);
    }

    [Theory]
    [InlineData(240 + 44)] // cut inside the router's value (option 3 at 279..284, end at 285)
    [InlineData(240 + 41)] // cut after the router's code and length
    [InlineData(240 + 40)] // cut after the router's code: no length byte
    [InlineData(240 + 2)]  // cut inside the message type
    public void Check_rejects_an_option_running_past_the_end(int length)
    {
        Assert.False(DhcpMessage.Check(DhcpGolden.OfferBytes().AsSpan(0, length), out var reason));
        Assert.Equal(WireError.BadFormat, reason);
    }

    [Fact]
    public void Check_rejects_an_option_length_that_runs_past_the_buffer()
    {
        byte[] bytes = DhcpGolden.OfferBytes();
        bytes[240 + 40] = 200; // the router's length: past the 300 bytes, over the end option
        Assert.False(DhcpMessage.Check(bytes, out var reason));
        Assert.Equal(WireError.BadFormat, reason);
    }

    [Fact]
    public void Check_takes_pads_anywhere_and_ignores_what_follows_the_end()
    {
        byte[] bytes = DhcpGolden.OfferBytes();
        // Three pads before the first option: shift the options right by three.
        Array.Copy(bytes, 240, bytes, 243, 46);
        bytes[240] = bytes[241] = bytes[242] = 0;
        bytes[290] = 0x06; // junk after the end option at 288: a DNS option running far past the buffer
        bytes[291] = 0xff;
        Assert.True(DhcpMessage.TryParse(bytes, out var message, out _));
        Assert.True(message.TryGetMessageType(out var type));
        Assert.Equal(DhcpMessageType.Offer, type);
        Assert.True(message.TryGetRouter(out var router));
        Assert.Equal(Golden.V4("192.168.100.1"), router);
        Assert.False(message.TryGetOption(DhcpOptionCode.DomainNameServer, out _));
    }

    [Fact]
    public void Op_is_not_checked()
    {
        byte[] bytes = DhcpGolden.OfferBytes();
        bytes[0] = 7;
        Assert.True(DhcpMessage.Check(bytes, out _));
    }

    [Fact]
    public void TryGetOption_finds_the_first_occurrence_and_never_pad_or_end()
    {
        byte[] bytes = DhcpGolden.Reply(DhcpMessageType.Ack, 1, DhcpGolden.ClientMac, Ipv4Address.Any,
            (3, [10, 0, 0, 1, 10, 0, 0, 2]), (3, [10, 0, 0, 3]), (56, []));
        Assert.True(DhcpMessage.TryParse(bytes, out var message, out _));
        Assert.True(message.TryGetOption(DhcpOptionCode.Router, out var routers));
        Assert.Equal(8, routers.Length);
        Assert.True(message.TryGetRouter(out var router));
        Assert.Equal(Golden.V4("10.0.0.1"), router);
        Assert.True(message.TryGetOption(DhcpOptionCode.Message, out var empty));
        Assert.Equal(0, empty.Length);
        Assert.False(message.TryGetOption(DhcpOptionCode.Pad, out _));
        Assert.False(message.TryGetOption(DhcpOptionCode.End, out _));
    }

    [Fact]
    public void Helpers_refuse_values_of_the_wrong_length()
    {
        byte[] bytes = DhcpGolden.Reply(DhcpMessageType.Ack, 1, DhcpGolden.ClientMac, Ipv4Address.Any,
            (54, [10, 0, 0]), (51, [0, 0, 0, 0, 1]), (58, [1]), (59, []), (1, [255, 255, 255, 0, 0]), (3, [10, 0, 0, 1, 2]));
        Assert.True(DhcpMessage.TryParse(bytes, out var message, out _));
        Assert.False(message.TryGetServerIdentifier(out var server));
        Assert.Equal(Ipv4Address.Any, server);
        Assert.False(message.TryGetLeaseTime(out uint lease));
        Assert.Equal(0u, lease);
        Assert.False(message.TryGetRenewalTime(out _));
        Assert.False(message.TryGetRebindingTime(out _));
        Assert.False(message.TryGetSubnetMask(out _));
        Assert.False(message.TryGetRouter(out _));

        byte[] twoByteType = DhcpGolden.Reply(DhcpMessageType.Ack, 1, DhcpGolden.ClientMac, Ipv4Address.Any);
        twoByteType[241] = 2; // 53 with length 2: swallows the end option's place, so add one
        twoByteType[243] = 0;
        twoByteType[244] = 255;
        Assert.True(DhcpMessage.TryParse(twoByteType, out var odd, out _));
        Assert.False(odd.TryGetMessageType(out _));
    }

    [Fact]
    public void The_writer_keeps_room_for_the_end_option_and_refuses_what_does_not_fit()
    {
        byte[] buffer = Junk.Buffer(300);
        var writer = DhcpMessage.Emit(buffer, DhcpMessageType.Discover, 1, DhcpGolden.ClientMac, Ipv4Address.Any);
        Assert.False(writer.TryWrite(DhcpOptionCode.Pad, []));
        Assert.False(writer.TryWrite(DhcpOptionCode.End, []));
        Assert.False(writer.TryWrite(DhcpOptionCode.HostName, new byte[256]));
        // 243 used; 57 left: an option of 54 bytes of value takes 56 and leaves 1 for the end.
        Assert.False(writer.TryWrite(DhcpOptionCode.HostName, new byte[55]));
        Assert.Equal(243, writer.Length);
        Assert.True(writer.TryWrite(DhcpOptionCode.HostName, new byte[54]));
        Assert.Equal(299, writer.Length);
        Assert.False(writer.TryWrite(DhcpOptionCode.Message, []));
        Assert.False(writer.TryWriteByte(DhcpOptionCode.MessageType, 1));
        Assert.Equal(300, writer.Finish());
        Assert.Equal(255, buffer[299]);
        Assert.True(DhcpMessage.Check(buffer, out _));
    }

    [Fact]
    public void The_writer_goes_past_300_bytes_when_the_buffer_allows()
    {
        byte[] buffer = Junk.Buffer(576);
        var writer = DhcpMessage.Emit(buffer, DhcpMessageType.Inform, 1, DhcpGolden.ClientMac, Ipv4Address.Any);
        Assert.True(writer.TryWrite(DhcpOptionCode.HostName, new byte[255]));
        Assert.Equal(243 + 257 + 1, writer.Finish());
        Assert.True(DhcpMessage.TryParse(buffer.AsSpan(0, 501), out var message, out _));
        Assert.True(message.TryGetOption(DhcpOptionCode.HostName, out var name));
        Assert.Equal(255, name.Length);
    }

    [Fact]
    public void Emit_panics_on_a_buffer_shorter_than_300_bytes()
    {
        Assert.Throws<PanicException>(() => DhcpMessage.Emit(new byte[299], DhcpMessageType.Discover, 1, MacAddress.Zero, Ipv4Address.Any));
    }
}
