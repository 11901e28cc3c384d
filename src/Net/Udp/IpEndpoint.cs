using Unikernel.Net.Wire;

namespace Unikernel.Net;

/// <summary>
/// An address and a port, for either family: IPv4 addresses are IPv4-mapped
/// (<see cref="Ipv6Address.MapIpv4"/>), so sockets need one type for both.
/// </summary>
public readonly struct IpEndpoint : IEquatable<IpEndpoint>
{
    public IpEndpoint(Ipv6Address address, ushort port)
    {
        Address = address;
        Port = port;
    }

    public IpEndpoint(Ipv4Address address, ushort port)
        : this(Ipv6Address.MapIpv4(address), port)
    {
    }

    public Ipv6Address Address { get; }

    public ushort Port { get; }

    public bool IsIpv4 => Address.IsIpv4Mapped;

    public bool Equals(IpEndpoint other) => Address == other.Address && Port == other.Port;

    public override bool Equals(object? obj) => obj is IpEndpoint other && Equals(other);

    public override int GetHashCode() => Address.GetHashCode() ^ Port;

    public static bool operator ==(IpEndpoint left, IpEndpoint right) => left.Equals(right);

    public static bool operator !=(IpEndpoint left, IpEndpoint right) => !left.Equals(right);
}
