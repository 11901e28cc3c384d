namespace Unikernel.Net;

/// <summary>
/// Why <see cref="NetworkInterface.Process"/> sent nothing back for a frame it did not absorb.
/// Every received frame ends as exactly one of: replied, absorbed, or one of these.
/// </summary>
public enum DropReason : byte
{
    /// <summary>Link layer: the destination MAC is not ours, broadcast, or a group we listen to.</summary>
    NotForUs = 0,

    /// <summary>The ARP target or IP destination is not one of our addresses (or no IPv4 address is configured).</summary>
    NotOurAddress,

    /// <summary>A view's <c>Check</c> failed; which <see cref="Wire.WireError"/> is counted beside it.</summary>
    Malformed,

    /// <summary>The IPv4 header, ICMPv4 or ICMPv6 checksum does not add up (RFC 1122 section 3.2.1.2, RFC 4443 section 2.3).</summary>
    BadChecksum,

    /// <summary>A neighbour discovery message whose hop limit is not 255, so it may come from off-link (RFC 4861 section 7.1.1).</summary>
    BadHopLimit,

    /// <summary>
    /// A source we must not answer or learn: a group MAC, a broadcast, multicast or unspecified IP where a reply would go, our own IPv4 address;
    /// or an ICMP error quoting a packet we could not have sent (not from our address, no such connection, a sequence number not in flight: RFC 5927).
    /// </summary>
    InvalidSource,

    /// <summary>Well formed but not ours to handle: EtherType, IP protocol, message type or code, VLAN tags, fragments when no reassembly buffers are configured.</summary>
    Unsupported,

    /// <summary>UDP to a port nobody listens on, where no port unreachable may go: to a group, or over the ICMP error rate limit.</summary>
    ClosedPort,

    /// <summary>UDP for a socket whose receive queue is full: the application is not reading fast enough.</summary>
    QueueFull,

    /// <summary>
    /// A fragment that cannot be part of a datagram: all but the last must carry a non-zero multiple
    /// of 8 bytes, none may end past 65,535 bytes or our largest datagram, and the first must hold
    /// every header through the upper layer's (RFC 8200 section 4.5, RFC 7112). IPv6 ones are
    /// answered with a Parameter Problem unless the rate limit says no.
    /// </summary>
    BadFragment,

    /// <summary>A fragment overlapping another of its datagram, or one of a datagram abandoned for that (RFC 5722).</summary>
    FragmentOverlap,

    /// <summary>A fragment with the offset and length of one already held: dropped alone, the datagram goes on.</summary>
    DuplicateFragment,

    /// <summary>The first fragment of a new datagram while every reassembly buffer holds another (with none configured, fragments are Unsupported).</summary>
    NoReassemblyBuffer,

    /// <summary>The answer does not fit the reply buffer the caller gave, or it must go in fragments and the outgoing datagram buffer is busy.</summary>
    ReplyBufferTooSmall,

    /// <summary>
    /// A DNS response to the port of a lookup in progress that is not its answer: another ID,
    /// not from the server and port asked, or not repeating our question (RFC 5452 section 9.1).
    /// </summary>
    UnexpectedDnsAnswer,
}
