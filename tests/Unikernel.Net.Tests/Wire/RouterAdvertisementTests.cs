using Unikernel.Net.Wire;

namespace Unikernel.Net.Tests.Wire;

public class RouterAdvertisementTests
{
    private static readonly Ipv6Address AllNodes = Ipv6Address.AllNodes;

    [Fact]
    public void The_golden_advertisement_checksum_holds_by_reference()
    {
        Assert.True(NdpGolden.ReferenceChecksumHolds(NdpGolden.Router, AllNodes, NdpGolden.Icmp(NdpGolden.RouterAdvertisement)));
    }

    [Fact]
    public void Parses_the_radvd_advertisement()
    {
        byte[] packet = NdpGolden.Packet(NdpGolden.RouterAdvertisement);
        Assert.True(Ipv6Packet.TryParse(packet, out var ip, out _));
        Assert.Equal(255, ip.HopLimit);
        Assert.True(ip.Source.IsLinkLocal);
        Assert.True(RouterAdvertisement.TryParse(ip.Payload, out var ra, out var reason));
        Assert.Equal(WireError.None, reason);
        Assert.Equal(64, ra.CurrentHopLimit);
        Assert.False(ra.ManagedFlag);
        Assert.False(ra.OtherFlag);
        Assert.Equal(0, ra.Flags);
        Assert.Equal(12, ra.RouterLifetime);
        Assert.Equal(0u, ra.ReachableTime);
        Assert.Equal(0u, ra.RetransTimer);
        Assert.Equal(48, ra.Options.Length);
        Assert.True(ra.VerifyChecksum(ip.Source, ip.Destination));
        Assert.False(ra.VerifyChecksum(ip.Source, Ipv6Address.AllRouters));
        Assert.Equal(NdpGolden.RouterAdvertisementChecksum, new Icmpv6Packet(ra.Buffer).Checksum);

        var reader = new NdpOptionReader(ra.Options);
        Assert.True(reader.TryReadNext(out var type, out var option, out _));
        Assert.Equal(NdpOptionType.PrefixInformation, type);
        Assert.True(PrefixInformation.TryParse(option, out var prefix, out _));
        Assert.Equal(Golden.V6("fd00:77::"), prefix.Prefix);
        Assert.Equal(64, prefix.PrefixLength);
        Assert.True(prefix.OnLink && prefix.Autonomous);
        Assert.Equal(86400u, prefix.ValidLifetime);
        Assert.Equal(14400u, prefix.PreferredLifetime);
    }

    [Fact]
    public void Emit_reproduces_the_radvd_advertisement_over_junk()
    {
        byte[] expected = NdpGolden.Icmp(NdpGolden.RouterAdvertisement);
        byte[] emitted = Junk.AssertNoStaleBytes(80, buffer =>
        {
            var ra = RouterAdvertisement.Emit(buffer, 48);
            ra.CurrentHopLimit = 64;
            ra.RouterLifetime = 12;
            Span<byte> options = ra.Options;
            PrefixInformation.Emit(options, Golden.V6("fd00:77::"), 64, true, true, 86400, 14400);
            NdpOptionReader.EmitMtu(options.Slice(32), 1500);
            NdpOptionReader.EmitLinkLayerAddress(options.Slice(40), NdpOptionType.SourceLinkLayerAddress, NdpGolden.RouterMac);
            ra.FillChecksum(NdpGolden.Router, AllNodes);
            return ra.Buffer.Length;
        });
        Assert.Equal(expected, emitted);
    }

    [Fact]
    public void Setters_round_trip()
    {
        var ra = RouterAdvertisement.Emit(new byte[16], 0);
        ra.ManagedFlag = true;
        Assert.Equal(RouterAdvertisement.ManagedFlagBit, ra.Flags);
        ra.OtherFlag = true;
        ra.ManagedFlag = false;
        Assert.Equal(RouterAdvertisement.OtherFlagBit, ra.Flags);
        Assert.True(ra.OtherFlag);
        ra.ReachableTime = 30000;
        ra.RetransTimer = 1000;
        ra.RouterLifetime = 9000;
        ra.CurrentHopLimit = 255;
        Assert.True(RouterAdvertisement.TryParse(ra.Buffer, out var parsed, out _));
        Assert.Equal(30000u, parsed.ReachableTime);
        Assert.Equal(1000u, parsed.RetransTimer);
        Assert.Equal(9000, parsed.RouterLifetime);
        Assert.Equal(255, parsed.CurrentHopLimit);
        Assert.True(parsed.Options.IsEmpty);
        ra.FillChecksum(NdpGolden.Router, AllNodes);
        Assert.True(NdpGolden.ReferenceChecksumHolds(NdpGolden.Router, AllNodes, ra.Buffer));
    }

    [Fact]
    public void Check_rejects_every_malformed_advertisement()
    {
        byte[] icmp = NdpGolden.Icmp(NdpGolden.RouterAdvertisement);

        Assert.False(RouterAdvertisement.Check(icmp.AsSpan(0, 15), out var reason));
        Assert.Equal(WireError.Truncated, reason);
        Assert.True(RouterAdvertisement.Check(icmp.AsSpan(0, 16), out reason));

        byte[] bytes = (byte[])icmp.Clone();
        bytes[Icmpv6Packet.TypeOffset] = (byte)Icmpv6Type.RouterSolicitation;
        Assert.False(RouterAdvertisement.Check(bytes, out reason));
        Assert.Equal(WireError.BadFormat, reason);

        bytes = (byte[])icmp.Clone();
        bytes[Icmpv6Packet.CodeOffset] = 1;
        Assert.False(RouterAdvertisement.TryParse(bytes, out var ra, out reason));
        Assert.Equal(WireError.BadFormat, reason);
        Assert.True(ra.Buffer.IsEmpty);

        // An option of length zero anywhere drops the whole message (RFC 4861 section 6.1.2).
        bytes = (byte[])icmp.Clone();
        bytes[RouterAdvertisement.OptionsOffset + 40 + 1] = 0;
        Assert.False(RouterAdvertisement.Check(bytes, out reason));
        Assert.Equal(WireError.BadFormat, reason);

        // The link-layer option cut short; and an option header cut in half.
        Assert.False(RouterAdvertisement.Check(icmp.AsSpan(0, icmp.Length - 1), out reason));
        Assert.Equal(WireError.Truncated, reason);
        Assert.False(RouterAdvertisement.Check(icmp.AsSpan(0, 16 + 32 + 8 + 1), out reason));
        Assert.Equal(WireError.Truncated, reason);
    }

    [Fact]
    public void Emit_panics_on_a_buffer_too_small()
    {
        Assert.Throws<PanicException>(() => RouterAdvertisement.Emit(new byte[15], 0));
        Assert.Throws<PanicException>(() => RouterAdvertisement.Emit(new byte[23], 8));
        Assert.Throws<PanicException>(() => RouterAdvertisement.Emit(new byte[64], -1));
    }
}
