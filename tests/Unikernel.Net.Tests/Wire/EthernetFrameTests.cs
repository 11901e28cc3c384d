using Unikernel.Net.Wire;

namespace Unikernel.Net.Tests.Wire;

public class EthernetFrameTests
{
    [Fact]
    public void Parses_a_golden_ARP_broadcast()
    {
        byte[] bytes = Golden.Bytes(Golden.ArpRequest);
        Assert.True(EthernetFrame.TryParse(bytes, out var frame, out var reason));
        Assert.Equal(WireError.None, reason);
        Assert.Equal(MacAddress.Broadcast, frame.Destination);
        Assert.Equal(Golden.Mac("52:54:00:12:34:56"), frame.Source);
        Assert.Equal(EtherType.Arp, frame.EtherType);
        Assert.Equal(ArpPacket.Length, frame.Payload.Length);
    }

    [Fact]
    public void Payload_of_a_padded_frame_keeps_the_padding()
    {
        byte[] bytes = new byte[EthernetFrame.MinimumLength];
        Golden.Bytes(Golden.ArpRequest).CopyTo(bytes, 0);
        Assert.True(EthernetFrame.TryParse(bytes, out var frame, out _));
        Assert.Equal(EthernetFrame.MinimumLength - EthernetFrame.HeaderLength, frame.Payload.Length);
    }

    [Fact]
    public void Emit_writes_the_header_and_nothing_else()
    {
        byte[] golden = Golden.Bytes(Golden.Icmpv4EchoRequest);
        byte[] emitted = Junk.AssertNoStaleBytes(golden.Length, buffer =>
        {
            var frame = EthernetFrame.Emit(buffer, Golden.Mac("52:55:0a:00:02:02"), Golden.Mac("52:54:00:12:34:56"), EtherType.Ipv4);
            return EthernetFrame.HeaderLength;
        });
        Assert.Equal(golden.AsSpan(0, EthernetFrame.HeaderLength).ToArray(), emitted);

        byte[] junk = Junk.Buffer(64);
        var view = EthernetFrame.Emit(junk, MacAddress.Broadcast, MacAddress.Zero, EtherType.Ipv6);
        Assert.Equal(64, view.Buffer.Length);
        Assert.All(view.Payload.ToArray(), b => Assert.Equal(Junk.Fill, b));
    }

    [Fact]
    public void Setters_round_trip()
    {
        byte[] bytes = Golden.Bytes(Golden.ArpRequest);
        var frame = new EthernetFrame(bytes);
        frame.Destination = Golden.Mac("02:00:00:00:00:01");
        frame.Source = Golden.Mac("02:00:00:00:00:02");
        frame.EtherType = EtherType.Ipv6;
        Assert.Equal(Golden.Mac("02:00:00:00:00:01"), frame.Destination);
        Assert.Equal(Golden.Mac("02:00:00:00:00:02"), frame.Source);
        Assert.Equal(EtherType.Ipv6, frame.EtherType);
        Assert.Equal(Golden.Bytes(Golden.ArpRequest).AsSpan(14).ToArray(), frame.Payload.ToArray());
    }

    [Fact]
    public void Check_rejects_a_frame_shorter_than_the_header()
    {
        byte[] bytes = Golden.Bytes(Golden.ArpRequest);
        Assert.False(EthernetFrame.Check(bytes.AsSpan(0, EthernetFrame.HeaderLength - 1), out var reason));
        Assert.Equal(WireError.Truncated, reason);
        Assert.False(EthernetFrame.Check([], out reason));
        Assert.Equal(WireError.Truncated, reason);
        Assert.True(EthernetFrame.Check(bytes.AsSpan(0, EthernetFrame.HeaderLength), out reason));
    }

    [Theory]
    [InlineData(0x8100)] // 802.1Q
    [InlineData(0x88A8)] // 802.1ad
    [InlineData(0x9100)] // pre-standard Q-in-Q
    public void Check_drops_VLAN_tagged_frames_deliberately(int tpid)
    {
        // A tagged echo request: the tag (TPID, then PCP/DEI/VID 0x0064) sits where the EtherType was.
        byte[] untagged = Golden.Bytes(Golden.Icmpv4EchoRequest);
        byte[] tagged = [.. untagged.AsSpan(0, 12), (byte)(tpid >> 8), (byte)tpid, 0x00, 0x64, .. untagged.AsSpan(12)];
        Assert.False(EthernetFrame.TryParse(tagged, out _, out var reason));
        Assert.Equal(WireError.Unsupported, reason);
    }

    [Theory]
    [InlineData(0x0000)]
    [InlineData(0x002E)]
    [InlineData(0x05DC)] // 1500: an 802.3 length
    [InlineData(0x05FF)] // undefined range
    public void Check_drops_802_3_length_frames(int lengthField)
    {
        byte[] bytes = Golden.Bytes(Golden.ArpRequest);
        bytes[12] = (byte)(lengthField >> 8);
        bytes[13] = (byte)lengthField;
        Assert.False(EthernetFrame.Check(bytes, out var reason));
        Assert.Equal(WireError.Unsupported, reason);
    }

    [Fact]
    public void Check_accepts_the_first_EtherType()
    {
        byte[] bytes = Golden.Bytes(Golden.ArpRequest);
        bytes[12] = 0x06;
        bytes[13] = 0x00;
        Assert.True(EthernetFrame.Check(bytes, out _));
    }
}
