using Unikernel.Net.Wire;

namespace Unikernel.Net.Tests.Wire;

public class Ipv4PacketTests
{
    private static byte[] GoldenIpv4() => Golden.Bytes(Golden.Icmpv4EchoRequest).AsSpan(EthernetFrame.HeaderLength).ToArray();

    /// <summary>A packet after a mutation, with its checksum made right again so only the mutation is wrong.</summary>
    private static byte[] Mutated(Action<byte[]> mutate, bool fixChecksum = true)
    {
        byte[] bytes = GoldenIpv4();
        mutate(bytes);
        if (fixChecksum)
        {
            int headerLength = Math.Clamp((bytes[0] & 0xF) * 4, 20, bytes.Length);
            bytes[10] = 0;
            bytes[11] = 0;
            ushort checksum = InternetChecksum.Compute(bytes.AsSpan(0, headerLength));
            bytes[10] = (byte)(checksum >> 8);
            bytes[11] = (byte)checksum;
        }
        return bytes;
    }

    [Fact]
    public void Parses_a_golden_ping()
    {
        byte[] bytes = GoldenIpv4();
        Assert.True(Ipv4Packet.TryParse(bytes, out var packet, out var reason));
        Assert.Equal(WireError.None, reason);
        Assert.Equal(4, packet.Version);
        Assert.Equal(20, packet.HeaderLength);
        Assert.Equal(0, packet.Dscp);
        Assert.Equal(0, packet.Ecn);
        Assert.Equal(84, packet.TotalLength);
        Assert.Equal(0x5d3a, packet.Identification);
        Assert.True(packet.DontFragment);
        Assert.False(packet.MoreFragments);
        Assert.Equal(0, packet.FragmentOffset);
        Assert.False(packet.IsFragment);
        Assert.Equal(64, packet.TimeToLive);
        Assert.Equal(IpProtocol.Icmp, packet.Protocol);
        Assert.Equal(Golden.Icmpv4EchoIpChecksum, packet.HeaderChecksum);
        Assert.True(packet.VerifyChecksum());
        Assert.Equal(Golden.V4("10.0.2.15"), packet.Source);
        Assert.Equal(Golden.V4("10.0.2.2"), packet.Destination);
        Assert.Equal(0, packet.Options.Length);
        Assert.Equal(64, packet.Payload.Length);
        Assert.Equal(0x08, packet.Payload[0]);
    }

    [Fact]
    public void Emit_reproduces_the_golden_header_over_junk()
    {
        byte[] golden = GoldenIpv4();
        byte[] emitted = Junk.AssertNoStaleBytes(golden.Length + 10, buffer =>
        {
            var packet = Ipv4Packet.Emit(buffer, Golden.V4("10.0.2.15"), Golden.V4("10.0.2.2"), IpProtocol.Icmp, 64, 64);
            golden.AsSpan(20).CopyTo(packet.Payload);
            return packet.Buffer.Length;
        });
        Assert.Equal(golden.Length, emitted.Length);
        // Emit sends ID 0 (atomic datagram, RFC 6864); with Linux's ID the header is the golden one.
        var view = new Ipv4Packet(emitted);
        Assert.True(view.VerifyChecksum());
        view.Identification = 0x5d3a;
        view.FillChecksum();
        Assert.Equal(golden, emitted);
    }

    [Fact]
    public void Emit_then_parse_round_trips()
    {
        byte[] buffer = Junk.Buffer(100);
        var emitted = Ipv4Packet.Emit(buffer, Golden.V4("192.0.2.1"), Golden.V4("198.51.100.2"), IpProtocol.Udp, 13, 17);
        Assert.Equal(33, emitted.Buffer.Length);
        Assert.True(Ipv4Packet.TryParse(buffer, out var parsed, out _));
        Assert.Equal(33, parsed.TotalLength);
        Assert.Equal(IpProtocol.Udp, parsed.Protocol);
        Assert.Equal(17, parsed.TimeToLive);
        Assert.Equal(Golden.V4("192.0.2.1"), parsed.Source);
        Assert.Equal(Golden.V4("198.51.100.2"), parsed.Destination);
        Assert.True(parsed.DontFragment);
        Assert.False(parsed.IsFragment);
        Assert.Equal(13, parsed.Payload.Length);
    }

    [Fact]
    public void Payload_ends_at_the_total_length_not_at_the_Ethernet_padding()
    {
        byte[] frame = new byte[EthernetFrame.MinimumLength - EthernetFrame.HeaderLength];
        Ipv4Packet.Emit(frame, Golden.V4("10.0.2.15"), Golden.V4("10.0.2.2"), IpProtocol.Udp, 12, 64);
        Assert.True(Ipv4Packet.TryParse(frame, out var packet, out _));
        Assert.Equal(32, packet.Buffer.Length);
        Assert.Equal(12, packet.Payload.Length);
    }

    [Fact]
    public void Options_are_skipped_by_the_header_length()
    {
        // IHL 6 with a Router Alert option (RFC 2113): 94 04 00 00.
        byte[] bytes = new byte[28];
        bytes[0] = 0x46;
        bytes[3] = 28;
        bytes[8] = 1;
        bytes[9] = (byte)IpProtocol.Igmp;
        bytes[20] = 0x94;
        bytes[21] = 0x04;
        bytes[24] = 0x11;
        var packet = new Ipv4Packet(bytes);
        packet.FillChecksum();
        Assert.True(Ipv4Packet.TryParse(bytes, out packet, out _));
        Assert.Equal(24, packet.HeaderLength);
        Assert.Equal([0x94, 0x04, 0x00, 0x00], packet.Options.ToArray());
        Assert.Equal(4, packet.Payload.Length);
        Assert.Equal(0x11, packet.Payload[0]);
    }

    [Fact]
    public void Fragments_are_detected()
    {
        byte[] bytes = GoldenIpv4();
        var packet = new Ipv4Packet(bytes);
        Assert.False(packet.IsFragment);

        packet.MoreFragments = true;
        Assert.True(packet.IsFragment);
        Assert.True(packet.DontFragment);

        packet.MoreFragments = false;
        packet.FragmentOffset = 1480;
        Assert.Equal(1480, packet.FragmentOffset);
        Assert.True(packet.IsFragment);
        Assert.True(packet.DontFragment);

        packet.FragmentOffset = 0;
        packet.DontFragment = false;
        Assert.False(packet.IsFragment);
        Assert.Equal(0, bytes[6]);
        Assert.Equal(0, bytes[7]);

        packet.FragmentOffset = 8191 * 8;
        Assert.Equal(8191 * 8, packet.FragmentOffset);
        Assert.False(packet.MoreFragments);
        Assert.False(packet.DontFragment);
    }

    [Fact]
    public void Setters_leave_neighbouring_bits_alone()
    {
        var packet = new Ipv4Packet(GoldenIpv4());
        packet.Dscp = 46; // expedited forwarding
        packet.Ecn = 2;   // ECT(0)
        Assert.Equal(46, packet.Dscp);
        Assert.Equal(2, packet.Ecn);
        Assert.Equal(0xBA, packet.Buffer[1]);
        packet.Dscp = 0;
        Assert.Equal(2, packet.Ecn);
        packet.TimeToLive = 1;
        packet.Protocol = IpProtocol.Tcp;
        packet.Source = Golden.V4("1.2.3.4");
        packet.Destination = Golden.V4("5.6.7.8");
        Assert.Equal(4, packet.Version);
        Assert.Equal(20, packet.HeaderLength);
        Assert.False(packet.VerifyChecksum());
        packet.FillChecksum();
        Assert.True(Ipv4Packet.Check(packet.Buffer, out _));
        Assert.Equal(Golden.V4("1.2.3.4"), packet.Source);
        Assert.Equal(Golden.V4("5.6.7.8"), packet.Destination);
    }

    [Fact]
    public void Check_rejects_a_buffer_shorter_than_the_fixed_header()
    {
        Assert.False(Ipv4Packet.Check(GoldenIpv4().AsSpan(0, 19), out var reason));
        Assert.Equal(WireError.Truncated, reason);
        Assert.False(Ipv4Packet.Check([], out reason));
        Assert.Equal(WireError.Truncated, reason);
    }

    [Theory]
    [InlineData(0x65)]
    [InlineData(0x05)]
    [InlineData(0xF5)]
    public void Check_rejects_another_version(byte first)
    {
        Assert.False(Ipv4Packet.Check(Mutated(b => b[0] = first), out var reason));
        Assert.Equal(WireError.BadVersion, reason);
    }

    [Theory]
    [InlineData(0x40)]
    [InlineData(0x44)]
    public void Check_rejects_a_header_length_below_five_words(byte first)
    {
        Assert.False(Ipv4Packet.Check(Mutated(b => b[0] = first), out var reason));
        Assert.Equal(WireError.BadHeaderLength, reason);
    }

    [Fact]
    public void Check_rejects_a_header_length_past_the_buffer()
    {
        byte[] bytes = Mutated(b => b[0] = 0x4F); // 60-byte header
        Assert.False(Ipv4Packet.Check(bytes.AsSpan(0, 40), out var reason));
        Assert.Equal(WireError.Truncated, reason);
    }

    [Fact]
    public void Check_rejects_a_total_length_below_the_header_length()
    {
        Assert.False(Ipv4Packet.Check(Mutated(b => { b[2] = 0; b[3] = 19; }), out var reason));
        Assert.Equal(WireError.BadLength, reason);
        Assert.False(Ipv4Packet.Check(Mutated(b => { b[0] = 0x46; b[2] = 0; b[3] = 20; }), out reason));
        Assert.Equal(WireError.BadLength, reason);
    }

    [Fact]
    public void Check_rejects_a_total_length_past_the_buffer()
    {
        Assert.False(Ipv4Packet.Check(Mutated(b => { b[2] = 0; b[3] = 85; }), out var reason));
        Assert.Equal(WireError.Truncated, reason);
        Assert.False(Ipv4Packet.Check(GoldenIpv4().AsSpan(0, 83), out reason));
        Assert.Equal(WireError.Truncated, reason);
    }

    [Fact]
    public void Check_rejects_a_bad_header_checksum()
    {
        Assert.False(Ipv4Packet.TryParse(Mutated(b => b[8] = 63, fixChecksum: false), out _, out var reason));
        Assert.Equal(WireError.BadChecksum, reason);
        Assert.False(Ipv4Packet.Check(Mutated(b => b[11] ^= 0x01, fixChecksum: false), out reason));
        Assert.Equal(WireError.BadChecksum, reason);
    }

    [Fact]
    public void Check_ignores_the_payload_for_the_checksum()
    {
        Assert.True(Ipv4Packet.Check(Mutated(b => b[40] ^= 0xFF, fixChecksum: false), out _));
    }
}
