using Unikernel.Net.Wire;

namespace Unikernel.Net;

/// <summary>
/// The recursive DNS servers known to an interface, a fixed table of <see cref="Capacity"/>
/// entries, each with where it came from and until when it may be used. IPv4 servers are
/// IPv4-mapped. A full table replaces the entry that expires first (RFC 8106 section 5.3.1
/// asks for room for three servers, and to prefer the newest when short of room).
/// </summary>
public struct DnsServerTable
{
    /// <summary>RFC 8106 section 5.3.1: "at least three" RDNSS addresses; one more for DHCP's.</summary>
    public const int Capacity = 4;

    /// <summary>An entry that never expires.</summary>
    public const long Forever = long.MaxValue;

    private Entries _entries;

    private struct Entry
    {
        public Ipv6Address Address;
        public long Until;

        /// <summary>0 marks a free entry.</summary>
        public DnsServerOrigin Origin;
    }

    [System.Runtime.CompilerServices.InlineArray(Capacity)]
    private struct Entries
    {
        private Entry _first;
    }

    /// <summary>
    /// Adds or refreshes <paramref name="address"/> until <paramref name="until"/> (a time at or
    /// before <paramref name="now"/> removes it, as a zero lifetime does, RFC 8106 section
    /// 5.1). True when the server was not known before.
    /// </summary>
    public bool Learn(Ipv6Address address, DnsServerOrigin origin, long until, long now)
    {
        int slot = Find(address, now);
        if (until <= now)
        {
            if (slot >= 0)
                _entries[slot].Origin = 0;
            return false;
        }
        if (slot >= 0)
        {
            _entries[slot].Until = until;
            _entries[slot].Origin = origin;
            return false;
        }
        int victim = 0;
        for (int i = 0; i < Capacity; i++)
        {
            if (!IsLive(i, now))
            {
                victim = i;
                break;
            }
            if (_entries[i].Until < _entries[victim].Until)
                victim = i;
        }
        _entries[victim].Address = address;
        _entries[victim].Until = until;
        _entries[victim].Origin = origin;
        return true;
    }

    /// <summary>Forgets every server learnt from <paramref name="origin"/> (a DHCP lease that ended).</summary>
    public void Forget(DnsServerOrigin origin)
    {
        for (int i = 0; i < Capacity; i++)
        {
            if (_entries[i].Origin == origin)
                _entries[i].Origin = 0;
        }
    }

    /// <summary>The servers usable at <paramref name="now"/>.</summary>
    public readonly int Count(long now)
    {
        int count = 0;
        for (int i = 0; i < Capacity; i++)
        {
            if (IsLive(i, now))
                count++;
        }
        return count;
    }

    /// <summary>The <paramref name="index"/>th server usable at <paramref name="now"/>, in table order.</summary>
    public readonly bool TryGet(int index, long now, out Ipv6Address address, out DnsServerOrigin origin)
    {
        for (int i = 0; i < Capacity; i++)
        {
            if (!IsLive(i, now))
                continue;
            if (index-- == 0)
            {
                address = _entries[i].Address;
                origin = _entries[i].Origin;
                return true;
            }
        }
        address = default;
        origin = 0;
        return false;
    }

    private readonly bool IsLive(int slot, long now) => _entries[slot].Origin != 0 && now < _entries[slot].Until;

    private readonly int Find(Ipv6Address address, long now)
    {
        for (int i = 0; i < Capacity; i++)
        {
            if (IsLive(i, now) && _entries[i].Address == address)
                return i;
        }
        return -1;
    }
}
