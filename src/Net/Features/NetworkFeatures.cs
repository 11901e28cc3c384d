namespace Unikernel.Net;

/// <summary>
/// What the network stack of this build links. This file (everything on) is the default, used
/// by the host and by images that do not choose; an image sets the MSBuild property
/// <c>NetworkFeaturesFile</c> to its own copy with some constants false, and the code behind
/// them is dropped at compile time: a small first stage pays only for what it uses.
/// </summary>
public static class NetworkFeatures
{
    /// <summary>The DHCPv4 client (<see cref="NetworkConfiguration.Dhcp"/>).</summary>
    public const bool Dhcp = true;

    /// <summary>UDP sockets an application binds (<see cref="UdpSocketSet.TryBind"/>); without them every port is closed.</summary>
    public const bool UdpSockets = true;

    /// <summary>The DNS stub resolver (<see cref="NetworkInterface.Dns"/>) and the servers learnt from router advertisements and DHCP.</summary>
    public const bool Dns = true;

    /// <summary>TCP connections (RFC 9293), both families.</summary>
    public const bool Tcp = true;

    /// <summary>Duplicate address detection, MLD reports, router solicitation and SLAAC (<see cref="NetworkConfiguration.Ipv6Autoconfiguration"/>).</summary>
    public const bool Ipv6Autoconfiguration = true;
}
