namespace Unikernel.Net.Dhcp;

/// <summary>
/// What a <see cref="DhcpClient"/> tells its owner. <see cref="DhcpClient.Receive"/> returns
/// one for every payload it is given; the only event time alone causes, <see cref="LeaseExpired"/>,
/// happens inside <see cref="DhcpClient.Poll"/> and is held for <see cref="DhcpClient.TryTakeEvent"/>.
/// </summary>
public enum DhcpEvent : byte
{
    /// <summary>Nothing happened; what <see cref="DhcpClient.TryTakeEvent"/> gives when nothing is held.</summary>
    None = 0,

    /// <summary>
    /// The payload was not for us, or not now: malformed, not a reply, another xid or chaddr,
    /// or a message type the state does not wait for. Nothing changed.
    /// </summary>
    Ignored,

    /// <summary>The first OFFER was taken; a REQUEST for it is due at once (Selecting to Requesting).</summary>
    Offered,

    /// <summary>
    /// An ACK gave us an address (Requesting to Bound), or a renewal ACK gave a different one
    /// than we had: configure the interface from <see cref="DhcpClient.Address"/> and the rest.
    /// </summary>
    Bound,

    /// <summary>An ACK extended the lease on the same address (Renewing or Rebinding to Bound).</summary>
    Renewed,

    /// <summary>
    /// The server refused (NAK): back to Init, and any address we had is gone (RFC 2131
    /// section 4.4.5): stop using it. A DISCOVER follows after a short delay.
    /// </summary>
    Nak,

    /// <summary>The lease ran out in Rebinding with no ACK: back to Init, the address is gone.</summary>
    LeaseExpired,

    /// <summary>
    /// An ACK gave an address that is now probed with ARP (<see cref="DhcpState.Probing"/>):
    /// nothing to configure yet; <see cref="Bound"/> follows from <see cref="DhcpClient.TryTakeEvent"/>
    /// when no other host answers.
    /// </summary>
    Probing,

    /// <summary>
    /// Another host has the address we probed: a DECLINE went out (RFC 2131 section 4.4.1) and
    /// a DISCOVER follows after <see cref="DhcpClient.DeclineRestartDelayMilliseconds"/>. Held
    /// for <see cref="DhcpClient.TryTakeEvent"/>; <see cref="DhcpClient.DeclinedAddress"/> says which.
    /// </summary>
    Declined,

    /// <summary>The owner asked for it: a RELEASE went out and the address is gone. Held for <see cref="DhcpClient.TryTakeEvent"/>.</summary>
    Released,
}
