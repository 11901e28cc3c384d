using Unikernel.Net.Tcp;
using Unikernel.Net.Tests.Wire;
using Unikernel.Net.Wire;

namespace Unikernel.Net.Tests.Tcp;

public class TcpOptionsTests
{
    private const int Iterations = 20_000;

    private static byte[] Written(in TcpOptions options)
    {
        var buffer = new byte[TcpOptions.MaximumLength];
        int length = TcpOptions.Write(buffer, options);
        Assert.Equal(TcpOptions.Length(options), length);
        Assert.Equal(0, length % 4);
        return buffer.AsSpan(0, length).ToArray();
    }

    private static TcpOptions WithBlocks(TcpOptions options, int count)
    {
        for (int i = 0; i < count; i++)
            Assert.True(options.AddSackBlock(new SackBlock(new SeqNumber(0xFFFFFF00u + (uint)i * 0x100), new SeqNumber(0xFFFFFF80u + (uint)i * 0x100))));
        return options;
    }

    [Fact]
    public void The_writer_lays_out_a_SYN_byte_for_byte_as_Linux_does()
    {
        var syn = new TcpOptions
        {
            HasMss = true, Mss = 1460, SackPermitted = true,
            HasTimestamps = true, TimestampValue = 0x1975ef4b,
            HasWindowScale = true, WindowScale = 10,
        };
        Assert.Equal(Golden.Bytes(TcpGolden.SynOptions), Written(syn));
    }

    [Fact]
    public void The_writer_lays_out_timestamps_and_two_SACK_blocks_byte_for_byte_as_Linux_does()
    {
        var ack = new TcpOptions { HasTimestamps = true, TimestampValue = 0xb4c80c15, TimestampEcho = 0x2480d6d8 };
        Assert.True(ack.AddSackBlock(new SackBlock(new SeqNumber(0x489bfd24), new SeqNumber(0x489bfeec))));
        Assert.True(ack.AddSackBlock(new SackBlock(new SeqNumber(0x489bcfe4), new SeqNumber(0x489bf77c))));
        Assert.Equal(Golden.Bytes(TcpGolden.SackOptions), Written(ack));
    }

    [Fact]
    public void Every_golden_option_list_parses_and_writes_back_the_same()
    {
        foreach (string frame in new[] { TcpGolden.Syn, TcpGolden.SynAck, TcpGolden.Data, TcpGolden.Sack })
        {
            var tcp = new TcpSegment(TcpGolden.Tcp4(frame));
            Assert.True(TcpOptions.TryParse(tcp.Options, out var options, out _));
            Assert.Equal(tcp.Options.ToArray(), Written(options));
        }
        foreach (string frame in new[] { TcpGolden.Syn6, TcpGolden.SynAck6, TcpGolden.Data6 })
        {
            var tcp = new TcpSegment(TcpGolden.Tcp6(frame));
            Assert.True(TcpOptions.TryParse(tcp.Options, out var options, out _));
            Assert.Equal(tcp.Options.ToArray(), Written(options));
        }
    }

    public static TheoryData<string, string> Layouts() => new()
    {
        { "mss", "020405b4" },
        { "sackok", "01010402" },
        { "ts", "0101080a" + "01020304" + "05060708" },
        { "sackok+ts", "0402080a" + "01020304" + "05060708" },
        { "ws", "01030307" },
        { "mss+sackok+ws", "020405b4" + "01010402" + "01030307" },
        { "none", "" },
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void The_writer_aligns_each_option_as_Linux_does(string which, string expectedHex)
    {
        var options = new TcpOptions();
        if (which.Contains("mss"))
        {
            options.HasMss = true;
            options.Mss = 1460;
        }
        options.SackPermitted = which.Contains("sackok");
        if (which.Contains("ts"))
        {
            options.HasTimestamps = true;
            options.TimestampValue = 0x01020304;
            options.TimestampEcho = 0x05060708;
        }
        if (which.Contains("ws"))
        {
            options.HasWindowScale = true;
            options.WindowScale = 7;
        }
        Assert.Equal(Golden.Bytes(expectedHex), Written(options));
    }

    [Fact]
    public void Four_SACK_blocks_fit_alone_three_beside_timestamps_two_beside_everything()
    {
        byte[] alone = Written(WithBlocks(new TcpOptions(), 4));
        Assert.Equal(36, alone.Length);
        Assert.Equal(Golden.Bytes("01010522"), alone.AsSpan(0, 4).ToArray());

        byte[] withTimestamps = Written(WithBlocks(new TcpOptions { HasTimestamps = true }, 4));
        Assert.Equal(40, withTimestamps.Length);
        Assert.Equal(Golden.Bytes("0101051a"), withTimestamps.AsSpan(12, 4).ToArray());

        var everything = WithBlocks(new TcpOptions { HasMss = true, SackPermitted = true, HasTimestamps = true, HasWindowScale = true }, 4);
        byte[] full = Written(everything);
        Assert.Equal(40, full.Length);
        Assert.Equal(Golden.Bytes("01010512"), full.AsSpan(20, 4).ToArray());

        // What was written is the first blocks, the most recent (RFC 2018 section 4).
        Assert.True(TcpOptions.TryParse(withTimestamps, out var parsed, out _));
        Assert.Equal(3, parsed.SackBlockCount);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(0xFFFFFF00u + (uint)i * 0x100, parsed.GetSackBlock(i).Left.Value);
            Assert.Equal(0xFFFFFF80u + (uint)i * 0x100, parsed.GetSackBlock(i).Right.Value);
        }
    }

    [Fact]
    public void Write_then_parse_round_trips_every_field()
    {
        var options = WithBlocks(new TcpOptions
        {
            HasMss = true, Mss = 536, SackPermitted = true,
            HasTimestamps = true, TimestampValue = 0xFFFFFFFF, TimestampEcho = 1,
            HasWindowScale = true, WindowScale = 14,
        }, 2);
        Assert.True(TcpOptions.TryParse(Written(options), out var parsed, out var reason));
        Assert.Equal(WireError.None, reason);
        Assert.True(parsed.HasMss);
        Assert.Equal(536, parsed.Mss);
        Assert.True(parsed.SackPermitted);
        Assert.True(parsed.HasTimestamps);
        Assert.Equal(0xFFFFFFFFu, parsed.TimestampValue);
        Assert.Equal(1u, parsed.TimestampEcho);
        Assert.True(parsed.HasWindowScale);
        Assert.Equal(14, parsed.WindowScale);
        Assert.Equal(2, parsed.SackBlockCount);
        Assert.Equal(options.GetSackBlock(1).Right, parsed.GetSackBlock(1).Right);
    }

    [Theory]
    [InlineData(14, 14)]
    [InlineData(15, 14)]
    [InlineData(255, 14)]
    [InlineData(0, 0)]
    public void A_window_scale_above_14_is_taken_as_14(byte sent, byte used)
    {
        Assert.True(TcpOptions.TryParse(new byte[] { 3, 3, sent, 0 }, out var parsed, out _));
        Assert.True(parsed.HasWindowScale);
        Assert.Equal(used, parsed.WindowScale);
        // And never written above 14 either.
        Assert.Equal(new byte[] { 1, 3, 3, used }, Written(new TcpOptions { HasWindowScale = true, WindowScale = sent }));
    }

    [Fact]
    public void End_of_list_stops_the_walk_and_what_follows_is_padding()
    {
        Assert.True(TcpOptions.TryParse(Golden.Bytes("020405b4" + "00" + "02ff0000"), out var parsed, out _));
        Assert.True(parsed.HasMss);
        Assert.Equal(1460, parsed.Mss);
        Assert.True(TcpOptions.TryParse(Golden.Bytes("00"), out parsed, out _));
        Assert.False(parsed.HasMss);
        Assert.True(TcpOptions.TryParse(ReadOnlySpan<byte>.Empty, out _, out var reason));
        Assert.Equal(WireError.None, reason);
    }

    [Fact]
    public void Unknown_kinds_are_skipped_by_their_length_and_NOPs_one_at_a_time()
    {
        // TCP-AO (29, length 4 here), an experiment (254, length 6), then MSS.
        Assert.True(TcpOptions.TryParse(Golden.Bytes("1d04abcd" + "fe06f9890000" + "01" + "020405dc" + "01"), out var parsed, out _));
        Assert.True(parsed.HasMss);
        Assert.Equal(1500, parsed.Mss);
        Assert.False(parsed.HasTimestamps);
    }

    [Fact]
    public void A_later_option_of_the_same_kind_wins()
    {
        Assert.True(TcpOptions.TryParse(Golden.Bytes("020405b4" + "02040218"), out var parsed, out _));
        Assert.Equal(536, parsed.Mss);
        Assert.True(TcpOptions.TryParse(Golden.Bytes("0101050a0000000100000002" + "0101050a0000000300000004"), out parsed, out _));
        Assert.Equal(1, parsed.SackBlockCount);
        Assert.Equal(3u, parsed.GetSackBlock(0).Left.Value);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void SACK_options_of_one_to_four_blocks_parse(int blocks)
    {
        byte[] option = new byte[2 + 8 * blocks];
        option[0] = 5;
        option[1] = (byte)option.Length;
        for (int i = 0; i < 8 * blocks; i++)
            option[2 + i] = (byte)i;
        Assert.True(TcpOptions.TryParse(option, out var parsed, out _));
        Assert.Equal(blocks, parsed.SackBlockCount);
        Assert.Equal(0x00010203u + (uint)(blocks - 1) * 0x08080808, parsed.GetSackBlock(blocks - 1).Left.Value);
    }

    [Theory]
    [InlineData("02", WireError.BadFormat)]
    [InlineData("0100", WireError.None)]
    [InlineData("020405", WireError.BadFormat)]
    [InlineData("0200", WireError.BadFormat)]
    [InlineData("0801", WireError.BadFormat)]
    [InlineData("fe03ab", WireError.None)]
    [InlineData("fe04ab", WireError.BadFormat)]
    [InlineData("02030000", WireError.BadLength)]
    [InlineData("020500000000", WireError.BadLength)]
    [InlineData("030200", WireError.BadLength)]
    [InlineData("03040000", WireError.BadLength)]
    [InlineData("0403ff", WireError.BadLength)]
    [InlineData("0409000000000000000000", WireError.BadLength)]
    [InlineData("080900000000000000000000", WireError.BadLength)]
    [InlineData("080b0000000000000000000000", WireError.BadLength)]
    [InlineData("0502", WireError.BadLength)]
    [InlineData("05090000000000000000", WireError.BadLength)]
    [InlineData("052a" + "0000000000000000000000000000000000000000000000000000000000000000000000000000000000", WireError.BadLength)]
    public void Every_malformed_length_is_rejected(string hex, WireError expected)
    {
        bool ok = TcpOptions.TryParse(Golden.Bytes(hex), out _, out var reason);
        Assert.Equal(expected == WireError.None, ok);
        Assert.Equal(expected, reason);
    }

    [Fact]
    public void Sack_blocks_are_bounded()
    {
        var options = WithBlocks(new TcpOptions(), 4);
        Assert.False(options.AddSackBlock(default));
        Assert.Equal(4, options.SackBlockCount);
        Assert.Throws<PanicException>(() => options.GetSackBlock(4));
        Assert.Throws<PanicException>(() => options.GetSackBlock(-1));
        options.ClearSackBlocks();
        Assert.Equal(0, options.SackBlockCount);
        Assert.Throws<PanicException>(() => options.GetSackBlock(0));
    }

    [Fact]
    public void Write_panics_on_a_destination_too_short()
    {
        var options = new TcpOptions { HasMss = true, HasTimestamps = true };
        Assert.Throws<PanicException>(() => TcpOptions.Write(new byte[15], options));
        Assert.Equal(16, TcpOptions.Write(new byte[16], options));
    }

    [Fact]
    public void Parsing_mutated_option_lists_never_throws_and_agrees_with_Check()
    {
        var random = new Random(9293);
        byte[][] seeds =
        {
            Golden.Bytes(TcpGolden.SynOptions),
            Golden.Bytes(TcpGolden.SackOptions),
            Golden.Bytes("0101080a" + "1975ef4b" + "e6492b51"),
        };
        int accepted = 0, rejected = 0;
        for (int i = 0; i < Iterations; i++)
        {
            byte[] seed = seeds[i % seeds.Length];
            byte[] options = Mutate(random, seed);
            bool ok = TcpOptions.TryParse(options, out var parsed, out var reason);
            Assert.Equal(ok, reason == WireError.None);
            if (ok)
            {
                accepted++;
                Assert.InRange(parsed.SackBlockCount, 0, TcpOptions.MaximumSackBlocks);
                Assert.InRange(parsed.WindowScale, 0, TcpOptions.MaximumWindowScale);
                for (int b = 0; b < parsed.SackBlockCount; b++)
                    _ = parsed.GetSackBlock(b).Left - parsed.GetSackBlock(b).Right;
                // Whatever was accepted can be written back, within 40 bytes, and reparsed.
                var buffer = new byte[TcpOptions.MaximumLength];
                int length = TcpOptions.Write(buffer, parsed);
                Assert.True(TcpOptions.TryParse(buffer.AsSpan(0, length), out _, out _));
            }
            else
                rejected++;

            // The same bytes as a segment's options: Check agrees when they fill whole words.
            if (options.Length % 4 == 0 && options.Length <= TcpOptions.MaximumLength)
            {
                byte[] segment = new byte[20 + options.Length];
                segment[12] = (byte)(segment.Length / 4 << 4);
                options.CopyTo(segment, 20);
                Assert.Equal(ok, TcpSegment.Check(segment, out var segmentReason));
                Assert.Equal(reason, segmentReason);
            }
        }
        // Both outcomes were exercised, or the mutations were too mild or too wild to test much.
        Assert.True(accepted > Iterations / 20, $"accepted {accepted}");
        Assert.True(rejected > Iterations / 20, $"rejected {rejected}");
    }

    [Fact]
    public void Checking_mutated_segments_never_throws_and_accessors_are_safe_after_it()
    {
        var random = new Random(793);
        byte[][] seeds = { TcpGolden.Tcp4(TcpGolden.Syn), TcpGolden.Tcp4(TcpGolden.Data), TcpGolden.Tcp4(TcpGolden.Sack) };
        for (int i = 0; i < Iterations; i++)
        {
            byte[] bytes = Mutate(random, seeds[i % seeds.Length]);
            if (!TcpSegment.TryParse(bytes, out var tcp, out _))
                continue;
            _ = tcp.SourcePort + tcp.DestinationPort + tcp.Window + tcp.Checksum + tcp.UrgentPointer + tcp.SegmentLength;
            _ = tcp.SequenceNumber - tcp.AcknowledgmentNumber;
            _ = tcp.Options.Length + tcp.Payload.Length;
            Assert.True(TcpOptions.TryParse(tcp.Options, out _, out _));
            _ = tcp.VerifyChecksum(TcpGolden.Client4, TcpGolden.Server4);
        }
    }

    /// <summary>Flips bits, overwrites bytes with values that matter to the walker (0, 1, 2, 5, 8, 10, 0xff), truncates or extends.</summary>
    private static byte[] Mutate(Random random, byte[] seed)
    {
        byte[] bytes = (byte[])seed.Clone();
        int edits = random.Next(1, 4);
        for (int e = 0; e < edits; e++)
        {
            switch (random.Next(4))
            {
                case 0:
                    if (bytes.Length > 0)
                        bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    if (bytes.Length > 0)
                        bytes[random.Next(bytes.Length)] = new byte[] { 0, 1, 2, 3, 4, 5, 8, 10, 18, 34, 0xff }[random.Next(11)];
                    break;
                case 2:
                    Array.Resize(ref bytes, random.Next(bytes.Length + 1));
                    break;
                default:
                    int extra = random.Next(1, 9);
                    int old = bytes.Length;
                    Array.Resize(ref bytes, old + extra);
                    random.NextBytes(bytes.AsSpan(old));
                    break;
            }
        }
        return bytes;
    }
}
