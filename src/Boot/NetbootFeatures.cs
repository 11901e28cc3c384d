namespace Unikernel.Net;

/// <summary>
/// The bootloader's network stack: everything but the DNS resolver, which the upload service
/// never uses (it costs about 13 KiB of image on orangepi-pc). Kernels built with the kit keep it.
/// </summary>
public static class NetworkFeatures
{
    public const bool Dhcp = true;

    public const bool UdpSockets = true;

    public const bool Tcp = true;

    public const bool Dns = false;

    public const bool Ipv6Autoconfiguration = true;
}
