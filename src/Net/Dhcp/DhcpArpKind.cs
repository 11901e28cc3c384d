namespace Unikernel.Net.Dhcp;

/// <summary>What ARP packet <see cref="DhcpClient.TakeArpDue"/> asks its owner to broadcast.</summary>
public enum DhcpArpKind : byte
{
    None = 0,

    /// <summary>An ARP request from sender IP 0.0.0.0 for the candidate address (RFC 5227 section 2.1.1).</summary>
    Probe,

    /// <summary>An ARP request with sender and target IP both the address now ours (RFC 5227 section 2.3).</summary>
    Announcement,
}
