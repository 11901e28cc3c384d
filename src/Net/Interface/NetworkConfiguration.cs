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

    /// <summary>
    /// The largest payload one UDP socket queue slot holds; 0 (the default) for
    /// <see cref="UdpSocketSet.MaximumPayload"/>, one unfragmented frame. Larger, reassembled
    /// datagrams up to it reach sockets: each socket holds <see cref="UdpQueueDepth"/> of them.
    /// </summary>
    public int UdpLargestPayload;

    /// <summary>
    /// Datagrams reassembled from fragments at once, both families (RFC 791 section 3.2, RFC 8200
    /// section 4.5); 0 for none, when every fragment is dropped. Each buffer costs
    /// <see cref="LargestDatagram"/> bytes plus 128 of headers and 3 bits per 8 bytes of bitmaps.
    /// </summary>
    public int ReassemblyBuffers;

    /// <summary>
    /// The most bytes a datagram carries after its IP headers (the UDP header and payload, the
    /// ICMP message) when reassembled or sent in fragments. It sizes each reassembly buffer and
    /// the one outgoing datagram buffer; 0 leaves fragmentation out (no outgoing buffer either).
    /// The wire's own limits still hold: 65,515 for IPv4, 65,535 for IPv6.
    /// </summary>
    public int LargestDatagram;

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

    /// <summary>
    /// The link's MTU, the largest IP packet a frame carries: 0 for Ethernet's 1500 (RFC 894),
    /// else 1280 (IPv6's minimum, RFC 8200 section 5) to 1500. The MSS our SYNs announce comes
    /// from it (RFC 9293 section 3.7.1), and nothing larger is sent.
    /// </summary>
    public int LinkMtu;

    /// <summary>
    /// Destinations whose path MTU is remembered below the link MTU, learnt from ICMPv6 Packet Too
    /// Big (RFC 8201) and ICMP fragmentation needed (RFC 1191): a table made at start-up, 32
    /// bytes an entry (address, MTU, when it was lowered), each aged out after ten minutes
    /// (RFC 8201 section 4). When it is full, a new destination takes the entry lowered longest
    /// ago; 0 keeps none, and every path is then the link's.
    /// </summary>
    public int PathMtuEntries;

    /// <summary>The secret key of initial sequence numbers (RFC 6528): from the board's entropy, never a constant.</summary>
    public ulong TcpSecret0;

    public ulong TcpSecret1;

    /// <summary>
    /// IPv6 autoconfiguration on, no IPv4, 4 sockets of 8 datagrams, 8 frames waiting, 8 TCP
    /// connections of 64 KiB in and 16 KiB out, 8 path MTUs, 2 reassembly buffers and one outgoing
    /// datagram of 64 KiB: about 900 KiB of pools (fragments take 3 x 64 KiB and 6 KiB of bitmaps).
    /// </summary>
    public static NetworkConfiguration Default => new NetworkConfiguration
    {
        Ipv4PrefixLength = 24,
        Ipv6Autoconfiguration = true,
        UdpSockets = 4,
        UdpQueueDepth = 8,
        TransmitQueueDepth = 8,
        ReassemblyBuffers = 2,
        LargestDatagram = 64 * 1024,
        Seed = 1,
        DnsQueries = 4,
        DnsCacheEntries = 8,
        TcpConnections = 8,
        TcpListeners = 4,
        TcpReceiveBuffer = 64 * 1024,
        TcpSendBuffer = 16 * 1024,
        PathMtuEntries = 8,
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
