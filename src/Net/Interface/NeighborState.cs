namespace Unikernel.Net;

/// <summary>
/// The reachability states of a neighbour cache entry (RFC 4861 section 7.3.2). ARP entries use
/// the same states: an IPv4 neighbour is probed by unicast ARP the way an IPv6 one is by
/// unicast neighbour solicitation (RFC 1122 section 2.3.2.1 asks for that kind of validation).
/// </summary>
public enum NeighborState : byte
{
    /// <summary>No entry.</summary>
    None = 0,

    /// <summary>Resolution under way: solicitations sent, no answer yet.</summary>
    Incomplete,

    /// <summary>Confirmed recently (an answer to our solicitation).</summary>
    Reachable,

    /// <summary>Learned without confirmation, or confirmed too long ago; usable.</summary>
    Stale,

    /// <summary>Used while stale: waiting a little for upper layers to confirm before probing.</summary>
    Delay,

    /// <summary>Unicast solicitations sent to confirm it; usable until they fail.</summary>
    Probe,
}
