using Unikernel.Net.Tests.Wire;
using Unikernel.Net.Wire;

namespace Unikernel.Net.Tests.Interface;

/// <summary>The states and timers of RFC 4861 section 7.3, for IPv6 neighbours and IPv4-mapped ARP entries alike.</summary>
public class NeighborCacheTests
{
    private static readonly Ipv6Address Neighbor = Golden.V6("fe80::5054:ff:fe12:3456");
    private static readonly MacAddress NeighborMac = Golden.Mac("52:54:00:12:34:56");

    [Fact]
    public void Unknown_address_becomes_incomplete_and_is_solicited_three_times_a_second_apart_then_forgotten()
    {
        var cache = new NeighborCache();
        Assert.False(cache.Resolve(Neighbor, 0, out _));
        Assert.Equal(NeighborState.Incomplete, cache.StateOf(Neighbor));
        var times = new List<long>();
        for (long now = 0; now <= 5_000; now += 100)
        {
            while (cache.TryTakeSolicitation(now, out var address, out var unicast))
            {
                Assert.Equal(Neighbor, address);
                Assert.Equal(MacAddress.Zero, unicast); // multicast while incomplete
                times.Add(now);
            }
        }
        Assert.Equal([0L, 1_000L, 2_000L], times);
        Assert.Equal(NeighborState.None, cache.StateOf(Neighbor));
    }

    [Fact]
    public void Solicited_advertisement_makes_it_reachable_then_stale_after_reachable_time()
    {
        var cache = new NeighborCache();
        cache.Resolve(Neighbor, 0, out _);
        Assert.True(cache.Confirm(Neighbor, NeighborMac, solicited: true, overrideFlag: true, 10));
        Assert.Equal(NeighborState.Reachable, cache.StateOf(Neighbor));
        Assert.True(cache.Resolve(Neighbor, 20, out var mac));
        Assert.Equal(NeighborMac, mac);
        Assert.False(cache.TryTakeSolicitation(10 + NeighborCache.ReachableTime, out _, out _));
        Assert.Equal(NeighborState.Stale, cache.StateOf(Neighbor));
    }

    [Fact]
    public void Stale_entry_in_use_waits_then_is_probed_by_unicast_and_dropped_if_silent()
    {
        var cache = new NeighborCache();
        cache.Learn(Neighbor, NeighborMac, 0);
        Assert.Equal(NeighborState.Stale, cache.StateOf(Neighbor));
        Assert.True(cache.Resolve(Neighbor, 100, out _));
        Assert.Equal(NeighborState.Delay, cache.StateOf(Neighbor));
        Assert.False(cache.TryTakeSolicitation(100 + NeighborCache.DelayFirstProbeTime - 1, out _, out _));
        long now = 100 + NeighborCache.DelayFirstProbeTime;
        for (int probe = 0; probe < NeighborCache.MaxSolicitations; probe++, now += NeighborCache.RetransmitTime)
        {
            Assert.True(cache.TryTakeSolicitation(now, out _, out var unicast));
            Assert.Equal(NeighborMac, unicast);
            Assert.Equal(NeighborState.Probe, cache.StateOf(Neighbor));
        }
        Assert.False(cache.TryTakeSolicitation(now, out _, out _));
        Assert.Equal(NeighborState.None, cache.StateOf(Neighbor));
    }

    [Fact]
    public void Advertisement_without_override_does_not_replace_a_known_address()
    {
        var cache = new NeighborCache();
        cache.Learn(Neighbor, NeighborMac, 0);
        cache.Confirm(Neighbor, Golden.Mac("52:54:00:00:00:99"), solicited: true, overrideFlag: false, 1);
        Assert.True(cache.TryLookup(Neighbor, out var mac));
        Assert.Equal(NeighborMac, mac);
        cache.Confirm(Neighbor, Golden.Mac("52:54:00:00:00:99"), solicited: true, overrideFlag: true, 2);
        Assert.True(cache.TryLookup(Neighbor, out mac));
        Assert.Equal(Golden.Mac("52:54:00:00:00:99"), mac);
    }

    [Fact]
    public void Unsolicited_advertisement_for_an_unknown_address_is_not_added()
    {
        var cache = new NeighborCache();
        Assert.False(cache.Confirm(Neighbor, NeighborMac, solicited: false, overrideFlag: true, 0));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Flood_of_unanswered_lookups_does_not_evict_a_resolved_neighbor()
    {
        var cache = new NeighborCache();
        cache.Learn(Neighbor, NeighborMac, 0);
        for (int i = 0; i < 100; i++)
            cache.Resolve(new Ipv6Address(0xFD00_0000_0000_0000, (ulong)i + 1), i, out _);
        Assert.True(cache.TryLookup(Neighbor, out _));
        Assert.Equal(NeighborCache.Capacity, cache.Count);
    }

    [Fact]
    public void Ipv4_entries_are_ipv4_mapped_and_do_not_collide_with_ipv6()
    {
        var cache = new NeighborCache();
        var mapped = Ipv6Address.MapIpv4(Golden.V4("169.254.77.1"));
        Assert.True(mapped.IsIpv4Mapped);
        Assert.Equal(Golden.V4("169.254.77.1"), mapped.MappedIpv4);
        cache.Learn(mapped, NeighborMac, 0);
        Assert.True(cache.TryLookup(mapped, out _));
        Assert.False(cache.TryLookup(Neighbor, out _));
    }
}
