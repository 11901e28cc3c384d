using System.Runtime.CompilerServices;
using Unikernel.Net.Wire;

namespace Unikernel.Net;

/// <summary>
/// A bounded table of IPv4-to-Ethernet translations (RFC 826, "Packet Reception"): a few
/// entries inline, no allocation; when full, a new entry replaces the one written longest ago.
/// </summary>
/// <remarks>
/// There is no clock here, so entries do not age out by time (RFC 1122 section 2.3.2.1 asks for
/// a timeout); an entry is refreshed whenever its owner sends ARP again, and eviction by age of
/// the last write keeps the table to the hosts that talk to us.
/// </remarks>
public struct ArpCache
{
    /// <summary>How many hosts we remember: a bootloader talks to one or two.</summary>
    public const int Capacity = 8;

    private Entries _entries;
    private int _count;
    private uint _clock;

    private struct Entry
    {
        public Ipv4Address Address;
        public MacAddress Mac;
        public uint Written;
    }

    [InlineArray(Capacity)]
    private struct Entries
    {
        private Entry _first;
    }

    /// <summary>The entries in use.</summary>
    public readonly int Count => _count;

    /// <summary>The Ethernet address last learned for <paramref name="address"/>.</summary>
    public readonly bool TryLookup(Ipv4Address address, out MacAddress mac)
    {
        for (int i = 0; i < _count; i++)
        {
            if (_entries[i].Address == address)
            {
                mac = _entries[i].Mac;
                return true;
            }
        }
        mac = default;
        return false;
    }

    /// <summary>Updates the entry for <paramref name="address"/> if there is one (RFC 826's merge step); false if there is none.</summary>
    public bool Update(Ipv4Address address, MacAddress mac)
    {
        for (int i = 0; i < _count; i++)
        {
            if (_entries[i].Address == address)
            {
                _entries[i].Mac = mac;
                _entries[i].Written = ++_clock;
                return true;
            }
        }
        return false;
    }

    /// <summary>Adds or updates the entry for <paramref name="address"/>, evicting the one written longest ago when full.</summary>
    public void Add(Ipv4Address address, MacAddress mac)
    {
        if (Update(address, mac))
            return;
        int slot = _count;
        if (_count == Capacity)
        {
            // Ages as unsigned differences from the clock, so its wrap-around does no harm.
            slot = 0;
            for (int i = 1; i < Capacity; i++)
            {
                if (_clock - _entries[i].Written > _clock - _entries[slot].Written)
                    slot = i;
            }
        }
        else
            _count++;
        _entries[slot].Address = address;
        _entries[slot].Mac = mac;
        _entries[slot].Written = ++_clock;
    }

    /// <summary>Forgets every entry.</summary>
    public void Clear()
    {
        _count = 0;
        _clock = 0;
    }
}
