using Unikernel.Net.Wire;

namespace Unikernel.Net.Tests.Wire;

/// <summary>The router and neighbour solicitation emitters of <see cref="NeighborDiscoveryMessages"/>.</summary>
public class RouterSolicitationTests
{
    [Fact]
    public void Reproduces_the_linux_router_solicitation_over_junk()
    {
        byte[] emitted = Junk.AssertNoStaleBytes(NeighborDiscoveryMessages.MaximumRouterSolicitationLength + 8, buffer =>
            NeighborDiscoveryMessages.EmitRouterSolicitation(buffer, NdpGolden.Host, NdpGolden.HostMac));
        Assert.Equal(NdpGolden.Packet(NdpGolden.RouterSolicitation), emitted);
        Assert.Equal(NeighborDiscoveryMessages.MaximumRouterSolicitationLength, emitted.Length);
        Assert.True(NdpGolden.ReferenceChecksumHolds(NdpGolden.Host, Ipv6Address.AllRouters, emitted.AsSpan(40)));
    }

    [Fact]
    public void From_the_unspecified_address_it_carries_no_link_layer_address()
    {
        byte[] emitted = Junk.AssertNoStaleBytes(64, buffer =>
            NeighborDiscoveryMessages.EmitRouterSolicitation(buffer, Ipv6Address.Unspecified, NdpGolden.HostMac));
        Assert.Equal(48, emitted.Length);
        Assert.True(Ipv6Packet.TryParse(emitted, out var ip, out _));
        Assert.Equal(8, ip.PayloadLength);
        Assert.Equal(IpProtocol.Icmpv6, ip.NextHeader);
        Assert.Equal(255, ip.HopLimit);
        Assert.Equal(Ipv6Address.AllRouters, ip.Destination);
        Assert.True(ip.Source.IsUnspecified);
        Assert.Equal((byte)Icmpv6Type.RouterSolicitation, ip.Payload[0]);
        Assert.Equal(0, ip.Payload[1]);
        Assert.Equal(new byte[4], ip.Payload.Slice(4).ToArray()); // reserved
        Assert.True(NdpGolden.ReferenceChecksumHolds(Ipv6Address.Unspecified, Ipv6Address.AllRouters, ip.Payload));
    }

    [Fact]
    public void Reproduces_the_linux_unicast_neighbour_solicitation_over_junk()
    {
        byte[] emitted = Junk.AssertNoStaleBytes(NeighborDiscoveryMessages.MaximumNeighborSolicitationLength, buffer =>
            NeighborDiscoveryMessages.EmitNeighborSolicitation(buffer, NdpGolden.Router, NdpGolden.Host, NdpGolden.Host, NdpGolden.RouterMac));
        Assert.Equal(NdpGolden.Packet(NdpGolden.NeighborSolicitationUnicast), emitted);
        Assert.True(NdpGolden.ReferenceChecksumHolds(NdpGolden.Router, NdpGolden.Host, emitted.AsSpan(40)));
    }

    [Fact]
    public void Reproduces_the_address_resolution_solicitation_of_the_existing_golden()
    {
        Ipv6Address target = Golden.V6("fe80::2");
        byte[] emitted = Junk.AssertNoStaleBytes(80, buffer =>
            NeighborDiscoveryMessages.EmitNeighborSolicitation(buffer, NdpGolden.Host, target.SolicitedNode, target, NdpGolden.HostMac));
        Assert.Equal(NdpGolden.Packet(Golden.Icmpv6NeighborSolicitation), emitted);
    }

    [Fact]
    public void Duplicate_address_detection_sends_from_unspecified_without_a_link_layer_address()
    {
        // Linux's own DAD probe also carries a Nonce option (RFC 7527), which we do not send:
        // compare with it minus that option, the payload length cut to 24, and the checksum
        // left to the reference sum.
        byte[] linux = NdpGolden.Packet(NdpGolden.DadNeighborSolicitationWithNonce);
        byte[] expected = linux.AsSpan(0, 64).ToArray();
        expected[5] = 24;
        expected[42] = expected[43] = 0;

        foreach (MacAddress? mac in new MacAddress?[] { NdpGolden.HostMac, null })
        {
            byte[] emitted = Junk.AssertNoStaleBytes(80, buffer =>
                NeighborDiscoveryMessages.EmitNeighborSolicitation(buffer, Ipv6Address.Unspecified, NdpGolden.Host.SolicitedNode, NdpGolden.Host, mac));
            Assert.Equal(64, emitted.Length);
            Assert.True(NdpGolden.ReferenceChecksumHolds(Ipv6Address.Unspecified, NdpGolden.Host.SolicitedNode, emitted.AsSpan(40)));
            emitted[42] = emitted[43] = 0;
            Assert.Equal(expected, emitted);
        }
    }

    [Fact]
    public void Without_a_mac_a_solicitation_from_an_address_has_no_option()
    {
        byte[] buffer = new byte[80];
        int length = NeighborDiscoveryMessages.EmitNeighborSolicitation(buffer, NdpGolden.Host, NdpGolden.Router, NdpGolden.Router, null);
        Assert.Equal(64, length);
        Assert.True(Ipv6Packet.TryParse(buffer.AsSpan(0, length), out var ip, out _));
        Assert.True(Icmpv6Packet.TryParse(ip.Payload, out var icmp, out _));
        Assert.Equal(Icmpv6Type.NeighborSolicitation, icmp.Type);
        Assert.True(icmp.TryGetTargetAddress(out var target));
        Assert.Equal(NdpGolden.Router, target);
        Assert.True(icmp.NeighborOptions.IsEmpty);
        Assert.True(icmp.VerifyChecksum(NdpGolden.Host, NdpGolden.Router));
    }

    [Fact]
    public void Emitters_panic_on_a_buffer_too_small()
    {
        Assert.Throws<PanicException>(() => NeighborDiscoveryMessages.EmitRouterSolicitation(new byte[55], NdpGolden.Host, NdpGolden.HostMac));
        Assert.Throws<PanicException>(() => NeighborDiscoveryMessages.EmitRouterSolicitation(new byte[47], Ipv6Address.Unspecified, NdpGolden.HostMac));
        _ = NeighborDiscoveryMessages.EmitRouterSolicitation(new byte[48], Ipv6Address.Unspecified, NdpGolden.HostMac);
        Assert.Throws<PanicException>(() => NeighborDiscoveryMessages.EmitNeighborSolicitation(new byte[71], NdpGolden.Host, NdpGolden.Router, NdpGolden.Router, NdpGolden.HostMac));
        Assert.Throws<PanicException>(() => NeighborDiscoveryMessages.EmitNeighborSolicitation(new byte[63], Ipv6Address.Unspecified, NdpGolden.Router, NdpGolden.Router, null));
        _ = NeighborDiscoveryMessages.EmitNeighborSolicitation(new byte[64], Ipv6Address.Unspecified, NdpGolden.Router, NdpGolden.Router, NdpGolden.HostMac);
    }
}
