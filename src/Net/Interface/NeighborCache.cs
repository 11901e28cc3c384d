using System.Runtime.CompilerServices;
using Unikernel.Net.Wire;

namespace Unikernel.Net;

/// <summary>
/// The neighbour cache of RFC 4861 section 7.3, serving ARP too: IPv4 addresses are kept as
/// IPv4-mapped IPv6 addresses (::ffff:a.b.c.d), so one bounded table, one state machine and one
/// set of timers cover both families. Inline, no allocation; times are milliseconds from the
/// caller's clock.
/// </summary>
/// <remarks>
/// When full, a new entry replaces the one used longest ago, preferring entries still being
/// resolved (so a flood of unanswered lookups cannot evict the neighbours we talk to).
/// </remarks>
public struct NeighborCache
{
    /// <summary>How many neighbours we remember: a bootloader talks to one or two, a router among them.</summary>
    public const int Capacity = 8;

    /// <summary>REACHABLE_TIME (RFC 4861 section 10): a confirmation is trusted this long.</summary>
    public const long ReachableTime = 30_000;

    /// <summary>RETRANS_TIMER (RFC 4861 section 10): between two solicitations for one neighbour.</summary>
    public const long RetransmitTime = 1_000;

    /// <summary>DELAY_FIRST_PROBE_TIME (RFC 4861 section 10).</summary>
    public const long DelayFirstProbeTime = 5_000;

    /// <summary>MAX_MULTICAST_SOLICIT and MAX_UNICAST_SOLICIT (RFC 4861 section 10).</summary>
    public const int MaxSolicitations = 3;

    private Entries _entries;
    private uint _sequence;

    private struct Entry
    {
        public Ipv6Address Address;
        public MacAddress Mac;
        public NeighborState State;
        public byte Solicitations;
        public long Deadline;

        /// <summary>A stamp from the cache's counter, taken when made or last used: the least recently used is evicted first.</summary>
        public uint Used;
    }

    [InlineArray(Capacity)]
    private struct Entries
    {
        private Entry _first;
    }

    /// <summary>The entries in use, incomplete ones included.</summary>
    public readonly int Count
    {
        get
        {
            int count = 0;
            for (int i = 0; i < Capacity; i++)
            {
                if (_entries[i].State != NeighborState.None)
                    count++;
            }
            return count;
        }
    }

    /// <summary>The state of the entry for <paramref name="address"/>; <see cref="NeighborState.None"/> if there is none.</summary>
    public readonly NeighborState StateOf(in Ipv6Address address)
    {
        int index = Find(address);
        return index < 0 ? NeighborState.None : _entries[index].State;
    }

    /// <summary>The link-layer address known for <paramref name="address"/>, without changing any state.</summary>
    public readonly bool TryLookup(in Ipv6Address address, out MacAddress mac)
    {
        int index = Find(address);
        if (index >= 0 && _entries[index].State > NeighborState.Incomplete)
        {
            mac = _entries[index].Mac;
            return true;
        }
        mac = default;
        return false;
    }

    /// <summary>
    /// Unconfirmed news of a neighbour (a solicitation's source link-layer option, an ARP
    /// request for us, a router advertisement): creates it as stale, completes an incomplete
    /// entry, and makes an entry stale if the address changed (RFC 4861 section 7.2.3).
    /// </summary>
    public void Learn(Ipv6Address address, MacAddress mac, long now)
    {
        int index = Find(address);
        if (index < 0)
            index = Allocate(address, now);
        ref Entry entry = ref _entries[index];
        if (entry.State == NeighborState.None || entry.State == NeighborState.Incomplete || entry.Mac != mac)
        {
            entry.Mac = mac;
            entry.State = NeighborState.Stale;
            entry.Solicitations = 0;
        }
    }

    /// <summary>
    /// RFC 826's merge step for ARP: update the entry if there is one, as stale news; false if
    /// there is none (then only a packet for us may add it, through <see cref="Learn"/>).
    /// </summary>
    public bool Merge(Ipv6Address address, MacAddress mac, long now)
    {
        if (Find(address) < 0)
            return false;
        Learn(address, mac, now);
        return true;
    }

    /// <summary>
    /// A confirmation: a solicited advertisement or an ARP reply for an entry we have (RFC 4861
    /// section 7.2.5). Unsolicited answers for unknown addresses are not added.
    /// </summary>
    public bool Confirm(Ipv6Address address, MacAddress mac, bool solicited, bool overrideFlag, long now)
    {
        int index = Find(address);
        if (index < 0)
            return false;
        ref Entry entry = ref _entries[index];
        bool changed = entry.State != NeighborState.Incomplete && entry.Mac != mac;
        // A different address without Override does not replace a known one (section 7.2.5).
        if (changed && !overrideFlag)
        {
            if (entry.State == NeighborState.Reachable)
                entry.State = NeighborState.Stale;
            return true;
        }
        entry.Mac = mac;
        entry.Solicitations = 0;
        if (solicited)
        {
            entry.State = NeighborState.Reachable;
            entry.Deadline = now + ReachableTime;
        }
        else if (changed || entry.State == NeighborState.Incomplete)
            entry.State = NeighborState.Stale;
        return true;
    }

    /// <summary>
    /// The link-layer address to send to <paramref name="address"/> now. A stale entry in use
    /// starts the delay before probing (section 7.3.3); an unknown address gets an incomplete
    /// entry whose first solicitation is due at once: the answer is then false until it resolves.
    /// </summary>
    public bool Resolve(Ipv6Address address, long now, out MacAddress mac)
    {
        int index = Find(address);
        if (index < 0)
        {
            index = Allocate(address, now);
            ref Entry fresh = ref _entries[index];
            fresh.State = NeighborState.Incomplete;
            fresh.Solicitations = 0;
            fresh.Deadline = now;
            mac = default;
            return false;
        }
        ref Entry entry = ref _entries[index];
        entry.Used = ++_sequence;
        if (entry.State == NeighborState.Incomplete)
        {
            mac = default;
            return false;
        }
        if (entry.State == NeighborState.Reachable && now - entry.Deadline >= 0)
            entry.State = NeighborState.Stale;
        if (entry.State == NeighborState.Stale)
        {
            entry.State = NeighborState.Delay;
            entry.Deadline = now + DelayFirstProbeTime;
        }
        mac = entry.Mac;
        return true;
    }

    /// <summary>
    /// The next solicitation due at <paramref name="now"/>, if any: multicast for an incomplete
    /// entry (<paramref name="unicastTo"/> is the zero MAC), unicast to the known address for a
    /// probe. Entries whose solicitations all went unanswered are removed here (section 7.3.3),
    /// so a sender waiting on them sees <see cref="NeighborState.None"/>.
    /// </summary>
    public bool TryTakeSolicitation(long now, out Ipv6Address address, out MacAddress unicastTo)
    {
        for (int i = 0; i < Capacity; i++)
        {
            ref Entry entry = ref _entries[i];
            if (entry.State == NeighborState.None || now - entry.Deadline < 0)
                continue;
            switch (entry.State)
            {
                case NeighborState.Reachable:
                    entry.State = NeighborState.Stale;
                    continue;
                case NeighborState.Delay:
                    entry.State = NeighborState.Probe;
                    entry.Solicitations = 0;
                    break;
                case NeighborState.Incomplete:
                case NeighborState.Probe:
                    break;
                default:
                    continue;
            }
            if (entry.Solicitations >= MaxSolicitations)
            {
                entry.State = NeighborState.None;
                continue;
            }
            entry.Solicitations++;
            entry.Deadline = now + RetransmitTime;
            address = entry.Address;
            unicastTo = entry.State == NeighborState.Probe ? entry.Mac : MacAddress.Zero;
            return true;
        }
        address = default;
        unicastTo = default;
        return false;
    }

    /// <summary>When <see cref="TryTakeSolicitation"/> next has work (<see cref="long.MaxValue"/> if never).</summary>
    public readonly long NextDeadline
    {
        get
        {
            long next = long.MaxValue;
            for (int i = 0; i < Capacity; i++)
            {
                NeighborState state = _entries[i].State;
                if (state != NeighborState.None && state != NeighborState.Stale && _entries[i].Deadline < next)
                    next = _entries[i].Deadline;
            }
            return next;
        }
    }

    /// <summary>Forgets <paramref name="address"/>.</summary>
    public void Remove(Ipv6Address address)
    {
        int index = Find(address);
        if (index >= 0)
            _entries[index].State = NeighborState.None;
    }

    /// <summary>Forgets every entry.</summary>
    public void Clear()
    {
        for (int i = 0; i < Capacity; i++)
            _entries[i].State = NeighborState.None;
    }

    private readonly int Find(in Ipv6Address address)
    {
        for (int i = 0; i < Capacity; i++)
        {
            if (_entries[i].State != NeighborState.None && _entries[i].Address == address)
                return i;
        }
        return -1;
    }

    /// <summary>A free slot, else the least recently used one, resolved entries before incomplete ones.</summary>
    private int Allocate(Ipv6Address address, long now)
    {
        int victim = -1;
        for (int i = 0; i < Capacity; i++)
        {
            if (_entries[i].State == NeighborState.None)
            {
                victim = i;
                break;
            }
            if (victim < 0 || IsBetterVictim(i, victim))
                victim = i;
        }
        ref Entry entry = ref _entries[victim];
        entry.Address = address;
        entry.Mac = MacAddress.Zero;
        entry.State = NeighborState.None;
        entry.Solicitations = 0;
        entry.Deadline = now;
        entry.Used = ++_sequence;
        return victim;
    }

    /// <summary>Incomplete entries go first, then the one used longest ago (stamps compared across wrap-around).</summary>
    private readonly bool IsBetterVictim(int candidate, int victim)
    {
        bool candidateIncomplete = _entries[candidate].State == NeighborState.Incomplete;
        if (candidateIncomplete != (_entries[victim].State == NeighborState.Incomplete))
            return candidateIncomplete;
        return (int)(_entries[candidate].Used - _entries[victim].Used) < 0;
    }
}
