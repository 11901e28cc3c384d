using Unikernel.Net.Wire;

namespace Unikernel.Net;

/// <summary>How a <see cref="NetworkInterface"/> gets its addresses and how big its pools are.</summary>
public struct NetworkConfiguration
{
    /// <summary>A static IPv4 address; <see cref="Ipv4Address.Any"/> for none (or for DHCP).</summary>
    public Ipv4Address Ipv4Address;

    /// <summary>The static address's prefix length, which says what is on-link.</summary>
    public int Ipv4PrefixLength;

    /// <summary>The static default gateway; <see cref="Ipv4Address.Any"/> for none.</summary>
    public Ipv4Address Ipv4Gateway;

    /// <summary>Lease the IPv4 address with DHCP (RFC 2131) instead of a static one.</summary>
    public bool Dhcp;

    /// <summary>
    /// IPv6 autoconfiguration: duplicate address detection (optimistic, RFC 4429, so the
    /// link-local address answers at once), router solicitation, SLAAC global addresses
    /// (RFC 4862) and the MLD reports that tell switches which groups we listen to (RFC 3810).
    /// Off, the link-local address is simply assumed unique.
    /// </summary>
    public bool Ipv6Autoconfiguration;

    /// <summary>How many UDP sockets can be bound at once.</summary>
    public int UdpSockets;

    /// <summary>Datagrams each socket holds until the application reads them.</summary>
    public int UdpQueueDepth;

    /// <summary>Frames we originate that can wait for address resolution at once.</summary>
    public int TransmitQueueDepth;

    /// <summary>Seeds DHCP transaction ids and timer jitter; give each boot a different one.</summary>
    public uint Seed;

    /// <summary>IPv6 autoconfiguration on, no IPv4, 4 sockets of 8 datagrams, 8 frames waiting: about 60 KiB of pools.</summary>
    public static NetworkConfiguration Default => new NetworkConfiguration
    {
        Ipv4PrefixLength = 24,
        Ipv6Autoconfiguration = true,
        UdpSockets = 4,
        UdpQueueDepth = 8,
        TransmitQueueDepth = 8,
        Seed = 1,
    };

    /// <summary>The default with a static IPv4 address.</summary>
    public static NetworkConfiguration WithStaticIpv4(Ipv4Address address, int prefixLength)
    {
        var configuration = Default;
        configuration.Ipv4Address = address;
        configuration.Ipv4PrefixLength = prefixLength;
        return configuration;
    }
}
