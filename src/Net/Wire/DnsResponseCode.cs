namespace Unikernel.Net.Wire;

/// <summary>RCODE of a DNS response (RFC 1035 section 4.1.1).</summary>
public enum DnsResponseCode : byte
{
    NoError = 0,

    /// <summary>The server could not interpret the query.</summary>
    FormatError = 1,

    /// <summary>SERVFAIL: the server could not answer (its upstream failed, DNSSEC failed).</summary>
    ServerFailure = 2,

    /// <summary>NXDOMAIN: the name does not exist (authoritative).</summary>
    NameError = 3,

    NotImplemented = 4,

    Refused = 5,
}
