using Unikernel.Net.Wire;

namespace Unikernel.Net;

/// <summary>
/// IPv6 stateless address autoconfiguration of one interface (RFC 4862) and what goes with it
/// on a host: router solicitation and advertisements (RFC 4861 sections 6.3.4 and 6.3.7), the
/// default router, duplicate address detection probes, and MLDv2 reports for our solicited-node
/// groups (RFC 3810), and one unsolicited neighbour advertisement of the link-local address
/// (RFC 4861 section 7.2.6). The addresses themselves live in the interface's
/// <see cref="Ipv6AddressTable"/>, handed in by reference.
/// </summary>
internal sealed class Ipv6Autoconfiguration
{
    /// <summary>MAX_RTR_SOLICITATIONS (RFC 4861 section 10).</summary>
    private const int MaxRouterSolicitations = 3;

    /// <summary>RTR_SOLICITATION_INTERVAL (RFC 4861 section 10).</summary>
    private const long RouterSolicitationInterval = 4_000;

    /// <summary>Unsolicited reports are sent Robustness Variable times, a second apart (RFC 3810 sections 6.1, 9.1, 9.11).</summary>
    private const int UnsolicitedReports = 2;

    private const long UnsolicitedReportInterval = 1_000;

    /// <summary>The lifetime below which a router advertisement may not shorten an address's (RFC 4862 section 5.5.3 (e)).</summary>
    private const long TwoHours = 2 * 60 * 60 * 1000L;

    private bool _announcementDue;
    private int _routerSolicitationsLeft;
    private long _nextRouterSolicitation;
    private int _reportsLeft;
    private long _nextReport;
    private bool _queryAnswerDue;
    private long _queryAnswerAt;
    private readonly MacAddress _mac;
    private readonly InterfaceEvents _events;
    private Ipv6Address _router;
    private long _routerUntil;

    /// <summary>
    /// At start: the link-local address goes through optimistic duplicate address detection, we
    /// join its solicited-node group (MLD), and solicit routers, all due on the first poll.
    /// </summary>
    public Ipv6Autoconfiguration(MacAddress mac, InterfaceEvents events)
    {
        _mac = mac;
        _events = events;
        _routerSolicitationsLeft = MaxRouterSolicitations;
        _nextRouterSolicitation = 0;
        _announcementDue = true;
        ScheduleReports(0);
    }

    /// <summary>The default router from the last advertisement, unspecified when none or expired.</summary>
    public Ipv6Address DefaultRouter(long now) => _router.IsUnspecified || now - _routerUntil >= 0 ? default : _router;

    private void ScheduleReports(long now)
    {
        _reportsLeft = UnsolicitedReports;
        _nextReport = now;
    }

    /// <summary>When <see cref="Emit"/> next has something to send (<see cref="long.MaxValue"/> if never).</summary>
    public long NextDeadline
    {
        get
        {
            long next = long.MaxValue;
            if (_announcementDue)
                next = 0;
            if (_reportsLeft > 0)
                next = Earlier(next, _nextReport);
            if (_queryAnswerDue)
                next = Earlier(next, _queryAnswerAt);
            if (_routerSolicitationsLeft > 0)
                next = Earlier(next, _nextRouterSolicitation);
            return next;
        }
    }

    private static long Earlier(long a, long b) => a < b ? a : b;

    /// <summary>The next frame of IPv6 autoconfiguration that is due: DAD probe, MLD report, router solicitation.</summary>
    /// <remarks>Returns the frame's length before padding, 0 when nothing is due.</remarks>
    public int Emit(Span<byte> frame, ref Ipv6AddressTable addresses, long now)
    {
        Span<byte> packet = frame.Slice(EthernetFrame.HeaderLength);
        if (addresses.TryTakeDadSolicitation(now, out var tentative))
        {
            // RFC 4862 section 5.4.2: from ::, to the solicited-node group, no link-layer option.
            Ipv6Address group = tentative.SolicitedNode;
            EthernetFrame.Emit(frame, MacAddress.FromIpv6Multicast(group), _mac, EtherType.Ipv6);
            int length = NeighborDiscoveryMessages.EmitNeighborSolicitation(packet, Ipv6Address.Unspecified, group, tentative, null);
            return EthernetFrame.HeaderLength + length;
        }
        if (_announcementDue && addresses.StateAt(0) != AddressState.None)
        {
            // A neighbour that tried to reach us before we were up waits in INCOMPLETE for its
            // next solicitation (a second on Linux): an advertisement to all nodes completes its
            // entry and releases what it queued (RFC 4861 sections 7.2.5, 7.2.6). Override stays
            // clear while the address is optimistic (RFC 4429 section 3.3, RFC 9131 section 4.1).
            _announcementDue = false;
            Ipv6Address address = addresses[0];
            byte flags = addresses.StateAt(0) == AddressState.Optimistic ? (byte)0 : Icmpv6Packet.OverrideFlag;
            EthernetFrame.Emit(frame, MacAddress.FromIpv6Multicast(Ipv6Address.AllNodes), _mac, EtherType.Ipv6);
            int length = NeighborDiscoveryMessages.EmitNeighborAdvertisement(packet, address, Ipv6Address.AllNodes, flags, _mac);
            return EthernetFrame.HeaderLength + length;
        }
        if ((_reportsLeft > 0 && now - _nextReport >= 0) || (_queryAnswerDue && now - _queryAnswerAt >= 0))
        {
            bool answer = _queryAnswerDue && now - _queryAnswerAt >= 0;
            if (answer)
                _queryAnswerDue = false;
            else
            {
                _reportsLeft--;
                _nextReport = now + UnsolicitedReportInterval;
            }
            return EmitReport(frame, addresses, answer ? MulticastAddressRecordType.ModeIsExclude : MulticastAddressRecordType.ChangeToExcludeMode);
        }
        if (_routerSolicitationsLeft > 0 && now - _nextRouterSolicitation >= 0)
        {
            _routerSolicitationsLeft--;
            _nextRouterSolicitation = now + RouterSolicitationInterval;
            // An optimistic address must not go out with our MAC in a solicitation (RFC 4429
            // section 3.3): until DAD ends, solicit from :: (RFC 4861 section 4.1 allows it).
            Ipv6Address source = addresses.StateAt(0) == AddressState.Preferred ? addresses[0] : Ipv6Address.Unspecified;
            EthernetFrame.Emit(frame, MacAddress.FromIpv6Multicast(Ipv6Address.AllRouters), _mac, EtherType.Ipv6);
            int length = NeighborDiscoveryMessages.EmitRouterSolicitation(packet, source, _mac);
            return EthernetFrame.HeaderLength + length;
        }
        return 0;
    }

    /// <summary>An MLDv2 report (RFC 3810 section 5.2) for the solicited-node groups of our addresses, each once.</summary>
    private int EmitReport(Span<byte> frame, in Ipv6AddressTable addresses, MulticastAddressRecordType recordType)
    {
        Span<Ipv6Address> groups = stackalloc Ipv6Address[Ipv6AddressTable.Capacity];
        int count = 0;
        for (int i = 0; i < Ipv6AddressTable.Capacity; i++)
        {
            if (addresses.StateAt(i) == AddressState.None)
                continue;
            Ipv6Address group = addresses[i].SolicitedNode;
            bool seen = false;
            for (int j = 0; j < count; j++)
                seen |= groups[j] == group;
            if (!seen)
                groups[count++] = group;
        }
        if (count == 0)
            return 0;
        // RFC 3810 section 5.2.13: from our link-local address, or :: while it is not usable.
        Ipv6Address source = addresses.StateAt(0) == AddressState.None ? Ipv6Address.Unspecified : addresses[0];
        EthernetFrame.Emit(frame, MacAddress.FromIpv6Multicast(MulticastListenerReport.AllMldv2Routers), _mac, EtherType.Ipv6);
        int length = MulticastListenerReport.Emit(frame.Slice(EthernetFrame.HeaderLength), source, groups.Slice(0, count), recordType);
        return EthernetFrame.HeaderLength + length;
    }

    /// <summary>
    /// A query (RFC 3810 section 6.2): general, or for one of our groups, is answered with our
    /// current state within its maximum response delay; we answer at half of it.
    /// </summary>
    public Verdict ProcessMulticastListenerQuery(Ipv6Packet ip, Icmpv6Packet icmp, in Ipv6AddressTable addresses, long now)
    {
        // RFC 3810 section 5.1.14: from a link-local source, with hop limit 1.
        if (!ip.Source.IsLinkLocal || ip.HopLimit != 1)
            return Verdict.Drop(DropReason.InvalidSource);
        if (!MulticastListenerQuery.TryParse(icmp.Buffer, out var query, out var error))
            return Verdict.FromWireError(error);
        if (!query.IsGeneralQuery && !addresses.IsOurGroup(query.MulticastAddress))
            return Verdict.Drop(DropReason.NotOurAddress);
        long at = now + query.MaximumResponseDelay / 2;
        if (!_queryAnswerDue || at < _queryAnswerAt)
            _queryAnswerAt = at;
        _queryAnswerDue = true;
        return Verdict.Absorbed;
    }

    /// <summary>
    /// A router advertisement (RFC 4861 section 6.1.2 checks, section 6.3.4 processing): the
    /// default router and its lifetime, the router's MAC, and for each autonomous /64 prefix a
    /// SLAAC address of our interface identifier (RFC 4862 section 5.5.3).
    /// </summary>
    public Verdict ProcessRouterAdvertisement(Ipv6Packet ip, Icmpv6Packet icmp, ref Ipv6AddressTable addresses, ref NeighborCache neighbors, long now)
    {
        if (ip.HopLimit != NetworkInterface.NeighborDiscoveryHopLimit)
            return Verdict.Drop(DropReason.BadHopLimit);
        Ipv6Address router = ip.Source;
        if (!router.IsLinkLocal)
            return Verdict.Drop(DropReason.InvalidSource);
        // Its Check walks the options too: one bad option drops the whole message (section 6.1.2).
        if (!RouterAdvertisement.TryParse(icmp.Buffer, out var advertisement, out var error))
            return Verdict.FromWireError(error);

        _routerSolicitationsLeft = 0;
        long routerLifetime = advertisement.RouterLifetime * 1000L;
        if (routerLifetime > 0)
        {
            _router = router;
            _routerUntil = now + routerLifetime;
        }
        else if (_router == router)
            _router = default;
        if (NdpOptionReader.TryFindLinkLayerAddress(advertisement.Options, NdpOptionType.SourceLinkLayerAddress, out var routerMac)
            && !routerMac.IsMulticast)
            neighbors.Learn(router, routerMac, now);

        var options = new NdpOptionReader(advertisement.Options);
        while (options.TryReadNext(out var type, out var option, out _))
        {
            if (type == NdpOptionType.PrefixInformation && PrefixInformation.TryParse(option, out var prefix, out _))
                ApplyPrefix(prefix, router, ref addresses, now);
        }
        return Verdict.Absorbed;
    }

    /// <summary>RFC 4862 section 5.5.3: autonomous, not link-local, preferred no longer than valid, and 64 bits for an Ethernet identifier (RFC 4291 section 2.5.1).</summary>
    private void ApplyPrefix(PrefixInformation prefix, Ipv6Address router, ref Ipv6AddressTable addresses, long now)
    {
        Ipv6Address network = prefix.Prefix;
        uint valid = prefix.ValidLifetime;
        uint preferred = prefix.PreferredLifetime;
        if (!prefix.Autonomous || network.IsLinkLocal || network.IsMulticast || preferred > valid || prefix.PrefixLength != 64)
            return;
        var address = new Ipv6Address(network.High, NetworkInterface.InterfaceIdentifier(_mac));
        long validUntil = Deadline(valid, now);
        long preferredUntil = Deadline(preferred, now);
        int slot = addresses.Find(address);
        if (slot > 0)
        {
            // The two-hour rule, (e): a short lifetime from a forged advertisement cannot end an address early.
            long remaining = addresses.ValidUntil(slot) == Ipv6AddressTable.Forever ? long.MaxValue : addresses.ValidUntil(slot) - now;
            long received = validUntil == Ipv6AddressTable.Forever ? long.MaxValue : valid * 1000L;
            if (received <= TwoHours && received <= remaining)
                validUntil = remaining <= TwoHours ? addresses.ValidUntil(slot) : now + TwoHours;
            addresses.SetLifetimes(slot, prefix.OnLink, preferredUntil, validUntil, now);
            return;
        }
        if (valid == 0 || slot == 0)
            return;
        int free = addresses.FreeGlobalSlot();
        if (free < 0)
            return;
        addresses.Set(free, address, detectDuplicates: true, prefix.OnLink, preferredUntil, validUntil);
        ScheduleReports(now);
        _events.Add(new InterfaceEvent(InterfaceEventKind.Ipv6AddressAdded, address, 64, router,
            valid == PrefixInformation.InfiniteLifetime ? -1 : valid));
    }

    private static long Deadline(uint seconds, long now) =>
        seconds == PrefixInformation.InfiniteLifetime ? Ipv6AddressTable.Forever : now + seconds * 1000L;
}
