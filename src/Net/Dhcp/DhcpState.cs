namespace Unikernel.Net.Dhcp;

/// <summary>
/// The client states of RFC 2131 section 4.4, figure 5, less INIT-REBOOT and REBOOTING: a
/// unikernel boots with no memory of an earlier lease, so it always starts from INIT.
/// </summary>
public enum DhcpState : byte
{
    /// <summary>No address; a DISCOVER is due at <see cref="DhcpClient.NextDeadline"/>.</summary>
    Init = 0,

    /// <summary>DISCOVER sent, waiting for the first OFFER.</summary>
    Selecting,

    /// <summary>REQUEST for the offered address broadcast, waiting for ACK or NAK.</summary>
    Requesting,

    /// <summary>The address is ours until T1.</summary>
    Bound,

    /// <summary>Past T1: REQUEST unicast to the server that leased the address.</summary>
    Renewing,

    /// <summary>Past T2: REQUEST broadcast to any server, until the lease expires.</summary>
    Rebinding,
}
