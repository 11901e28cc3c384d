using Unikernel.Net.Wire;

namespace Unikernel.Net;

public sealed partial class NetworkInterface
{
    /// <summary>
    /// The largest IP packet that reaches <paramref name="destination"/> (IPv4-mapped for IPv4)
    /// without fragmentation as far as we know now: the link MTU, or less after a Packet Too Big
    /// (RFC 8201) or fragmentation needed (RFC 1191) for it, until that ages out (<see cref="PathMtuCache.AgingTime"/>).
    /// </summary>
    public int PathMtu(Ipv6Address destination) => _pathMtu.Lookup(destination, _linkMtu, _now);
}
