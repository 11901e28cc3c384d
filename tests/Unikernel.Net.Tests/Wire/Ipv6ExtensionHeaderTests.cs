using Unikernel.Net.Wire;

namespace Unikernel.Net.Tests.Wire;

public class Ipv6ExtensionHeaderTests
{
    private const byte HopByHop = (byte)IpProtocol.HopByHop;
    private const byte Routing = (byte)IpProtocol.Ipv6Routing;
    private const byte Fragment = (byte)IpProtocol.Ipv6Fragment;
    private const byte DestinationOptions = (byte)IpProtocol.Ipv6DestinationOptions;
    private const byte Udp = (byte)IpProtocol.Udp;

    /// <summary>An 8-byte options header whose six option bytes are one PadN.</summary>
    private static byte[] Padded(byte next) => [next, 0, 0x01, 0x04, 0, 0, 0, 0];

    private static readonly byte[] UdpHeader = [0x12, 0x34, 0x00, 0x07, 0x00, 0x08, 0x00, 0x00];

    private static (bool Ok, IpProtocol Protocol, int Offset, WireError Reason) Walk(IpProtocol first, params byte[][] headers)
    {
        byte[] payload = headers.SelectMany(h => h).ToArray();
        bool ok = Ipv6Packet.WalkExtensionHeaders(payload, first, out var protocol, out int offset, out var reason);
        return (ok, protocol, offset, reason);
    }

    [Fact]
    public void Without_extension_headers_the_upper_layer_starts_the_payload()
    {
        Assert.Equal((true, IpProtocol.Udp, 0, WireError.None), Walk(IpProtocol.Udp, UdpHeader));
        Assert.Equal((true, IpProtocol.Tcp, 0, WireError.None), Walk(IpProtocol.Tcp));
    }

    [Fact]
    public void Walks_a_chain_of_every_kind()
    {
        var result = Walk(IpProtocol.HopByHop,
            Padded(DestinationOptions),
            Padded(Routing),
            [Fragment, 0, 4, 0, 0, 0, 0, 0],          // segment routing header, segments left 0
            [Udp, 0, 0, 0, 0x12, 0x34, 0x56, 0x78],   // atomic fragment: offset 0, M clear (RFC 6946)
            UdpHeader);
        Assert.Equal((true, IpProtocol.Udp, 32, WireError.None), result);
    }

    [Fact]
    public void Honours_header_lengths_in_8_byte_units()
    {
        byte[] longOptions = [Udp, 2, 0x01, 20, .. new byte[20]]; // 24 bytes: one PadN of 20
        Assert.Equal((true, IpProtocol.Udp, 24, WireError.None), Walk(IpProtocol.Ipv6DestinationOptions, longOptions, UdpHeader));
    }

    [Fact]
    public void Walks_a_packet_through_the_view()
    {
        byte[] buffer = new byte[Ipv6Packet.HeaderLength + 16];
        var packet = Ipv6Packet.Emit(buffer, Ipv6Address.Loopback, Ipv6Address.Loopback, IpProtocol.HopByHop, 16, 64);
        Padded(Udp).CopyTo(packet.Payload);
        UdpHeader.CopyTo(packet.Payload.Slice(8));
        Assert.True(packet.FindUpperLayer(out var protocol, out int offset, out _));
        Assert.Equal(IpProtocol.Udp, protocol);
        Assert.Equal(8, offset);
    }

    [Fact]
    public void Skips_padding_and_router_alert_options()
    {
        byte[] pad1 = [Udp, 0, 0, 0, 0, 0, 0, 0];
        byte[] routerAlert = [DestinationOptions, 0, 0x05, 0x02, 0x00, 0x00, 0x01, 0x00]; // RFC 2711, then PadN 0
        Assert.True(Walk(IpProtocol.HopByHop, routerAlert, pad1).Ok);
        Assert.Equal((true, IpProtocol.Udp, 8, WireError.None), Walk(IpProtocol.HopByHop, pad1, UdpHeader));
        // An unknown option with action bits 00 is skipped (RFC 8200 section 4.2).
        Assert.Equal((true, IpProtocol.Udp, 8, WireError.None), Walk(IpProtocol.Ipv6DestinationOptions, [Udp, 0, 0x3E, 0x04, 1, 2, 3, 4]));
    }

    [Theory]
    [InlineData(0xC2)] // Jumbo Payload (RFC 2675): 11, discard and send an ICMP error
    [InlineData(0x80)] // 10: discard and send an ICMP error
    [InlineData(0x7F)] // 01: discard silently
    public void An_unknown_option_that_asks_for_a_drop_is_unsupported_and_pointed_at(byte type)
    {
        var result = Walk(IpProtocol.HopByHop, [Udp, 0, type, 0x04, 0, 0, 0, 0]);
        Assert.Equal((false, WireError.Unsupported), (result.Ok, result.Reason));
        // After a PadN of 2 in a Destination Options header behind Hop-by-Hop: 40 + 8 + 2 + 4.
        byte[] payload = [.. Padded(DestinationOptions), Udp, 1, 0x01, 0x02, 0, 0, type, 0x06, 0, 0, 0, 0, 0, 0, 0, 0];
        Assert.False(Ipv6Packet.WalkExtensionHeaders(payload, IpProtocol.HopByHop, out _, out _, out int pointer, out var reason));
        Assert.Equal((WireError.Unsupported, Ipv6Packet.HeaderLength + 8 + 2 + 4), (reason, pointer));
        Assert.Equal((Ipv6OptionAction)(type >> 6), Ipv6Options.ActionOf(type));
    }

    [Fact]
    public void An_icmpv6_error_is_found_behind_options_the_walker_refuses()
    {
        const byte Icmpv6 = (byte)IpProtocol.Icmpv6;
        byte[] refused = [Icmpv6, 0, 0xC2, 4, 0, 0, 0, 0];
        Assert.True(Ipv6Packet.MayBeIcmpv6Error([.. refused, 1, 4, 0, 0], IpProtocol.HopByHop));     // destination unreachable
        Assert.False(Ipv6Packet.MayBeIcmpv6Error([.. refused, 128, 0, 0, 0], IpProtocol.HopByHop));  // echo request
        Assert.False(Ipv6Packet.MayBeIcmpv6Error([.. Padded(Udp), .. UdpHeader], IpProtocol.HopByHop));
        // Cut short, or a later fragment: it cannot be told, so it counts as one.
        Assert.True(Ipv6Packet.MayBeIcmpv6Error(refused, IpProtocol.HopByHop));
        Assert.True(Ipv6Packet.MayBeIcmpv6Error([Icmpv6, 0, 0x05, 0xC8, 0, 0, 0, 1, 128, 0, 0, 0], IpProtocol.Ipv6Fragment));
        Assert.False(Ipv6Packet.MayBeIcmpv6Error([Icmpv6, 0, 0, 0x01, 0, 0, 0, 1, 128, 0, 0, 0], IpProtocol.Ipv6Fragment));
    }

    [Fact]
    public void The_pointer_names_the_next_header_field_of_the_upper_layer_when_the_walk_succeeds()
    {
        byte[] payload = [.. Padded(DestinationOptions), .. Padded(47)];
        Assert.True(Ipv6Packet.WalkExtensionHeaders(payload, IpProtocol.HopByHop, out var protocol, out _, out int pointer, out _));
        Assert.Equal(((IpProtocol)47, Ipv6Packet.HeaderLength + 8), (protocol, pointer));
    }

    [Fact]
    public void A_chain_must_end_within_the_first_1280_bytes_of_the_packet()
    {
        // Two Destination Options headers of 624 bytes (Hdr Ext Len 77) end at 40 + 1248 = 1288.
        byte[] big = new byte[624];
        big[1] = 77;
        big[0] = DestinationOptions;
        byte[] last = (byte[])big.Clone();
        last[0] = Udp;
        var result = Walk(IpProtocol.Ipv6DestinationOptions, big, last, UdpHeader);
        Assert.Equal((false, WireError.TooManyHeaders), (result.Ok, result.Reason));
        // One header of 1240 bytes, its options all Pad1 (zeros), ends exactly at byte 1280: walked.
        byte[] fits = new byte[1240];
        fits[0] = Udp;
        fits[1] = 1240 / 8 - 1;
        Assert.Equal((true, IpProtocol.Udp, 1240, WireError.None), Walk(IpProtocol.Ipv6DestinationOptions, fits, UdpHeader));
        Assert.Equal(1240, Ipv6Packet.MaximumHeaderChainLength);
    }

    [Fact]
    public void An_option_running_past_its_header_is_malformed()
    {
        Assert.Equal(WireError.BadFormat, Walk(IpProtocol.HopByHop, [Udp, 0, 0x01, 0x05, 0, 0, 0, 0]).Reason);
        Assert.Equal(WireError.BadFormat, Walk(IpProtocol.HopByHop, [Udp, 0, 0x01, 0x03, 0, 0, 0, 0x01]).Reason);
        Assert.Equal(WireError.BadFormat, Walk(IpProtocol.HopByHop, [Udp, 0, 0, 0, 0, 0, 0, 0x05]).Reason);
    }

    [Fact]
    public void Hop_by_hop_anywhere_but_first_is_malformed()
    {
        var result = Walk(IpProtocol.Ipv6DestinationOptions, Padded(HopByHop), Padded(Udp));
        Assert.Equal((false, WireError.BadFormat), (result.Ok, result.Reason));
        result = Walk(IpProtocol.HopByHop, Padded(HopByHop), Padded(Udp));
        Assert.Equal((false, WireError.BadFormat), (result.Ok, result.Reason));
    }

    [Fact]
    public void A_chain_at_the_limit_is_walked()
    {
        var headers = Enumerable.Range(0, Ipv6Packet.MaximumExtensionHeaders)
            .Select(i => Padded(i == Ipv6Packet.MaximumExtensionHeaders - 1 ? Udp : DestinationOptions))
            .Append(UdpHeader).ToArray();
        Assert.Equal((true, IpProtocol.Udp, 8 * Ipv6Packet.MaximumExtensionHeaders, WireError.None),
            Walk(IpProtocol.Ipv6DestinationOptions, headers));
    }

    [Fact]
    public void A_chain_that_keeps_pointing_at_more_headers_is_cut_off()
    {
        // Each header names another Destination Options header: a loop in all but address.
        var headers = Enumerable.Range(0, 1000).Select(_ => Padded(DestinationOptions)).ToArray();
        var result = Walk(IpProtocol.Ipv6DestinationOptions, headers);
        Assert.Equal((false, WireError.TooManyHeaders), (result.Ok, result.Reason));

        // The same, alternating kinds.
        headers = Enumerable.Range(0, 1000).Select(i => i % 2 == 0 ? Padded(Routing) : (byte[])[DestinationOptions, 0, 0, 0, 0, 0, 0, 0]).ToArray();
        result = Walk(IpProtocol.Ipv6DestinationOptions, headers);
        Assert.Equal((false, WireError.TooManyHeaders), (result.Ok, result.Reason));
    }

    [Fact]
    public void A_chain_that_runs_off_the_end_is_truncated()
    {
        Assert.Equal(WireError.Truncated, Walk(IpProtocol.HopByHop).Reason);
        Assert.Equal(WireError.Truncated, Walk(IpProtocol.HopByHop, [Udp, 0]).Reason);
        Assert.Equal(WireError.Truncated, Walk(IpProtocol.HopByHop, [Udp, 0, 1, 4, 0, 0, 0]).Reason);
        Assert.Equal(WireError.Truncated, Walk(IpProtocol.HopByHop, [Udp, 1, 1, 4, 0, 0, 0, 0], new byte[7]).Reason);
        Assert.Equal(WireError.Truncated, Walk(IpProtocol.Ipv6DestinationOptions, Padded(Fragment), [Udp, 0, 0]).Reason);
        Assert.Equal(WireError.Truncated, Walk(IpProtocol.Ipv6DestinationOptions, Padded(Routing)).Reason);
        Assert.Equal(WireError.Truncated, Walk(IpProtocol.Ipv6DestinationOptions, [Udp, 255, 1, 4, 0, 0, 0, 0]).Reason);
    }

    [Fact]
    public void A_routing_header_with_segments_left_is_unsupported()
    {
        // Type 0 (deprecated, RFC 5095) with one address still to visit.
        byte[] address = new byte[16];
        Golden.V6("2001:db8::9").CopyTo(address);
        var result = Walk(IpProtocol.Ipv6Routing, [Udp, 2, 0, 1, 0, 0, 0, 0, .. address]);
        Assert.Equal((false, WireError.Unsupported), (result.Ok, result.Reason));
    }

    [Theory]
    [InlineData(0x00, 0x01)] // first fragment: offset 0, more to come
    [InlineData(0x05, 0xC8)] // offset 185 (1480 bytes), last
    [InlineData(0x05, 0xC9)] // offset 185, more to come
    public void A_real_fragment_ends_the_walk_at_the_fragment_header(byte high, byte low)
    {
        var result = Walk(IpProtocol.Ipv6DestinationOptions, Padded(Fragment), [Udp, 0, high, low, 0xde, 0xad, 0xbe, 0xef], UdpHeader);
        Assert.Equal((true, IpProtocol.Ipv6Fragment, 8, WireError.None), result);
    }

    [Fact]
    public void Reserved_fragment_bits_alone_still_make_an_atomic_fragment()
    {
        Assert.Equal((true, IpProtocol.Udp, 8, WireError.None), Walk(IpProtocol.Ipv6Fragment, [Udp, 0xFF, 0x00, 0x06, 0, 0, 0, 1], UdpHeader));
    }

    [Theory]
    [InlineData(IpProtocol.Ipv6NoNextHeader)]
    [InlineData(IpProtocol.Esp)]
    [InlineData(IpProtocol.AuthenticationHeader)]
    [InlineData(IpProtocol.Icmpv6)]
    public void Anything_else_ends_the_walk_as_the_upper_layer(IpProtocol protocol)
    {
        Assert.Equal((true, protocol, 8, WireError.None), Walk(IpProtocol.HopByHop, Padded((byte)protocol)));
    }

    [Fact]
    public void Random_chains_always_end_inside_the_payload()
    {
        var random = new Random(8200);
        byte[] kinds = [HopByHop, Routing, Fragment, DestinationOptions, Udp, 59];
        for (int round = 0; round < 50000; round++)
        {
            byte[] payload = new byte[random.Next(0, 200)];
            random.NextBytes(payload);
            // Bias next-header and length bytes towards values that keep the walk going.
            for (int i = 0; i + 1 < payload.Length; i += 8)
            {
                payload[i] = kinds[random.Next(kinds.Length)];
                if (random.Next(2) == 0)
                    payload[i + 1] = (byte)random.Next(3);
            }
            bool ok = Ipv6Packet.WalkExtensionHeaders(payload, (IpProtocol)kinds[random.Next(4)], out _, out int offset, out var reason);
            Assert.Equal(ok, reason == WireError.None);
            if (ok)
                Assert.InRange(offset, 0, payload.Length);
        }
    }
}
