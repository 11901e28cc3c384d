using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Unikernel.Tool.Upload;

/// <summary>
/// Where the bootloader listens: an IPv4 address, or an IPv6 one with <c>%IF</c> naming the
/// interface when it is link-local (the board has no other address until something gives it one).
/// </summary>
public sealed record UploadTarget(IPEndPoint EndPoint)
{
    public const int DefaultPort = 1337;

    /// <summary><c>ADDR[%IF]</c> and a port; throws <see cref="UploadFailure"/> saying what is wrong.</summary>
    public static UploadTarget Parse(string text, int port)
    {
        if (port is < 1 or > 65535)
            throw new UploadFailure($"--port {port} is not a TCP port (1 to 65535)");
        string address = text.Trim();
        if (address.StartsWith('[') && address.EndsWith(']'))
            address = address[1..^1];
        string? scope = null;
        int percent = address.IndexOf('%');
        if (percent >= 0)
        {
            scope = address[(percent + 1)..];
            address = address[..percent];
        }
        if (!IPAddress.TryParse(address, out var ip) || ip.ToString().Contains('%'))
            throw new UploadFailure($"'{text}' is not an IP address: give IPv4 (169.254.77.2) or IPv6 (fe80::1%eth0); host names are not looked up");
        if (scope is not null)
        {
            if (ip.AddressFamily != AddressFamily.InterNetworkV6)
                throw new UploadFailure($"'{text}': only an IPv6 address takes %IF");
            ip.ScopeId = ScopeOf(scope, text);
        }
        else if (ip.IsIPv6LinkLocal)
        {
            throw new UploadFailure($"{address} is link-local: name the interface it is on, e.g. {address}%eth0");
        }
        return new UploadTarget(new IPEndPoint(ip, port));
    }

    private static long ScopeOf(string scope, string text)
    {
        if (scope.Length == 0)
            throw new UploadFailure($"'{text}': nothing after %; name the interface, e.g. %eth0");
        if (long.TryParse(scope, out long index) && index >= 0)
            return index;
        foreach (var network in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (network.Name == scope && network.Supports(NetworkInterfaceComponent.IPv6))
                return network.GetIPProperties().GetIPv6Properties().Index;
        }
        var names = NetworkInterface.GetAllNetworkInterfaces().Select(n => n.Name).Order();
        throw new UploadFailure($"'{text}': no interface named '{scope}' here; interfaces: {string.Join(", ", names)}");
    }

    /// <summary>As a user writes it: <c>fe80::1%eth0 port 1337</c>.</summary>
    public override string ToString()
    {
        var ip = EndPoint.Address;
        if (ip.AddressFamily == AddressFamily.InterNetworkV6 && ip.ScopeId != 0)
        {
            string name = NetworkInterface.GetAllNetworkInterfaces()
                .FirstOrDefault(n => n.Supports(NetworkInterfaceComponent.IPv6) && n.GetIPProperties().GetIPv6Properties().Index == ip.ScopeId)?.Name
                ?? ip.ScopeId.ToString();
            var bare = new IPAddress(ip.GetAddressBytes());
            return $"{bare}%{name} port {EndPoint.Port}";
        }
        return $"{ip} port {EndPoint.Port}";
    }
}
