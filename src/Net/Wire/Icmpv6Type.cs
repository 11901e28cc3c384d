namespace Unikernel.Net.Wire;

/// <summary>ICMPv6 message types we name (RFC 4443, RFC 4861 for neighbour discovery, RFC 3810 for MLDv2).</summary>
public enum Icmpv6Type : byte
{
    DestinationUnreachable = 1,
    PacketTooBig = 2,
    TimeExceeded = 3,
    ParameterProblem = 4,
    EchoRequest = 128,
    EchoReply = 129,

    /// <summary>MLDv1 and MLDv2 share it; the length tells them apart (RFC 3810 section 8.1).</summary>
    MulticastListenerQuery = 130,
    RouterSolicitation = 133,
    RouterAdvertisement = 134,
    NeighborSolicitation = 135,
    NeighborAdvertisement = 136,
    Redirect = 137,
    MulticastListenerReportV2 = 143,
}
