using Unikernel.Net.Wire;

namespace Unikernel.Net.Tests.Wire;

public class PrefixInformationTests
{
    private static byte[] RadvdPrefix() => NdpGolden.Icmp(NdpGolden.RouterAdvertisement).AsSpan(RouterAdvertisement.OptionsOffset, 32).ToArray();

    [Fact]
    public void Parses_the_radvd_prefix()
    {
        byte[] bytes = RadvdPrefix();
        Assert.True(PrefixInformation.TryParse(bytes, out var prefix, out var reason));
        Assert.Equal(WireError.None, reason);
        Assert.Equal(32, prefix.Buffer.Length);
        Assert.Equal(64, prefix.PrefixLength);
        Assert.True(prefix.OnLink);
        Assert.True(prefix.Autonomous);
        Assert.Equal(0xC0, prefix.Flags);
        Assert.Equal(86400u, prefix.ValidLifetime);
        Assert.Equal(14400u, prefix.PreferredLifetime);
        Assert.Equal(Golden.V6("fd00:77::"), prefix.Prefix);
    }

    [Fact]
    public void Bits_past_the_prefix_length_are_left_as_sent()
    {
        byte[] bytes = RadvdPrefix();
        bytes[PrefixInformation.PrefixOffset + 15] = 0x42;
        Assert.True(PrefixInformation.TryParse(bytes, out var prefix, out _));
        Assert.Equal(Golden.V6("fd00:77::42"), prefix.Prefix);
    }

    [Fact]
    public void TryParse_views_only_the_option_in_a_longer_buffer()
    {
        byte[] bytes = [.. RadvdPrefix(), 5, 1, 0, 0, 0, 0, 5, 0xdc];
        Assert.True(PrefixInformation.TryParse(bytes, out var prefix, out _));
        Assert.Equal(PrefixInformation.OptionLength, prefix.Buffer.Length);
    }

    [Fact]
    public void Emit_reproduces_the_radvd_prefix_over_junk()
    {
        byte[] emitted = Junk.AssertNoStaleBytes(40, buffer =>
            PrefixInformation.Emit(buffer, Golden.V6("fd00:77::"), 64, onLink: true, autonomous: true, 86400, 14400).Buffer.Length);
        Assert.Equal(RadvdPrefix(), emitted);
    }

    [Fact]
    public void Setters_round_trip()
    {
        var prefix = PrefixInformation.Emit(new byte[32], Golden.V6("fd00:1::"), 48, onLink: false, autonomous: false,
            PrefixInformation.InfiniteLifetime, 0);
        Assert.False(prefix.OnLink);
        Assert.False(prefix.Autonomous);
        prefix.OnLink = true;
        Assert.True(prefix.OnLink);
        Assert.False(prefix.Autonomous);
        prefix.Autonomous = true;
        prefix.OnLink = false;
        Assert.Equal(PrefixInformation.AutonomousFlag, prefix.Flags);
        prefix.PrefixLength = 128;
        prefix.Prefix = Golden.V6("fd00:77::1");
        Assert.True(PrefixInformation.Check(prefix.Buffer, out _));
        Assert.Equal(Golden.V6("fd00:77::1"), prefix.Prefix);
        Assert.Equal(PrefixInformation.InfiniteLifetime, prefix.ValidLifetime);
        Assert.Equal(0u, prefix.PreferredLifetime);
    }

    [Fact]
    public void Check_rejects_every_malformed_option()
    {
        Assert.False(PrefixInformation.Check(RadvdPrefix().AsSpan(0, 1), out var reason));
        Assert.Equal(WireError.Truncated, reason);

        Assert.False(PrefixInformation.Check(RadvdPrefix().AsSpan(0, 31), out reason));
        Assert.Equal(WireError.Truncated, reason);

        byte[] bytes = RadvdPrefix();
        bytes[PrefixInformation.TypeOffset] = (byte)NdpOptionType.Mtu;
        Assert.False(PrefixInformation.Check(bytes, out reason));
        Assert.Equal(WireError.BadFormat, reason);

        foreach (byte length in new byte[] { 0, 1, 3, 5, 255 })
        {
            bytes = RadvdPrefix();
            bytes[PrefixInformation.LengthOffset] = length;
            Assert.False(PrefixInformation.Check(bytes, out reason));
            Assert.Equal(WireError.BadLength, reason);
        }

        // An 8-byte option claiming type 3 is misdeclared, not cut short.
        Assert.False(PrefixInformation.Check(Golden.Bytes("0301400000000000"), out reason));
        Assert.Equal(WireError.BadLength, reason);

        bytes = RadvdPrefix();
        bytes[PrefixInformation.PrefixLengthOffset] = 129;
        Assert.False(PrefixInformation.TryParse(bytes, out var prefix, out reason));
        Assert.Equal(WireError.BadFormat, reason);
        Assert.True(prefix.Buffer.IsEmpty);

        bytes[PrefixInformation.PrefixLengthOffset] = 128;
        Assert.True(PrefixInformation.Check(bytes, out reason));
        Assert.Equal(WireError.None, reason);
    }

    [Fact]
    public void Emit_panics_on_a_short_buffer_or_a_prefix_length_above_128()
    {
        Assert.Throws<PanicException>(() => PrefixInformation.Emit(new byte[31], default, 64, true, true, 1, 1));
        Assert.Throws<PanicException>(() => PrefixInformation.Emit(new byte[32], default, 129, true, true, 1, 1));
        Assert.Throws<PanicException>(() => PrefixInformation.Emit(new byte[32], default, -1, true, true, 1, 1));
    }
}
