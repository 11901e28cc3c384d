using System.Runtime.CompilerServices;
using Unikernel.Net.Wire;

namespace Unikernel.Net;

/// <summary>The life of one of our IPv6 unicast addresses (RFC 4862 section 2, RFC 4429 for optimistic).</summary>
public enum AddressState : byte
{
    None = 0,

    /// <summary>Duplicate address detection under way, the address already in use (RFC 4429): advertisements for it carry no Override flag.</summary>
    Optimistic,

    /// <summary>Unique as far as we know.</summary>
    Preferred,

    /// <summary>Its preferred lifetime is over: still answered, no longer chosen as a source.</summary>
    Deprecated,
}

/// <summary>
/// Our IPv6 unicast addresses: the link-local one in slot 0 and a few from SLAAC. Inline,
/// with the duplicate address detection and lifetime timers of each (times in milliseconds).
/// </summary>
public struct Ipv6AddressTable
{
    /// <summary>The link-local address and two global ones: enough for one router and a renumbering.</summary>
    public const int Capacity = 3;

    /// <summary>RetransTimer between DAD solicitations and before an address is unique (RFC 4862 section 5.4, RFC 4861 section 10).</summary>
    public const long DadWait = 1_000;

    /// <summary>A lifetime that never runs out (all ones in the prefix option, RFC 4861 section 4.6.2).</summary>
    public const long Forever = long.MaxValue;

    private Entries _entries;

    internal struct Entry
    {
        public Ipv6Address Address;
        public AddressState State;
        public bool DadDue;
        public bool OnLink;
        public long DadDeadline;
        public long PreferredUntil;
        public long ValidUntil;
    }

    [InlineArray(Capacity)]
    internal struct Entries
    {
        private Entry _first;
    }

    /// <summary>The address in <paramref name="slot"/> (0 to <see cref="Capacity"/> - 1) and its state; state None when empty.</summary>
    public readonly Ipv6Address this[int slot] => _entries[slot].Address;

    public readonly AddressState StateAt(int slot) => _entries[slot].State;

    /// <summary>The slot holding <paramref name="address"/>, or -1.</summary>
    public readonly int Find(Ipv6Address address)
    {
        for (int i = 0; i < Capacity; i++)
        {
            if (_entries[i].State != AddressState.None && _entries[i].Address == address)
                return i;
        }
        return -1;
    }

    public readonly bool Contains(Ipv6Address address) => Find(address) >= 0;

    /// <summary>All-nodes, and the solicited-node group of each of our addresses (RFC 4291 section 2.8).</summary>
    public readonly bool IsOurGroup(Ipv6Address destination)
    {
        if (destination == Ipv6Address.AllNodes)
            return true;
        for (int i = 0; i < Capacity; i++)
        {
            if (_entries[i].State != AddressState.None && destination == _entries[i].Address.SolicitedNode)
                return true;
        }
        return false;
    }

    /// <summary>True if <paramref name="address"/> is ours and still under duplicate address detection.</summary>
    public readonly bool IsOptimistic(Ipv6Address address)
    {
        int slot = Find(address);
        return slot >= 0 && _entries[slot].State == AddressState.Optimistic;
    }

    /// <summary>
    /// Sets <paramref name="slot"/> to <paramref name="address"/>: optimistic with a DAD
    /// solicitation due when <paramref name="detectDuplicates"/>, else preferred at once.
    /// </summary>
    public void Set(int slot, Ipv6Address address, bool detectDuplicates, bool onLink, long preferredUntil, long validUntil)
    {
        ref Entry entry = ref _entries[slot];
        entry.Address = address;
        entry.State = detectDuplicates ? AddressState.Optimistic : AddressState.Preferred;
        entry.DadDue = detectDuplicates;
        entry.OnLink = onLink;
        entry.PreferredUntil = preferredUntil;
        entry.ValidUntil = validUntil;
    }

    /// <summary>A free global slot (1 and up), or -1.</summary>
    public readonly int FreeGlobalSlot()
    {
        for (int i = 1; i < Capacity; i++)
        {
            if (_entries[i].State == AddressState.None)
                return i;
        }
        return -1;
    }

    public void Remove(int slot) => _entries[slot].State = AddressState.None;

    public readonly bool IsOnLinkPrefix(int slot) => _entries[slot].OnLink;

    public readonly long ValidUntil(int slot) => _entries[slot].ValidUntil;

    /// <summary>New lifetimes from a router advertisement; a deprecated address preferred again if the new lifetime allows.</summary>
    public void SetLifetimes(int slot, bool onLink, long preferredUntil, long validUntil, long now)
    {
        ref Entry entry = ref _entries[slot];
        entry.OnLink |= onLink;
        entry.PreferredUntil = preferredUntil;
        entry.ValidUntil = validUntil;
        if (entry.State == AddressState.Deprecated && (preferredUntil == Forever || preferredUntil - now > 0))
            entry.State = AddressState.Preferred;
    }

    /// <summary>The next DAD solicitation due: the tentative address it is for.</summary>
    public bool TryTakeDadSolicitation(long now, out Ipv6Address target)
    {
        for (int i = 0; i < Capacity; i++)
        {
            ref Entry entry = ref _entries[i];
            if (entry.State == AddressState.Optimistic && entry.DadDue)
            {
                entry.DadDue = false;
                entry.DadDeadline = now + DadWait;
                target = entry.Address;
                return true;
            }
        }
        target = default;
        return false;
    }

    /// <summary>
    /// Moves the timers on to <paramref name="now"/>: DAD that heard no objection makes the
    /// address preferred; a preferred lifetime that ran out deprecates it. Returns the slot of
    /// a global address whose valid lifetime ran out (removed), or -1.
    /// </summary>
    public int Advance(long now)
    {
        int expired = -1;
        for (int i = 0; i < Capacity; i++)
        {
            ref Entry entry = ref _entries[i];
            if (entry.State == AddressState.None)
                continue;
            if (entry.State == AddressState.Optimistic && !entry.DadDue && now - entry.DadDeadline >= 0)
                entry.State = AddressState.Preferred;
            if (entry.State == AddressState.Preferred && entry.PreferredUntil != Forever && now - entry.PreferredUntil >= 0)
                entry.State = AddressState.Deprecated;
            if (i > 0 && entry.ValidUntil != Forever && now - entry.ValidUntil >= 0 && expired < 0)
            {
                entry.State = AddressState.None;
                expired = i;
            }
        }
        return expired;
    }

    /// <summary>When <see cref="Advance"/> or <see cref="TryTakeDadSolicitation"/> next has work.</summary>
    public readonly long NextDeadline(long now)
    {
        long next = long.MaxValue;
        for (int i = 0; i < Capacity; i++)
        {
            ref readonly Entry entry = ref _entries[i];
            if (entry.State == AddressState.None)
                continue;
            if (entry.State == AddressState.Optimistic)
                next = Earlier(next, entry.DadDue ? now : entry.DadDeadline);
            if (entry.State == AddressState.Preferred && entry.PreferredUntil != Forever)
                next = Earlier(next, entry.PreferredUntil);
            if (i > 0 && entry.ValidUntil != Forever)
                next = Earlier(next, entry.ValidUntil);
        }
        return next;
    }

    private static long Earlier(long a, long b) => a < b ? a : b;
}
