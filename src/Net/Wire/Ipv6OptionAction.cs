namespace Unikernel.Net.Wire;

/// <summary>
/// What a node does with a Hop-by-Hop or Destination option it does not recognise: the two
/// high-order bits of the option type (RFC 8200 section 4.2).
/// </summary>
public enum Ipv6OptionAction : byte
{
    /// <summary>00: skip over the option and go on with the header.</summary>
    Skip = 0,

    /// <summary>01: discard the packet silently.</summary>
    Discard = 1,

    /// <summary>10: discard it and send an ICMPv6 Parameter Problem, code 2, pointing at the option type, even to a multicast destination.</summary>
    DiscardAndReport = 2,

    /// <summary>11: as 10, but only if the packet's destination was not a multicast address.</summary>
    DiscardAndReportUnlessMulticast = 3,
}
