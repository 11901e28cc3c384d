namespace Unikernel.Net;

/// <summary>Why something we meant to send never left.</summary>
public enum SendDropReason : byte
{
    /// <summary>The next hop never answered ARP or neighbour solicitation (RFC 4861 section 7.2.2).</summary>
    Unresolved = 0,

    /// <summary>Off-link and no router.</summary>
    NoRoute,

    /// <summary>Every transmit slot was taken.</summary>
    QueueFull,
}
