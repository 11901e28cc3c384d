using Unikernel.Net.Wire;

namespace Unikernel.Kit;

/// <summary>
/// What <see cref="KernelNetwork.Start"/> sets up: the IPv4 address's source and the sizes of
/// the stack's pools, all allocated once at start (about 2 x <see cref="TcpConnections"/> x the
/// buffers, plus <see cref="UdpSockets"/> x <see cref="UdpQueueDepth"/> x 1.5 KiB). IPv6 is
/// always on: the link-local address from the MAC, and SLAAC where a router advertises a prefix.
/// </summary>
public struct KernelNetworkOptions
{
    /// <summary>Where the IPv4 address comes from (default: none).</summary>
    public Ipv4Source Ipv4;

    /// <summary>With <see cref="Ipv4Source.Static"/>: the address.</summary>
    public Ipv4Address StaticIpv4;

    /// <summary>With <see cref="Ipv4Source.Static"/>: its prefix length (what is on-link), 1-32.</summary>
    public int StaticPrefixLength;

    /// <summary>With <see cref="Ipv4Source.Static"/>: the default gateway, <see cref="Ipv4Address.Any"/> for none.</summary>
    public Ipv4Address StaticGateway;

    /// <summary>
    /// With <see cref="Ipv4Source.Dhcp"/>: the address of the last lease, if the kernel kept it
    /// (INIT-REBOOT asks for it again, RFC 2131 section 3.2); <see cref="Ipv4Address.Any"/> for none.
    /// </summary>
    public Ipv4Address DhcpLastAddress;

    /// <summary>
    /// With <see cref="Ipv4Source.Dhcp"/>: probe the leased address with ARP and decline it if
    /// another host has it (RFC 5227); 3 to 7 s longer per lease.
    /// </summary>
    public bool DhcpConflictDetection;

    /// <summary>TCP connections at once, both families, half-open ones included.</summary>
    public int TcpConnections;

    /// <summary>TCP ports that can listen at once.</summary>
    public int TcpListeners;

    /// <summary>Bytes of receive buffer per TCP connection: the largest window offered.</summary>
    public int TcpReceiveBuffer;

    /// <summary>Bytes of send buffer per TCP connection: what can be queued or in flight.</summary>
    public int TcpSendBuffer;

    /// <summary>UDP sockets that can be bound at once.</summary>
    public int UdpSockets;

    /// <summary>Datagrams each UDP socket holds until read.</summary>
    public int UdpQueueDepth;

    /// <summary>
    /// No IPv4; 4 TCP connections of 16 KiB each way, 4 listeners, 4 UDP sockets of 8 datagrams:
    /// about 180 KiB, within a kernel's heap (hardware/boards/*.yaml, kernel: heap).
    /// </summary>
    public static KernelNetworkOptions Default => new KernelNetworkOptions
    {
        Ipv4 = Ipv4Source.None,
        TcpConnections = 4,
        TcpListeners = 4,
        TcpReceiveBuffer = 16 * 1024,
        TcpSendBuffer = 16 * 1024,
        UdpSockets = 4,
        UdpQueueDepth = 8,
    };
}
