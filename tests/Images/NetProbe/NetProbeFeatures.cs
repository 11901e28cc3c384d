namespace Unikernel.Net;

/// <summary>The probe links the core of the stack (ARP, IPv4, IPv6, ICMP and its errors, NDP); DHCP, sockets, TCP, DNS and autoconfiguration are tested on the host.</summary>
public static class NetworkFeatures
{
    public const bool Dhcp = false;

    public const bool UdpSockets = false;

    public const bool Tcp = false;

    public const bool Dns = false;

    public const bool Ipv6Autoconfiguration = false;
}
