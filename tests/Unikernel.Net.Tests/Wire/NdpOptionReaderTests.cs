using Unikernel.Net.Wire;

namespace Unikernel.Net.Tests.Wire;

public class NdpOptionReaderTests
{
    [Fact]
    public void Walks_the_radvd_advertisement_options_in_order()
    {
        byte[] icmp = NdpGolden.Icmp(NdpGolden.RouterAdvertisement);
        var reader = new NdpOptionReader(icmp.AsSpan(RouterAdvertisement.OptionsOffset));

        Assert.True(reader.TryReadNext(out var type, out var option, out var error));
        Assert.Equal(NdpOptionType.PrefixInformation, type);
        Assert.Equal(32, option.Length);
        Assert.Equal((byte)3, option[0]);
        Assert.Equal(WireError.None, error);

        Assert.True(reader.TryReadNext(out type, out option, out _));
        Assert.Equal(NdpOptionType.Mtu, type);
        Assert.True(NdpOptionReader.TryGetMtu(option, out uint mtu));
        Assert.Equal(1500u, mtu);

        Assert.True(reader.TryReadNext(out type, out option, out _));
        Assert.Equal(NdpOptionType.SourceLinkLayerAddress, type);
        Assert.Equal(NdpGolden.RouterMac, new MacAddress(option.Slice(2)));

        Assert.False(reader.TryReadNext(out _, out option, out error));
        Assert.Equal(WireError.None, error);
        Assert.True(option.IsEmpty);
        Assert.Equal(48, reader.Offset);
        Assert.False(reader.TryReadNext(out _, out _, out error));
        Assert.Equal(WireError.None, error);
    }

    [Fact]
    public void Finds_link_layer_addresses_by_type()
    {
        byte[] icmp = NdpGolden.Icmp(NdpGolden.RouterAdvertisement);
        Span<byte> options = icmp.AsSpan(RouterAdvertisement.OptionsOffset);
        Assert.True(NdpOptionReader.TryFindLinkLayerAddress(options, NdpOptionType.SourceLinkLayerAddress, out var mac));
        Assert.Equal(NdpGolden.RouterMac, mac);
        Assert.False(NdpOptionReader.TryFindLinkLayerAddress(options, NdpOptionType.TargetLinkLayerAddress, out mac));
        Assert.Equal(MacAddress.Zero, mac);
    }

    [Fact]
    public void A_link_layer_option_of_another_length_is_not_an_ethernet_address()
    {
        // Length 2 (16 bytes): some other link type's address (RFC 4861 section 4.6.1).
        byte[] options = Golden.Bytes("0102" + "112233445566778899aabbccddee" + "0101525400123456");
        Assert.True(NdpOptionReader.Validate(options, out _));
        Assert.True(NdpOptionReader.TryFindLinkLayerAddress(options, NdpOptionType.SourceLinkLayerAddress, out var mac));
        Assert.Equal(NdpGolden.HostMac, mac);
    }

    [Fact]
    public void Skips_an_unknown_option_linux_sends_for_duplicate_address_detection()
    {
        byte[] icmp = NdpGolden.Icmp(NdpGolden.DadNeighborSolicitationWithNonce);
        var reader = new NdpOptionReader(icmp.AsSpan(Icmpv6Packet.NeighborOptionsOffset));
        Assert.True(reader.TryReadNext(out var type, out var option, out _));
        Assert.Equal((NdpOptionType)14, type);
        Assert.Equal(8, option.Length);
        Assert.False(reader.TryReadNext(out _, out _, out var error));
        Assert.Equal(WireError.None, error);
        Assert.False(NdpOptionReader.TryFindLinkLayerAddress(icmp.AsSpan(Icmpv6Packet.NeighborOptionsOffset),
            NdpOptionType.SourceLinkLayerAddress, out _));
    }

    [Fact]
    public void No_options_is_an_empty_walk()
    {
        var reader = new NdpOptionReader(Span<byte>.Empty);
        Assert.False(reader.TryReadNext(out _, out _, out var error));
        Assert.Equal(WireError.None, error);
        Assert.True(NdpOptionReader.Validate(ReadOnlySpan<byte>.Empty, out error));
        Assert.Equal(WireError.None, error);
    }

    [Theory]
    [InlineData("0100525400123456", 0, WireError.BadFormat)] // zero length: the walk could not advance
    [InlineData("0101525400123456" + "0300", 1, WireError.BadFormat)] // a zero length after a good option
    [InlineData("01", 0, WireError.Truncated)] // half an option header
    [InlineData("0101525400123456" + "05", 1, WireError.Truncated)]
    [InlineData("01025254001234560000", 0, WireError.Truncated)] // says 16 bytes, has 10
    [InlineData("0304", 0, WireError.Truncated)]
    public void Rejects_malformed_options(string hex, int goodOptions, WireError expected)
    {
        byte[] options = Golden.Bytes(hex);
        Assert.False(NdpOptionReader.Validate(options, out var error));
        Assert.Equal(expected, error);

        var reader = new NdpOptionReader(options);
        int good = 0;
        while (reader.TryReadNext(out _, out _, out error))
            good++;
        Assert.Equal(expected, error);
        Assert.Equal(goodOptions, good);
        // The error sticks: the reader does not resume past it, nor report a clean end.
        int stuckAt = reader.Offset;
        Assert.False(reader.TryReadNext(out _, out var option, out error));
        Assert.Equal(expected, error);
        Assert.True(option.IsEmpty);
        Assert.Equal(stuckAt, reader.Offset);
        Assert.False(NdpOptionReader.TryFindLinkLayerAddress(options.AsSpan(stuckAt), NdpOptionType.SourceLinkLayerAddress, out _));
    }

    [Fact]
    public void TryGetMtu_reads_whatever_mtu_is_sent()
    {
        // Whether an MTU is plausible (RFC 4861 section 6.3.4: at least 1280) is the caller's question.
        Assert.True(NdpOptionReader.TryGetMtu(Golden.Bytes("0501000000000000"), out uint mtu));
        Assert.Equal(0u, mtu);
    }

    [Theory]
    [InlineData("0101525400123456")] // not an MTU option
    [InlineData("05020000000005dc0000000000000000")] // MTU type, wrong length
    [InlineData("0501")]
    public void TryGetMtu_refuses_other_options(string hex)
    {
        Assert.False(NdpOptionReader.TryGetMtu(Golden.Bytes(hex), out uint mtu));
        Assert.Equal(0u, mtu);
    }

    [Fact]
    public void Emitted_options_reproduce_radvd_bytes_over_junk()
    {
        byte[] expected = NdpGolden.Icmp(NdpGolden.RouterAdvertisement).AsSpan(48).ToArray();
        byte[] emitted = Junk.AssertNoStaleBytes(24, buffer =>
        {
            int length = NdpOptionReader.EmitMtu(buffer, 1500);
            return length + NdpOptionReader.EmitLinkLayerAddress(buffer.AsSpan(length), NdpOptionType.SourceLinkLayerAddress, NdpGolden.RouterMac);
        });
        Assert.Equal(expected, emitted);
    }

    [Fact]
    public void Option_emitters_panic_on_a_buffer_too_small()
    {
        Assert.Throws<PanicException>(() => NdpOptionReader.EmitMtu(new byte[7], 1500));
        Assert.Throws<PanicException>(() => NdpOptionReader.EmitLinkLayerAddress(new byte[7], NdpOptionType.TargetLinkLayerAddress, MacAddress.Zero));
    }
}
