using Unikernel.Net.Wire;

namespace Unikernel.Net;

public sealed partial class NetworkInterface
{
    /// <summary>DHCP servers listed in option 6 that we keep (RFC 2132 section 3.8 lists them in order of preference).</summary>
    private const int DhcpDnsServers = 2;

    /// <summary>Made by the constructor; null in an image built without <see cref="NetworkFeatures.Dns"/>.</summary>
    private readonly DnsResolver _dns = null!;

    /// <summary>The DNS stub resolver: start a lookup, poll, read its addresses. Null in an image built without DNS.</summary>
    public DnsResolver Dns => _dns;

    /// <summary>NetworkFeatures.Dns, as a property so the compiler does not call the code behind it unreachable; ilc folds it.</summary>
    private static bool DnsBuiltIn => NetworkFeatures.Dns;

    /// <summary>A UDP socket is bound to <paramref name="port"/>.</summary>
    internal bool IsUdpPortBound(ushort port) => UdpBuiltIn && _udp.IsBound(port);

    /// <summary>A router advertisement: autoconfiguration first (it checks the message), then its DNS options.</summary>
    private Verdict ProcessRouterAdvertisement(Ipv6Packet ip, Icmpv6Packet icmp)
    {
        if (!UsesAutoconfiguration)
            return Verdict.Drop(DropReason.Unsupported);
        Verdict verdict = _autoconfiguration.ProcessRouterAdvertisement(ip, icmp, ref _ipv6, ref _neighbors, _now);
        if (DnsBuiltIn && verdict.IsAbsorbed && RouterAdvertisement.TryParse(icmp.Buffer, out var advertisement, out _))
            LearnRouterDns(advertisement.Options, ip.Source);
        return verdict;
    }

    /// <summary>
    /// RDNSS and DNSSL options (RFC 8106 section 5.3.1): each server or domain for the option's
    /// lifetime; a lifetime of 0 removes them. New servers are reported as events.
    /// </summary>
    private void LearnRouterDns(Span<byte> options, Ipv6Address router)
    {
        var reader = new NdpOptionReader(options);
        while (reader.TryReadNext(out var type, out var option, out _))
        {
            if (type == NdpOptionType.RecursiveDnsServer && RecursiveDnsServerOption.TryParse(option, out var servers, out _))
            {
                uint lifetime = servers.Lifetime;
                for (int i = 0; i < servers.AddressCount; i++)
                {
                    Ipv6Address server = servers.Address(i);
                    // RFC 8106 section 5.1: unicast addresses only.
                    if (server.IsMulticast || server.IsUnspecified || server.IsLoopback)
                        continue;
                    if (_dns.LearnServer(server, DnsServerOrigin.RouterAdvertisement, Until(lifetime)))
                        _events.Add(new InterfaceEvent(InterfaceEventKind.DnsServerLearnt, server, 128, router, Seconds(lifetime)));
                }
            }
            else if (type == NdpOptionType.DnsSearchList && DnsSearchListOption.TryParse(option, out var domains, out _))
            {
                int at = 0;
                while (domains.TryReadName(at, out var name, out at))
                    _dns.SearchDomains.Learn(name, DnsServerOrigin.RouterAdvertisement, Until(domains.Lifetime), _now);
            }
        }
    }

    /// <summary>
    /// Option 6 (and 15) of an ACK: the servers for the lease's time, replacing those of an
    /// earlier lease (RFC 2132 sections 3.8, 3.17).
    /// </summary>
    private void LearnDhcpDns(Span<byte> payload)
    {
        if (!DnsBuiltIn || !DhcpMessage.TryParse(payload, out var message, out _))
            return;
        _dns.ForgetServers(DnsServerOrigin.Dhcp);
        long lease = _dhcp.LeaseSeconds;
        long until = lease >= uint.MaxValue ? DnsServerTable.Forever : _dhcp.LeaseExpiresAt;
        for (int i = 0; i < DhcpDnsServers; i++)
        {
            if (!message.TryGetDomainNameServer(i, out var server) || server.IsUnspecified || server.IsBroadcast)
                continue;
            var mapped = Ipv6Address.MapIpv4(server);
            if (_dns.LearnServer(mapped, DnsServerOrigin.Dhcp, until))
                _events.Add(new InterfaceEvent(InterfaceEventKind.DnsServerLearnt, mapped, 32, Ipv6Address.MapIpv4(_dhcp.Server),
                    lease >= uint.MaxValue ? -1 : lease));
        }
        Span<byte> wire = stackalloc byte[DnsName.MaximumLength];
        if (message.TryGetOption(DhcpOptionCode.DomainName, out var domain) && DnsName.TryEncode(domain, wire, out int length))
            _dns.SearchDomains.Learn(wire.Slice(0, length), DnsServerOrigin.Dhcp, until, _now);
    }

    /// <summary>The servers and domains of a lease that is gone.</summary>
    private void ForgetDhcpDns()
    {
        if (DnsBuiltIn)
            _dns.ForgetServers(DnsServerOrigin.Dhcp);
    }

    private long Until(uint lifetime) =>
        lifetime == RecursiveDnsServerOption.InfiniteLifetime ? DnsServerTable.Forever : _now + lifetime * 1000L;

    private static long Seconds(uint lifetime) => lifetime == RecursiveDnsServerOption.InfiniteLifetime ? -1 : lifetime;
}
