namespace Unikernel.Net.Wire;

/// <summary>
/// Neighbour discovery option types (RFC 4861 section 4.6; IANA "IPv6 Neighbor Discovery Option
/// Formats"). Options of any other type are skipped, not refused (RFC 4861 section 4.6).
/// </summary>
public enum NdpOptionType : byte
{
    /// <summary>The sender's link-layer address (RFC 4861 section 4.6.1).</summary>
    SourceLinkLayerAddress = 1,

    /// <summary>The target's link-layer address, in advertisements and redirects (RFC 4861 section 4.6.1).</summary>
    TargetLinkLayerAddress = 2,

    /// <summary>An on-link or autoconfiguration prefix in a router advertisement (RFC 4861 section 4.6.2); see <see cref="PrefixInformation"/>.</summary>
    PrefixInformation = 3,

    /// <summary>The start of the packet that caused a redirect (RFC 4861 section 4.6.3).</summary>
    RedirectedHeader = 4,

    /// <summary>The link MTU a router advertises (RFC 4861 section 4.6.4).</summary>
    Mtu = 5,

    /// <summary>Recursive DNS servers (RFC 8106 section 5.1).</summary>
    RecursiveDnsServer = 25,

    /// <summary>DNS search domains (RFC 8106 section 5.2).</summary>
    DnsSearchList = 31,
}
