namespace Unikernel.Net;

/// <summary>Where a DNS server or search domain was learnt: each source replaces only its own entries.</summary>
public enum DnsServerOrigin : byte
{
    /// <summary>Given by the kernel (<see cref="DnsResolver.AddServer"/>).</summary>
    Static = 1,

    /// <summary>A router advertisement's RDNSS or DNSSL option (RFC 8106).</summary>
    RouterAdvertisement,

    /// <summary>DHCPv4 option 6 or 15 (RFC 2132 sections 3.8 and 3.17).</summary>
    Dhcp,
}
