namespace Unikernel.Net;

/// <summary>Where a lookup of <see cref="DnsResolver"/> stands: pending, or how it ended.</summary>
public enum DnsStatus : byte
{
    /// <summary>No such lookup: never started, closed, or a stale handle.</summary>
    None = 0,

    /// <summary>Asked, or about to be: poll the interface.</summary>
    Pending,

    /// <summary>Addresses found (<see cref="DnsResolver.CopyAddresses"/>).</summary>
    Resolved,

    /// <summary>NXDOMAIN: the name does not exist (RFC 1035 section 4.1.1, RCODE 3).</summary>
    NameError,

    /// <summary>The name exists but has no address of the type asked (NOERROR and no answer, RFC 2308 section 2.2).</summary>
    NoData,

    /// <summary>SERVFAIL from the last server asked (RCODE 2).</summary>
    ServerFailure,

    /// <summary>The server refused or did not understand the query (RCODE 1, 4, 5 or any other).</summary>
    Refused,

    /// <summary>The answer had the TC bit: it did not fit 512 bytes, and we do not retry over TCP.</summary>
    Truncated,

    /// <summary>No answer after every try (<see cref="DnsResolver.Tries"/>).</summary>
    TimedOut,

    /// <summary>
    /// No DNS server is known (none learnt from router advertisements or DHCP, none added), or
    /// none we have an address of its family for, after <see cref="DnsResolver.MaximumUnreachableWaits"/> seconds.
    /// </summary>
    NoServers,
}
