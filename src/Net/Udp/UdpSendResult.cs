namespace Unikernel.Net;

/// <summary>What became of a datagram handed to <see cref="UdpSocketSet.Send"/>.</summary>
public enum UdpSendResult : byte
{
    /// <summary>Built and queued: <see cref="NetworkInterface.Poll"/> sends it once the next hop's address is known.</summary>
    Queued = 0,

    /// <summary>The socket is not bound.</summary>
    NotBound,

    /// <summary>The payload is larger than <see cref="NetworkConfiguration.LargestDatagram"/> (less the UDP header) or the IP length field allows, or larger than one frame with LargestDatagram 0.</summary>
    TooLarge,

    /// <summary>We have no address of the destination's family and scope to send from.</summary>
    NoSourceAddress,

    /// <summary>The destination is off-link and there is no router.</summary>
    NoRoute,

    /// <summary>Every transmit slot is waiting, or, for a datagram sent in fragments, the outgoing datagram buffer is: try again after a poll.</summary>
    QueueFull,
}
