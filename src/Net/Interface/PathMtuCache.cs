using Unikernel.Net.Wire;

namespace Unikernel.Net;

/// <summary>
/// The path MTUs learnt below the link MTU, one per destination (RFC 8201 section 5.2 keeps
/// them per destination, as RFC 1191 section 5 does): a fixed table made at start-up, each
/// entry aged out <see cref="AgingTime"/> after it was last lowered, so the path is tried at the
/// link MTU again (RFC 8201 section 4, RFC 1191 section 6.3). Destinations are IPv6 addresses,
/// IPv4-mapped for IPv4.
/// </summary>
internal sealed class PathMtuCache
{
    /// <summary>
    /// How long a lowered estimate holds before the link MTU is tried again: RFC 8201 section 4
    /// and RFC 1191 section 6.3 say no sooner than 5 minutes after a decrease and recommend 10.
    /// </summary>
    public const long AgingTime = 10 * 60 * 1000;

    /// <summary>IPv6's floor: every link carries 1280-byte packets (RFC 8200 section 5); RFC 8201 section 4 never goes below.</summary>
    public const int MinimumIpv6Mtu = Ipv6Packet.MinimumMtu;

    /// <summary>
    /// IPv4's floor: 576, the datagram every host must accept (RFC 791, RFC 1122 section 3.3.3),
    /// rather than RFC 791's 68-byte minimum link MTU. A forged fragmentation-needed message
    /// could otherwise shrink a connection to 28-byte segments (RFC 5927 section 7.3); links
    /// below 576 are not met on the Ethernets this stack runs on (Linux's floor, min_pmtu, is 552).
    /// </summary>
    public const int MinimumIpv4Mtu = 576;

    private readonly Entry[] _entries;

    private struct Entry
    {
        public Ipv6Address Destination;
        public long LoweredAt;
        public ushort Mtu;
    }

    public PathMtuCache(int capacity)
    {
        _entries = new Entry[capacity > 0 ? capacity : 0];
    }

    public int Capacity => _entries.Length;

    /// <summary>The path MTU to <paramref name="destination"/> at <paramref name="now"/>: the lowered estimate, or <paramref name="linkMtu"/>.</summary>
    public int Lookup(in Ipv6Address destination, int linkMtu, long now)
    {
        int slot = Find(destination, now);
        return slot < 0 ? linkMtu : _entries[slot].Mtu;
    }

    /// <summary>
    /// A Packet Too Big or fragmentation needed says <paramref name="reported"/>: the estimate for
    /// <paramref name="destination"/> drops to it, but never below the family's floor and never
    /// up (RFC 8201 section 4, RFC 1191 section 6.3: only a decrease is learnt from a message).
    /// True if the estimate went down.
    /// </summary>
    public bool Lower(in Ipv6Address destination, int reported, int linkMtu, long now)
    {
        int floor = destination.IsIpv4Mapped ? MinimumIpv4Mtu : MinimumIpv6Mtu;
        int mtu = reported < floor ? floor : reported;
        int slot = Find(destination, now);
        int current = slot < 0 ? linkMtu : _entries[slot].Mtu;
        if (mtu >= current || _entries.Length == 0)
            return false;
        if (slot < 0)
            slot = Victim(now);
        _entries[slot].Destination = destination;
        _entries[slot].Mtu = (ushort)mtu;
        _entries[slot].LoweredAt = now;
        return true;
    }

    /// <summary>The live entry of <paramref name="destination"/>, or -1; an entry past its age is freed on the way.</summary>
    private int Find(in Ipv6Address destination, long now)
    {
        for (int i = 0; i < _entries.Length; i++)
        {
            if (_entries[i].Mtu == 0 || _entries[i].Destination != destination)
                continue;
            if (now - _entries[i].LoweredAt >= AgingTime)
            {
                _entries[i].Mtu = 0;
                return -1;
            }
            return i;
        }
        return -1;
    }

    /// <summary>A free or aged entry, else the one lowered longest ago.</summary>
    private int Victim(long now)
    {
        int oldest = 0;
        for (int i = 0; i < _entries.Length; i++)
        {
            if (_entries[i].Mtu == 0 || now - _entries[i].LoweredAt >= AgingTime)
                return i;
            if (_entries[i].LoweredAt < _entries[oldest].LoweredAt)
                oldest = i;
        }
        return oldest;
    }
}
