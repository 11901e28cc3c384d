using Unikernel.Net.Wire;

namespace Unikernel.Net;

/// <summary>What changed in an interface's configuration, for the console to report.</summary>
public enum InterfaceEventKind : byte
{
    /// <summary>DHCP leased <see cref="InterfaceEvent.Address"/> from <see cref="InterfaceEvent.From"/>.</summary>
    Ipv4Leased = 1,

    /// <summary>DHCP renewed the lease.</summary>
    Ipv4Renewed,

    /// <summary>The lease ran out or the server refused it: the address is gone.</summary>
    Ipv4Lost,

    /// <summary>A router advertisement from <see cref="InterfaceEvent.From"/> gave us a global address.</summary>
    Ipv6AddressAdded,

    /// <summary>A global address's valid lifetime ran out.</summary>
    Ipv6AddressExpired,

    /// <summary>Duplicate address detection found another node with the address: we dropped it (RFC 4862 section 5.4.5).</summary>
    DuplicateAddress,

    /// <summary>
    /// A DNS server <see cref="InterfaceEvent.Address"/> (IPv4-mapped for DHCP's) from
    /// <see cref="InterfaceEvent.From"/> (the router or DHCP server), for
    /// <see cref="InterfaceEvent.LifetimeSeconds"/> (-1: forever).
    /// </summary>
    DnsServerLearnt,

    /// <summary>
    /// DHCP's ARP probe found another host with <see cref="InterfaceEvent.Address"/>: we declined
    /// it (RFC 2131 section 4.4.1) and ask for another after ten seconds.
    /// </summary>
    Ipv4Declined,
}

/// <summary>One configuration change: the address concerned (IPv4 as IPv4-mapped), where it came from, its lifetime.</summary>
public readonly struct InterfaceEvent
{
    public InterfaceEvent(InterfaceEventKind kind, Ipv6Address address, int prefixLength, Ipv6Address from, long lifetimeSeconds)
    {
        Kind = kind;
        Address = address;
        PrefixLength = prefixLength;
        From = from;
        LifetimeSeconds = lifetimeSeconds;
    }

    public InterfaceEventKind Kind { get; }

    public Ipv6Address Address { get; }

    public int PrefixLength { get; }

    public Ipv6Address From { get; }

    public long LifetimeSeconds { get; }
}
