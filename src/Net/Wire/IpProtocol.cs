namespace Unikernel.Net.Wire;

/// <summary>
/// IP protocol numbers, which IPv6 also uses as Next Header values (IANA "protocol-numbers";
/// RFC 8200 section 4 for the extension headers).
/// </summary>
public enum IpProtocol : byte
{
    /// <summary>IPv6 Hop-by-Hop Options (RFC 8200 section 4.3).</summary>
    HopByHop = 0,
    Icmp = 1,
    Igmp = 2,
    Tcp = 6,
    Udp = 17,

    /// <summary>IPv6 Routing header (RFC 8200 section 4.4).</summary>
    Ipv6Routing = 43,

    /// <summary>IPv6 Fragment header (RFC 8200 section 4.5).</summary>
    Ipv6Fragment = 44,

    Esp = 50,
    AuthenticationHeader = 51,
    Icmpv6 = 58,

    /// <summary>Nothing follows this header (RFC 8200 section 4.7).</summary>
    Ipv6NoNextHeader = 59,

    /// <summary>IPv6 Destination Options (RFC 8200 section 4.6).</summary>
    Ipv6DestinationOptions = 60,
}
