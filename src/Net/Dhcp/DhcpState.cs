namespace Unikernel.Net.Dhcp;

/// <summary>
/// The client states of RFC 2131 section 4.4, figure 5, and the address conflict detection of
/// RFC 5227 section 2.1 between an ACK and using the address. A client starts in INIT, or in
/// INIT-REBOOT when its owner remembers the address of an earlier lease.
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

    /// <summary>An earlier lease's address is known; a REQUEST for it is due (RFC 2131 section 3.2).</summary>
    InitReboot,

    /// <summary>REQUEST for the earlier address broadcast, waiting for ACK or NAK.</summary>
    Rebooting,

    /// <summary>
    /// An ACK gave an address: ARP probes ask whether another host has it (RFC 5227 section
    /// 2.1.1) before it is used; a conflict sends a DECLINE.
    /// </summary>
    Probing,
}
