using Unikernel.Net.Tcp;
using Unikernel.Net.Tests.Wire;
using Unikernel.Net.Wire;

namespace Unikernel.Net.Tests.Tcp;

public class TcpSegmentTests
{
    private static readonly Ipv4Address Client4 = TcpGolden.Client4;
    private static readonly Ipv4Address Server4 = TcpGolden.Server4;
    private static readonly Ipv6Address Client6 = TcpGolden.Client6;
    private static readonly Ipv6Address Server6 = TcpGolden.Server6;

    [Fact]
    public void Parses_the_golden_SYN_through_Ethernet_and_IPv4()
    {
        byte[] frame = Golden.Bytes(TcpGolden.Syn);
        Assert.True(EthernetFrame.TryParse(frame, out var ethernet, out _));
        Assert.True(Ipv4Packet.TryParse(ethernet.Payload, out var ip, out _));
        Assert.Equal(IpProtocol.Tcp, ip.Protocol);
        Assert.True(TcpSegment.TryParse(ip.Payload, out var tcp, out var reason));
        Assert.Equal(WireError.None, reason);
        Assert.Equal(40001, tcp.SourcePort);
        Assert.Equal(5001, tcp.DestinationPort);
        Assert.Equal(1517751500u, tcp.SequenceNumber.Value);
        Assert.Equal(0u, tcp.AcknowledgmentNumber.Value);
        Assert.Equal(40, tcp.HeaderLength);
        Assert.Equal(TcpFlags.Syn, tcp.Flags);
        Assert.True(tcp.Syn);
        Assert.False(tcp.Ack || tcp.Fin || tcp.Rst || tcp.Psh || tcp.Urg);
        Assert.Equal(64240, tcp.Window);
        Assert.Equal(0xc53d, tcp.Checksum);
        Assert.Equal(0, tcp.UrgentPointer);
        Assert.Equal(20, tcp.Options.Length);
        Assert.Equal(0, tcp.Payload.Length);
        Assert.Equal(1, tcp.SegmentLength);
        Assert.True(tcp.VerifyChecksum(ip.Source, ip.Destination));
        Assert.Equal(0xc53d, tcp.ComputeChecksum(ip.Source, ip.Destination));

        Assert.True(TcpOptions.TryParse(tcp.Options, out var options, out reason));
        Assert.Equal(WireError.None, reason);
        Assert.True(options.HasMss);
        Assert.Equal(1460, options.Mss);
        Assert.True(options.SackPermitted);
        Assert.True(options.HasTimestamps);
        Assert.Equal(427159371u, options.TimestampValue);
        Assert.Equal(0u, options.TimestampEcho);
        Assert.True(options.HasWindowScale);
        Assert.Equal(10, options.WindowScale);
        Assert.Equal(0, options.SackBlockCount);
    }

    [Fact]
    public void Parses_the_golden_SYN_ACK()
    {
        var tcp = new TcpSegment(TcpGolden.Tcp4(TcpGolden.SynAck));
        Assert.True(TcpSegment.Check(tcp.Buffer, out _));
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, tcp.Flags);
        Assert.Equal(68205752u, tcp.SequenceNumber.Value);
        Assert.Equal(1517751501u, tcp.AcknowledgmentNumber.Value);
        Assert.Equal(65160, tcp.Window);
        Assert.True(tcp.VerifyChecksum(Server4, Client4));
        Assert.True(TcpOptions.TryParse(tcp.Options, out var options, out _));
        Assert.Equal(3863554897u, options.TimestampValue);
        Assert.Equal(427159371u, options.TimestampEcho);
        Assert.Equal(1460, options.Mss);
        Assert.Equal(10, options.WindowScale);
    }

    [Fact]
    public void Parses_the_golden_data_segment_with_timestamps()
    {
        var tcp = new TcpSegment(TcpGolden.Tcp4(TcpGolden.Data));
        Assert.True(TcpSegment.Check(tcp.Buffer, out _));
        Assert.Equal(TcpFlags.Psh | TcpFlags.Ack, tcp.Flags);
        Assert.Equal(32, tcp.HeaderLength);
        Assert.Equal(63, tcp.Window);
        Assert.Equal("hello, tcp\n"u8.ToArray(), tcp.Payload.ToArray());
        Assert.Equal(11, tcp.SegmentLength);
        Assert.True(tcp.VerifyChecksum(Client4, Server4));
        Assert.True(TcpOptions.TryParse(tcp.Options, out var options, out _));
        Assert.False(options.HasMss || options.HasWindowScale || options.SackPermitted);
        Assert.True(options.HasTimestamps);
        Assert.Equal(427159371u, options.TimestampValue);
        Assert.Equal(3863554897u, options.TimestampEcho);
    }

    [Fact]
    public void Parses_the_golden_segment_with_two_SACK_blocks()
    {
        var tcp = new TcpSegment(TcpGolden.Tcp4(TcpGolden.Sack));
        Assert.True(TcpSegment.Check(tcp.Buffer, out _));
        Assert.Equal(TcpFlags.Ack, tcp.Flags);
        Assert.Equal(52, tcp.HeaderLength);
        Assert.Equal(0x489bca3cu, tcp.AcknowledgmentNumber.Value);
        Assert.Equal(0, tcp.SegmentLength);
        Assert.True(tcp.VerifyChecksum(Server4, Client4));
        Assert.True(TcpOptions.TryParse(tcp.Options, out var options, out _));
        Assert.True(options.HasTimestamps);
        Assert.Equal(2, options.SackBlockCount);
        Assert.Equal(0x489bfd24u, options.GetSackBlock(0).Left.Value);
        Assert.Equal(0x489bfeecu, options.GetSackBlock(0).Right.Value);
        Assert.Equal(0x489bcfe4u, options.GetSackBlock(1).Left.Value);
        Assert.Equal(0x489bf77cu, options.GetSackBlock(1).Right.Value);
        // Both blocks are above the cumulative ACK: the holes they leave are what gets resent.
        Assert.True(options.GetSackBlock(1).Left > tcp.AcknowledgmentNumber);
    }

    [Theory]
    [InlineData(TcpGolden.Syn6, true)]
    [InlineData(TcpGolden.SynAck6, false)]
    [InlineData(TcpGolden.Data6, true)]
    public void Verifies_the_golden_IPv6_segments(string frame, bool fromClient)
    {
        byte[] bytes = Golden.Bytes(frame);
        Assert.True(EthernetFrame.TryParse(bytes, out var ethernet, out _));
        Assert.True(Ipv6Packet.TryParse(ethernet.Payload, out var ip, out _));
        Assert.True(ip.FindUpperLayer(out var protocol, out int offset, out _));
        Assert.Equal(IpProtocol.Tcp, protocol);
        Assert.True(TcpSegment.TryParse(ip.Payload.Slice(offset), out var tcp, out _));
        Assert.Equal(fromClient ? Client6 : Server6, ip.Source);
        Assert.True(tcp.VerifyChecksum(ip.Source, ip.Destination));
        Assert.False(tcp.VerifyChecksum(ip.Destination, Golden.V6("fe80::1")));
        Assert.Equal(tcp.Checksum, tcp.ComputeChecksum(ip.Source, ip.Destination));
        Assert.True(TcpOptions.TryParse(tcp.Options, out var options, out _));
        Assert.True(options.HasTimestamps);
        if (tcp.Syn)
            Assert.Equal(1440, options.Mss);
        else
            Assert.Equal("hello, six\n"u8.ToArray(), tcp.Payload.ToArray());
    }

    public static TheoryData<string, bool, bool> GoldenFrames() => new()
    {
        { TcpGolden.Syn, false, true },
        { TcpGolden.SynAck, false, false },
        { TcpGolden.Data, false, true },
        { TcpGolden.Sack, false, false },
        { TcpGolden.Syn6, true, true },
        { TcpGolden.SynAck6, true, false },
        { TcpGolden.Data6, true, true },
    };

    [Theory]
    [MemberData(nameof(GoldenFrames))]
    public void Every_golden_checksum_agrees_with_an_independent_byte_by_byte_sum(string frame, bool ipv6, bool fromClient)
    {
        byte[] segment = ipv6 ? TcpGolden.Tcp6(frame) : TcpGolden.Tcp4(frame);
        byte[] addresses = ipv6
            ? fromClient ? TcpGolden.Addresses(Client6, Server6) : TcpGolden.Addresses(Server6, Client6)
            : fromClient ? TcpGolden.Addresses(Client4, Server4) : TcpGolden.Addresses(Server4, Client4);
        ushort reference = TcpGolden.ReferenceChecksum(addresses, ipv6, segment);
        var tcp = new TcpSegment(segment);
        Assert.Equal(tcp.Checksum, reference);
        ushort ours = ipv6
            ? fromClient ? tcp.ComputeChecksum(Client6, Server6) : tcp.ComputeChecksum(Server6, Client6)
            : fromClient ? tcp.ComputeChecksum(Client4, Server4) : tcp.ComputeChecksum(Server4, Client4);
        Assert.Equal(reference, ours);
    }

    [Fact]
    public void The_checksum_covers_pseudo_header_header_options_and_odd_length_data()
    {
        byte[] bytes = TcpGolden.Tcp4(TcpGolden.Data);
        Assert.False(new TcpSegment(bytes).VerifyChecksum(Client4, Golden.V4("169.254.10.3")));
        foreach (int index in new[] { 0, 13, 20, 31, bytes.Length - 1 })
        {
            byte[] damaged = TcpGolden.Tcp4(TcpGolden.Data);
            damaged[index] ^= 0x01;
            Assert.False(new TcpSegment(damaged).VerifyChecksum(Client4, Server4));
        }
    }

    [Fact]
    public void Emit_with_the_Linux_option_layout_reproduces_the_golden_SYN_over_junk()
    {
        var options = new TcpOptions
        {
            HasMss = true, Mss = 1460, SackPermitted = true,
            HasTimestamps = true, TimestampValue = 427159371, TimestampEcho = 0,
            HasWindowScale = true, WindowScale = 10,
        };
        byte[] emitted = Junk.AssertNoStaleBytes(64, buffer =>
        {
            int optionsLength = TcpOptions.Length(options);
            var tcp = TcpSegment.Emit(buffer, 40001, 5001, new SeqNumber(1517751500), new SeqNumber(0), TcpFlags.Syn, 64240, optionsLength, 0);
            Assert.Equal(optionsLength, TcpOptions.Write(tcp.Options, options));
            tcp.FillChecksum(Client4, Server4);
            return tcp.Buffer.Length;
        });
        Assert.Equal(TcpGolden.Tcp4(TcpGolden.Syn), emitted);
    }

    [Fact]
    public void Emit_reproduces_the_golden_IPv6_data_segment_over_junk()
    {
        var options = new TcpOptions { HasTimestamps = true, TimestampValue = 0x6049e67e, TimestampEcho = 0x762cfc1f };
        byte[] emitted = Junk.AssertNoStaleBytes(80, buffer =>
        {
            var tcp = TcpSegment.Emit(buffer, 40002, 5002, new SeqNumber(0x57340f9a), new SeqNumber(0x62038674),
                TcpFlags.Psh | TcpFlags.Ack, 64, TcpOptions.Length(options), 11);
            TcpOptions.Write(tcp.Options, options);
            "hello, six\n"u8.CopyTo(tcp.Payload);
            tcp.FillChecksum(Client6, Server6);
            return tcp.Buffer.Length;
        });
        Assert.Equal(TcpGolden.Tcp6(TcpGolden.Data6), emitted);
    }

    [Fact]
    public void Emit_round_trips_every_field_across_the_sequence_wrap()
    {
        byte[] buffer = Junk.Buffer(100);
        var tcp = TcpSegment.Emit(buffer, 1, 65535, new SeqNumber(0xFFFFFFFF), new SeqNumber(0xFFFFFFF0),
            TcpFlags.Fin | TcpFlags.Ack | TcpFlags.Cwr | TcpFlags.Ece | TcpFlags.Urg, 0xFFFF, 0, 5);
        tcp.Payload.Fill(0x42);
        tcp.FillChecksum(Client4, Server4);
        Assert.Equal(25, tcp.Buffer.Length);
        Assert.True(TcpSegment.TryParse(tcp.Buffer, out var parsed, out _));
        Assert.Equal(1, parsed.SourcePort);
        Assert.Equal(65535, parsed.DestinationPort);
        Assert.Equal(0xFFFFFFFFu, parsed.SequenceNumber.Value);
        Assert.Equal(0xFFFFFFF0u, parsed.AcknowledgmentNumber.Value);
        Assert.Equal(TcpFlags.Fin | TcpFlags.Ack | TcpFlags.Cwr | TcpFlags.Ece | TcpFlags.Urg, parsed.Flags);
        Assert.Equal(0xFFFF, parsed.Window);
        Assert.Equal(0, parsed.UrgentPointer);
        Assert.Equal(0, parsed.Options.Length);
        Assert.Equal(6, parsed.SegmentLength);
        // The sequence space the segment takes runs through the wrap.
        Assert.Equal(5u, (parsed.SequenceNumber + parsed.SegmentLength).Value);
        Assert.True(parsed.VerifyChecksum(Client4, Server4));
        Assert.Equal(0, buffer[12] & 0x0F); // reserved bits written as zero
    }

    [Fact]
    public void Setters_write_where_the_getters_read()
    {
        byte[] bytes = TcpGolden.Tcp4(TcpGolden.Data);
        var tcp = new TcpSegment(bytes);
        tcp.SourcePort = 7;
        tcp.DestinationPort = 8;
        tcp.SequenceNumber = new SeqNumber(0x01020304);
        tcp.AcknowledgmentNumber = new SeqNumber(0x05060708);
        tcp.Flags = TcpFlags.Rst;
        tcp.Window = 0x0910;
        tcp.UrgentPointer = 0x1112;
        tcp.Checksum = 0x1314;
        bytes[12] |= 0x01; // a reserved bit the header length setter must keep
        tcp.HeaderLength = 24;
        Assert.Equal(Golden.Bytes("0007" + "0008" + "01020304" + "05060708" + "61" + "04" + "0910" + "1314" + "1112"), bytes.AsSpan(0, 20).ToArray());
        Assert.True(tcp.Rst);
        Assert.Equal(24, tcp.HeaderLength);
        Assert.Equal(4, tcp.Options.Length);
    }

    [Fact]
    public void A_computed_zero_is_sent_as_zero()
    {
        // Find a segment whose checksum comes out 0 by adjusting the urgent pointer, then check
        // it is stored as 0 (not 0xFFFF as UDP would) and still verifies.
        byte[] bytes = new byte[20];
        var tcp = TcpSegment.Emit(bytes, 1, 2, new SeqNumber(3), new SeqNumber(4), TcpFlags.Ack, 5, 0, 0);
        ushort first = tcp.ComputeChecksum(Client4, Server4);
        tcp.UrgentPointer = first; // the sum grows by 'first', so the complement drops by it
        Assert.Equal(0, tcp.ComputeChecksum(Client4, Server4));
        tcp.FillChecksum(Client4, Server4);
        Assert.Equal(0, tcp.Checksum);
        Assert.True(tcp.VerifyChecksum(Client4, Server4));
    }

    [Fact]
    public void Check_rejects_what_is_shorter_than_the_fixed_header()
    {
        byte[] bytes = TcpGolden.Tcp4(TcpGolden.Data);
        Assert.False(TcpSegment.Check(bytes.AsSpan(0, 19), out var reason));
        Assert.Equal(WireError.Truncated, reason);
        Assert.False(TcpSegment.TryParse(Span<byte>.Empty, out _, out reason));
        Assert.Equal(WireError.Truncated, reason);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public void Check_rejects_a_data_offset_below_five(int dataOffset)
    {
        byte[] bytes = TcpGolden.Tcp4(TcpGolden.Data);
        bytes[12] = (byte)(dataOffset << 4);
        Assert.False(TcpSegment.Check(bytes, out var reason));
        Assert.Equal(WireError.BadHeaderLength, reason);
    }

    [Fact]
    public void Check_rejects_a_header_longer_than_the_buffer()
    {
        byte[] bytes = TcpGolden.Tcp4(TcpGolden.Syn);
        Assert.False(TcpSegment.Check(bytes.AsSpan(0, 39), out var reason));
        Assert.Equal(WireError.Truncated, reason);
        bytes[12] = 0xF0; // 60 bytes of header in 40
        Assert.False(TcpSegment.Check(bytes, out reason));
        Assert.Equal(WireError.Truncated, reason);
    }

    [Fact]
    public void Check_accepts_the_header_alone_and_a_header_of_sixty_bytes()
    {
        var plain = new byte[20];
        plain[12] = 0x50;
        Assert.True(TcpSegment.TryParse(plain, out var tcp, out _));
        Assert.Equal(0, tcp.Options.Length);
        Assert.Equal(0, tcp.Payload.Length);
        var full = new byte[64];
        full[12] = 0xF0; // 40 option bytes of EOL, then 4 bytes of data
        Assert.True(TcpSegment.TryParse(full, out tcp, out _));
        Assert.Equal(40, tcp.Options.Length);
        Assert.Equal(4, tcp.Payload.Length);
    }

    public static TheoryData<string, WireError> BadOptions() => new()
    {
        // The MSS option's length says 8: past the 4 option bytes of the header.
        { "02080000", WireError.BadFormat },
        // A kind with no room for its length octet.
        { "01010102", WireError.BadFormat },
        // Lengths 0 and 1 cannot even cover kind and length (RFC 9293 section 3.1 calls 0 illegal).
        { "1e000000", WireError.BadFormat },
        { "1e010000", WireError.BadFormat },
        // An unknown kind whose length runs past the header.
        { "0101fe05", WireError.BadFormat },
        // Known kinds of the wrong length.
        { "0205000000000000", WireError.BadLength },
        { "0304000000000000", WireError.BadLength },
        { "0403000000000000", WireError.BadLength },
        { "080800000000000000000000", WireError.BadLength },
        { "050201010000000000000000", WireError.BadLength },
        { "050b0000000000000000000000000000", WireError.BadLength },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Check_rejects_malformed_options(string optionsHex, WireError expected)
    {
        byte[] options = Golden.Bytes(optionsHex);
        byte[] bytes = new byte[20 + options.Length + 3];
        bytes[12] = (byte)((20 + options.Length) / 4 << 4);
        options.CopyTo(bytes, 20);
        Assert.False(TcpSegment.Check(bytes, out var reason));
        Assert.Equal(expected, reason);
        Assert.False(TcpSegment.TryParse(bytes, out var segment, out reason));
        Assert.Equal(expected, reason);
        Assert.Equal(0, segment.Buffer.Length);
        Assert.False(TcpOptions.TryParse(options, out var parsed, out reason));
        Assert.Equal(expected, reason);
        Assert.False(parsed.HasMss || parsed.HasTimestamps || parsed.HasWindowScale || parsed.SackPermitted);
    }

    [Fact]
    public void Emit_panics_on_bad_lengths_instead_of_writing_part_of_a_header()
    {
        Assert.Throws<PanicException>(() => TcpSegment.Emit(new byte[19], 1, 2, default, default, TcpFlags.Syn, 0, 0, 0));
        Assert.Throws<PanicException>(() => TcpSegment.Emit(new byte[30], 1, 2, default, default, TcpFlags.Syn, 0, 8, 3));
        Assert.Throws<PanicException>(() => TcpSegment.Emit(new byte[100], 1, 2, default, default, TcpFlags.Syn, 0, 6, 0));
        Assert.Throws<PanicException>(() => TcpSegment.Emit(new byte[100], 1, 2, default, default, TcpFlags.Syn, 0, 44, 0));
        Assert.Throws<PanicException>(() => TcpSegment.Emit(new byte[100], 1, 2, default, default, TcpFlags.Syn, 0, -4, 0));
        Assert.Throws<PanicException>(() => TcpSegment.Emit(new byte[100], 1, 2, default, default, TcpFlags.Syn, 0, 0, -1));
        Assert.Equal(60, TcpSegment.Emit(new byte[60], 1, 2, default, default, TcpFlags.Syn, 0, 40, 0).Buffer.Length);
    }
}
