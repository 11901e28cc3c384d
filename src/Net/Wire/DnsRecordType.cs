namespace Unikernel.Net.Wire;

/// <summary>The resource record types the resolver asks for or follows (RFC 1035 section 3.2.2, RFC 3596 section 2.1).</summary>
public enum DnsRecordType : ushort
{
    /// <summary>An IPv4 address (RFC 1035 section 3.4.1).</summary>
    A = 1,

    /// <summary>The canonical name of an alias (RFC 1035 section 3.3.1).</summary>
    CanonicalName = 5,

    /// <summary>An IPv6 address (RFC 3596 section 2.1).</summary>
    Aaaa = 28,
}
