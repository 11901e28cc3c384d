using Unikernel.Net.Tests.Wire;
using Unikernel.Net.Wire;
using static Unikernel.Net.Tests.Interface.InterfaceGolden;
using static Unikernel.Net.Tests.Interface.TestFrames;

namespace Unikernel.Net.Tests.Interface;

/// <summary>
/// IPv6 autoconfiguration: optimistic duplicate address detection (RFC 4862, RFC 4429), MLDv2
/// reports (RFC 3810), router solicitation and SLAAC from advertisements (RFC 4861, RFC 4862).
/// </summary>
public class InterfaceAutoconfigurationTests
{
    private static NetworkInterface NewAutoconfigured() => new NetworkInterface(OurMac, NetworkConfiguration.WithStaticIpv4(OurIpv4, 24));

    [Fact]
    public void First_poll_probes_the_link_local_address_announces_it_joins_its_group_and_solicits_routers()
    {
        var nic = NewAutoconfigured();
        var frames = PollAll(nic, 0);
        Assert.Equal(4, frames.Count);

        var dad = Icmpv6Of(frames[0]);
        Assert.Equal(Icmpv6Type.NeighborSolicitation, dad.Type);
        Assert.Equal(Ipv6Address.Unspecified, Ipv6Of(frames[0]).Source);
        Assert.Equal(OurLinkLocal.SolicitedNode, Ipv6Of(frames[0]).Destination);
        Assert.True(dad.TryGetTargetAddress(out var target));
        Assert.Equal(OurLinkLocal, target);
        Assert.True(dad.NeighborOptions.IsEmpty); // no source link-layer option from ::

        // One unsolicited advertisement to all nodes, Override clear while optimistic, with our
        // MAC: a neighbour whose solicitation we missed while starting completes its entry.
        var announcement = Icmpv6Of(frames[1]);
        Assert.Equal(Icmpv6Type.NeighborAdvertisement, announcement.Type);
        Assert.Equal(OurLinkLocal, Ipv6Of(frames[1]).Source);
        Assert.Equal(Ipv6Address.AllNodes, Ipv6Of(frames[1]).Destination);
        Assert.Equal(255, Ipv6Of(frames[1]).HopLimit);
        Assert.Equal(0, announcement.NeighborFlags);
        Assert.True(announcement.TryGetTargetAddress(out target));
        Assert.Equal(OurLinkLocal, target);
        Assert.Equal([0x02, 0x01, .. frames[1].AsSpan(6, 6)], announcement.NeighborOptions.ToArray());
        Assert.True(announcement.VerifyChecksum(OurLinkLocal, Ipv6Address.AllNodes));

        var report = Icmpv6Of(frames[2]);
        Assert.Equal(Icmpv6Type.MulticastListenerReportV2, report.Type);
        Assert.Equal(Golden.V6("ff02::16"), Ipv6Of(frames[2]).Destination);
        Assert.Equal(1, Ipv6Of(frames[2]).HopLimit);
        Assert.Equal(OurLinkLocal.SolicitedNode, new Ipv6Address(report.Buffer.Slice(12)));

        var solicitation = Icmpv6Of(frames[3]);
        Assert.Equal(Icmpv6Type.RouterSolicitation, solicitation.Type);
        Assert.Equal(Ipv6Address.AllRouters, Ipv6Of(frames[3]).Destination);

        Assert.Empty(PollAll(nic, 1)); // announced once
    }

    [Fact]
    public void Optimistic_address_answers_at_once_without_the_override_flag_then_with_it_after_detection()
    {
        var nic = NewAutoconfigured();
        PollAll(nic, 0);
        byte[] advertisement = Run(ref nic, Golden.Bytes(NeighborSolicitation));
        Assert.Equal(Icmpv6Packet.SolicitedFlag, Icmpv6Of(advertisement).NeighborFlags);
        Assert.Equal(AddressState.Optimistic, nic.Ipv6Addresses.StateAt(0));

        PollAll(nic, Ipv6AddressTable.DadWait);
        Assert.Equal(AddressState.Preferred, nic.Ipv6Addresses.StateAt(0));
        advertisement = Run(ref nic, Golden.Bytes(NeighborSolicitation));
        Assert.Equal(Icmpv6Packet.SolicitedFlag | Icmpv6Packet.OverrideFlag, Icmpv6Of(advertisement).NeighborFlags);
    }

    [Fact]
    public void Advertisement_for_our_tentative_address_is_a_duplicate_we_give_up_and_report()
    {
        var nic = NewAutoconfigured();
        PollAll(nic, 0);
        Assert.Empty(Run(ref nic, NeighborAdvertisement(OurLinkLocal, Ipv6Address.AllNodes, OurLinkLocal, PeerMac, Icmpv6Packet.OverrideFlag)));
        Assert.Equal(AddressState.None, nic.Ipv6Addresses.StateAt(0));
        Assert.True(nic.TryTakeEvent(out var change));
        Assert.Equal(InterfaceEventKind.DuplicateAddress, change.Kind);
        Assert.Equal(OurLinkLocal, change.Address);
        // No longer ours: a solicitation for it goes unanswered.
        Assert.Empty(Run(ref nic, Golden.Bytes(NeighborSolicitation)));
    }

    [Fact]
    public void Another_nodes_detection_for_our_tentative_address_also_makes_it_a_duplicate()
    {
        var nic = NewAutoconfigured();
        PollAll(nic, 0);
        var body = new byte[20];
        OurLinkLocal.CopyTo(body.AsSpan(4));
        Assert.Empty(Run(ref nic, Icmp6(Ipv6Address.Unspecified, OurLinkLocal.SolicitedNode, Icmpv6Type.NeighborSolicitation, body)));
        Assert.Equal(AddressState.None, nic.Ipv6Addresses.StateAt(0));
    }

    [Fact]
    public void Router_advertisement_gives_a_global_address_that_answers_ping_and_expires()
    {
        var nic = NewAutoconfigured();
        PollAll(nic, 0);
        Assert.Empty(Run(ref nic, RouterAdvertisement(valid: 60, preferred: 30)));
        Assert.True(nic.TryTakeEvent(out var change));
        Assert.Equal(InterfaceEventKind.Ipv6AddressAdded, change.Kind);
        Assert.Equal(OurGlobal, change.Address);
        Assert.Equal(RouterLinkLocal, change.From);
        Assert.Equal(60, change.LifetimeSeconds);
        Assert.Equal(RouterLinkLocal, nic.DefaultRouter);
        Assert.True(nic.TryResolve(RouterLinkLocal, out var routerMac));
        Assert.Equal(RouterMac, routerMac);

        // The new address goes through detection and is reported to MLD routers.
        var frames = PollAll(nic, 10);
        Assert.Contains(frames, f => Icmpv6Of(f).Type == Icmpv6Type.NeighborSolicitation
            && Icmpv6Of(f).TryGetTargetAddress(out var t) && t == OurGlobal);

        byte[] ping = Golden.Bytes(Icmpv6EchoRequest);
        var peerGlobal = Golden.V6("fd00:77::2");
        peerGlobal.CopyTo(ping.AsSpan(EthernetFrame.HeaderLength + Ipv6Packet.SourceOffset));
        OurGlobal.CopyTo(ping.AsSpan(EthernetFrame.HeaderLength + Ipv6Packet.DestinationOffset));
        FixIcmpv6Checksum(ping);
        byte[] reply = Run(ref nic, ping);
        Assert.Equal(Icmpv6Type.EchoReply, Icmpv6Of(reply).Type);
        Assert.Equal(OurGlobal, Ipv6Of(reply).Source);
        Assert.Equal(peerGlobal, Ipv6Of(reply).Destination);

        PollAll(nic, 60_000);
        Assert.True(nic.TryTakeEvent(out change));
        Assert.Equal(InterfaceEventKind.Ipv6AddressExpired, change.Kind);
        Assert.Equal(-1, nic.Ipv6Addresses.Find(OurGlobal));
    }

    [Fact]
    public void Short_lifetime_in_a_later_advertisement_cannot_end_an_address_early()
    {
        var nic = NewAutoconfigured();
        PollAll(nic, 0);
        Run(ref nic, RouterAdvertisement(valid: 86400, preferred: 14400));
        Run(ref nic, RouterAdvertisement(valid: 10, preferred: 5));
        int slot = nic.Ipv6Addresses.Find(OurGlobal);
        Assert.Equal(2 * 60 * 60 * 1000L, nic.Ipv6Addresses.ValidUntil(slot));
    }

    [Theory]
    [InlineData(48, 0xC0)] // not a /64: no identifier fits
    [InlineData(64, 0x80)] // not autonomous
    public void Prefixes_slaac_cannot_use_give_no_address(byte prefixLength, byte flags)
    {
        var nic = NewAutoconfigured();
        PollAll(nic, 0);
        Assert.Empty(Run(ref nic, RouterAdvertisement(prefixLength: prefixLength, flags: flags)));
        Assert.False(nic.TryTakeEvent(out _));
    }

    [Fact]
    public void Advertisement_that_may_have_been_forwarded_is_dropped()
    {
        var nic = NewAutoconfigured();
        byte[] frame = RouterAdvertisement();
        frame[EthernetFrame.HeaderLength + Ipv6Packet.HopLimitOffset] = 254;
        FixIcmpv6Checksum(frame);
        Assert.Empty(Run(ref nic, frame));
        Assert.Equal(1UL, nic.Counters[DropReason.BadHopLimit]);
    }

    [Fact]
    public void Router_solicitations_stop_after_three_or_after_an_advertisement()
    {
        var nic = NewAutoconfigured();
        int solicitations = 0;
        for (long now = 0; now < 20_000; now += 500)
            solicitations += PollAll(nic, now).Count(f => Icmpv6Of(f).Type == Icmpv6Type.RouterSolicitation);
        Assert.Equal(3, solicitations);

        nic = NewAutoconfigured();
        PollAll(nic, 0);
        Run(ref nic, RouterAdvertisement());
        solicitations = 0;
        for (long now = 500; now < 20_000; now += 500)
            solicitations += PollAll(nic, now).Count(f => Icmpv6Of(f).Type == Icmpv6Type.RouterSolicitation);
        Assert.Equal(0, solicitations);
    }

    [Fact]
    public void General_query_is_answered_with_a_report_within_the_response_delay()
    {
        var nic = NewAutoconfigured();
        PollAll(nic, 0);
        PollAll(nic, 1_000);
        PollAll(nic, 5_000);
        var body = new byte[24]; // MLDv2 query: max response code 1000 ms, group ::, no sources
        body[0] = 1000 >> 8;
        body[1] = 1000 & 0xFF;
        byte[] query = Icmp6(RouterLinkLocal, Ipv6Address.AllNodes, Icmpv6Type.MulticastListenerQuery, body, hopLimit: 1);
        Assert.Empty(Run(ref nic, query));
        Assert.DoesNotContain(PollAll(nic, 5_000 + 100), f => Icmpv6Of(f).Type == Icmpv6Type.MulticastListenerReportV2);
        var report = Assert.Single(PollAll(nic, 5_000 + 500), f => Icmpv6Of(f).Type == Icmpv6Type.MulticastListenerReportV2);
        Assert.Equal((byte)MulticastAddressRecordType.ModeIsExclude, Icmpv6Of(report).Buffer[8]);
    }
}
