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

    /// <summary>DNS lookups in progress at once (<see cref="NetworkInterface.Dns"/>); each slot keeps a name of up to 255 bytes.</summary>
    public int DnsQueries;

    /// <summary>DNS answers cached (their TTL, at most five minutes); 0 for none.</summary>
    public int DnsCacheEntries;

    /// <summary>
    /// The address a DHCP lease gave at the last boot, if the kernel kept it: DHCP then starts in
    /// INIT-REBOOT and asks for it again (RFC 2131 section 3.2); <see cref="Ipv4Address.Any"/> for none.
    /// </summary>
    public Ipv4Address DhcpLastAddress;

    /// <summary>
    /// Probe each address DHCP offers with ARP before using it, and DECLINE it when another host
    /// has it (RFC 5227 section 2.1, RFC 2131 section 2.2): safer, but 3 to 7 s longer per lease.
    /// </summary>
    public bool DhcpConflictDetection;

    /// <summary>TCP connections at once, half-open ones included (when they fill the table, SYNs get SYN cookies instead of entries).</summary>
    public int TcpConnections;

    /// <summary>Ports that can listen at once.</summary>
    public int TcpListeners;

    /// <summary>Bytes of receive buffer per connection: the largest window we offer. A bootloader
    /// that streams a kernel into memory makes it as large as the kernel, and reads it in place.</summary>
    public int TcpReceiveBuffer;

    /// <summary>Bytes of send buffer per connection: what can be in flight or queued.</summary>
    public int TcpSendBuffer;

    /// <summary>Seconds a connection may be idle before keep-alive probes (RFC 1122 section 4.2.3.6 says at least two hours); 0, the default, for none.</summary>
    public int TcpKeepAliveSeconds;

    /// <summary>The secret key of initial sequence numbers (RFC 6528): from the board's entropy, never a constant.</summary>
    public ulong TcpSecret0;

    public ulong TcpSecret1;

    /// <summary>
    /// IPv6 autoconfiguration on, no IPv4, 4 sockets of 8 datagrams, 8 frames waiting, 8 TCP
    /// connections of 64 KiB in and 16 KiB out: about 700 KiB of pools.
    /// </summary>
    public static NetworkConfiguration Default => new NetworkConfiguration
    {
        Ipv4PrefixLength = 24,
        Ipv6Autoconfiguration = true,
        UdpSockets = 4,
        UdpQueueDepth = 8,
        TransmitQueueDepth = 8,
        Seed = 1,
        DnsQueries = 4,
        DnsCacheEntries = 8,
        TcpConnections = 8,
        TcpListeners = 4,
        TcpReceiveBuffer = 64 * 1024,
        TcpSendBuffer = 16 * 1024,
        TcpSecret0 = 0x0706050403020100,
        TcpSecret1 = 0x0F0E0D0C0B0A0908,
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
