namespace Unikernel.Net;

/// <summary>What became of an active open (<see cref="TcpSocketSet.Connect"/>).</summary>
public enum TcpConnectResult : byte
{
    /// <summary>The SYN goes out on the next poll (after address resolution).</summary>
    Started = 0,

    /// <summary>Every connection slot is in use.</summary>
    NoFreeConnection,

    /// <summary>No address of the destination's family and scope to send from.</summary>
    NoSourceAddress,

    /// <summary>The destination is off-link and there is no router.</summary>
    NoRoute,
}
