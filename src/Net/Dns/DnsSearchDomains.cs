using Unikernel.Net.Wire;

namespace Unikernel.Net;

/// <summary>
/// The DNS search domains known to an interface (RFC 8106 DNSSL, DHCP option 15), a fixed
/// table of <see cref="Capacity"/> names in wire form with their lifetimes, made at start-up.
/// The resolver appends the first to a single-label name (<see cref="DnsResolver"/>).
/// </summary>
public sealed class DnsSearchDomains
{
    /// <summary>Domains kept at once: a host on one link rarely has more than one or two.</summary>
    public const int Capacity = 2;

    private readonly byte[] _names = new byte[Capacity * DnsName.MaximumLength];
    private readonly int[] _lengths = new int[Capacity];
    private readonly long[] _until = new long[Capacity];
    private readonly DnsServerOrigin[] _origins = new DnsServerOrigin[Capacity];

    /// <summary>
    /// Adds or refreshes the domain <paramref name="wireName"/> (uncompressed wire form) until
    /// <paramref name="until"/>; one at or before <paramref name="now"/> removes it. A full table
    /// replaces the entry that expires first.
    /// </summary>
    public void Learn(ReadOnlySpan<byte> wireName, DnsServerOrigin origin, long until, long now)
    {
        if (wireName.Length < 2 || wireName.Length > DnsName.MaximumLength || DnsName.CountLabels(wireName) < 1)
            return;
        int slot = Find(wireName, now);
        if (until <= now)
        {
            if (slot >= 0)
                _origins[slot] = 0;
            return;
        }
        if (slot < 0)
        {
            slot = 0;
            for (int i = 0; i < Capacity; i++)
            {
                if (!IsLive(i, now))
                {
                    slot = i;
                    break;
                }
                if (_until[i] < _until[slot])
                    slot = i;
            }
            wireName.CopyTo(_names.AsSpan(slot * DnsName.MaximumLength));
            _lengths[slot] = wireName.Length;
        }
        _until[slot] = until;
        _origins[slot] = origin;
    }

    /// <summary>Forgets every domain learnt from <paramref name="origin"/>.</summary>
    public void Forget(DnsServerOrigin origin)
    {
        for (int i = 0; i < Capacity; i++)
        {
            if (_origins[i] == origin)
                _origins[i] = 0;
        }
    }

    /// <summary>The <paramref name="index"/>th domain usable at <paramref name="now"/>, in wire form.</summary>
    public bool TryGet(int index, long now, out ReadOnlySpan<byte> wireName)
    {
        for (int i = 0; i < Capacity; i++)
        {
            if (!IsLive(i, now))
                continue;
            if (index-- == 0)
            {
                wireName = _names.AsSpan(i * DnsName.MaximumLength, _lengths[i]);
                return true;
            }
        }
        wireName = default;
        return false;
    }

    private bool IsLive(int slot, long now) => _origins[slot] != 0 && now < _until[slot];

    private int Find(ReadOnlySpan<byte> wireName, long now)
    {
        for (int i = 0; i < Capacity; i++)
        {
            if (IsLive(i, now) && DnsName.Equal(_names.AsSpan(i * DnsName.MaximumLength, _lengths[i]), 0, wireName, 0))
                return i;
        }
        return -1;
    }
}
