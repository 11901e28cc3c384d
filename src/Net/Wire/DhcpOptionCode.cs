namespace Unikernel.Net.Wire;

/// <summary>
/// DHCP option codes (RFC 2132; the IANA "bootp-dhcp-parameters" registry), the ones a client
/// reads or writes. Any other code parses too: options are walked by length, not by name.
/// </summary>
public enum DhcpOptionCode : byte
{
    /// <summary>A single byte with no length, to align what follows (RFC 2132 section 3.1).</summary>
    Pad = 0,

    /// <summary>RFC 2132 section 3.3.</summary>
    SubnetMask = 1,

    /// <summary>One or more addresses, in order of preference (RFC 2132 section 3.5).</summary>
    Router = 3,

    /// <summary>RFC 2132 section 3.8.</summary>
    DomainNameServer = 6,

    /// <summary>RFC 2132 section 3.14.</summary>
    HostName = 12,

    /// <summary>RFC 2132 section 3.17.</summary>
    DomainName = 15,

    /// <summary>RFC 2132 section 5.3.</summary>
    BroadcastAddress = 28,

    /// <summary>RFC 2132 section 8.3.</summary>
    NtpServers = 42,

    /// <summary>RFC 2132 section 9.1.</summary>
    RequestedIpAddress = 50,

    /// <summary>Seconds; 0xFFFFFFFF is infinite (RFC 2132 section 9.2).</summary>
    IpAddressLeaseTime = 51,

    /// <summary>sname and file carry more options (RFC 2132 section 9.3); not honoured here.</summary>
    OptionOverload = 52,

    /// <summary>RFC 2132 section 9.6.</summary>
    MessageType = 53,

    /// <summary>RFC 2132 section 9.7.</summary>
    ServerIdentifier = 54,

    /// <summary>RFC 2132 section 9.8.</summary>
    ParameterRequestList = 55,

    /// <summary>Text explaining a NAK or a DECLINE (RFC 2132 section 9.9).</summary>
    Message = 56,

    /// <summary>RFC 2132 section 9.10.</summary>
    MaximumMessageSize = 57,

    /// <summary>T1, seconds (RFC 2132 section 9.11).</summary>
    RenewalTime = 58,

    /// <summary>T2, seconds (RFC 2132 section 9.12).</summary>
    RebindingTime = 59,

    /// <summary>RFC 2132 section 9.13.</summary>
    VendorClassIdentifier = 60,

    /// <summary>A type byte, then the identifier; type 1 is an Ethernet MAC (RFC 2132 section 9.14).</summary>
    ClientIdentifier = 61,

    /// <summary>The last option; no length (RFC 2132 section 3.2).</summary>
    End = 255,
}
