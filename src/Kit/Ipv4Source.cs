namespace Unikernel.Kit;

/// <summary>Where a kernel's IPv4 address comes from (<see cref="KernelNetworkOptions.Ipv4"/>).</summary>
public enum Ipv4Source : byte
{
    /// <summary>No IPv4: IPv6 only.</summary>
    None,

    /// <summary>Leased from a DHCP server (RFC 2131); none until one answers, the client keeps asking.</summary>
    Dhcp,

    /// <summary>
    /// A fixed link-local address made from the MAC (RFC 3927 2.1's range 169.254.1.0-169.254.254.255,
    /// /16): the same on every boot, no server needed. Without RFC 3927's probing for conflicts:
    /// meant for a point-to-point link or a lab network.
    /// </summary>
    LinkLocal,

    /// <summary>The address in <see cref="KernelNetworkOptions.StaticIpv4"/>.</summary>
    Static,
}
