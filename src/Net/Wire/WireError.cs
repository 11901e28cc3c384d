namespace Unikernel.Net.Wire;

/// <summary>
/// Why a packet was dropped. Malformed input from the wire is never a panic: a view's
/// <c>Check</c> returns one of these, and the layer above counts it as a drop reason.
/// </summary>
public enum WireError : byte
{
    None = 0,

    /// <summary>The buffer is shorter than the header, or than a length field says it is.</summary>
    Truncated,

    /// <summary>The IP version field is not the one the view parses.</summary>
    BadVersion,

    /// <summary>The IPv4 header length (IHL) is below the minimum of five words.</summary>
    BadHeaderLength,

    /// <summary>A length field contradicts the header itself (IPv4 total length below the header length, UDP length below 8, a TCP option whose kind fixes a length it does not have).</summary>
    BadLength,

    /// <summary>A checksum that the view can verify on its own (IPv4 header, ICMPv4) does not add up.</summary>
    BadChecksum,

    /// <summary>Well formed, but deliberately not handled: 802.1Q tags, non-Ethernet ARP, source routing, unknown IPv6 options that ask for a drop.</summary>
    Unsupported,

    /// <summary>Malformed in a way the other reasons do not name: a misplaced Hop-by-Hop header, an option running past its header.</summary>
    BadFormat,

    /// <summary>An IPv6 extension-header chain longer than we are prepared to walk.</summary>
    TooManyHeaders,
}
