using Unikernel.Net.Wire;

namespace Unikernel.Net;

/// <summary>
/// Answers kept for their time to live: a fixed number of entries made at start-up, each a
/// name (wire form), a type and up to <see cref="DnsResolver.MaximumAddresses"/> addresses.
/// A TTL is capped at <see cref="MaximumTimeToLiveSeconds"/>; only positive answers are kept
/// (no negative caching, RFC 2308 is optional for a stub). A full cache replaces the entry
/// that expires first. Nothing is allocated after construction.
/// </summary>
internal sealed class DnsCache
{
    /// <summary>
    /// The longest an answer is kept, whatever its TTL: five minutes, so a kernel that runs for
    /// weeks sees a renumbering soon even when a server hands out day-long TTLs.
    /// </summary>
    public const uint MaximumTimeToLiveSeconds = 300;

    private const int NameSize = DnsName.MaximumLength;
    private readonly byte[] _names;
    private readonly int[] _nameLengths;
    private readonly DnsRecordType[] _types;
    private readonly Ipv6Address[] _addresses;
    private readonly int[] _counts;
    private readonly long[] _expires;

    public DnsCache(int entries)
    {
        _names = new byte[entries * NameSize];
        _nameLengths = new int[entries];
        _types = new DnsRecordType[entries];
        _addresses = new Ipv6Address[entries * DnsResolver.MaximumAddresses];
        _counts = new int[entries];
        _expires = new long[entries];
    }

    /// <summary>The addresses kept for <paramref name="wireName"/> and <paramref name="type"/>, copied into <paramref name="addresses"/>; 0 when none.</summary>
    public int Lookup(ReadOnlySpan<byte> wireName, DnsRecordType type, long now, Span<Ipv6Address> addresses)
    {
        int slot = Find(wireName, type, now);
        if (slot < 0)
            return 0;
        int count = _counts[slot] < addresses.Length ? _counts[slot] : addresses.Length;
        _addresses.AsSpan(slot * DnsResolver.MaximumAddresses, count).CopyTo(addresses);
        return count;
    }

    /// <summary>Keeps <paramref name="addresses"/> for <paramref name="timeToLive"/> seconds (capped); a TTL of 0 is not kept (RFC 1035 section 3.2.1).</summary>
    public void Store(ReadOnlySpan<byte> wireName, DnsRecordType type, ReadOnlySpan<Ipv6Address> addresses, uint timeToLive, long now)
    {
        if (_counts.Length == 0 || timeToLive == 0 || addresses.Length == 0 || wireName.Length > NameSize)
            return;
        if (timeToLive > MaximumTimeToLiveSeconds)
            timeToLive = MaximumTimeToLiveSeconds;
        int slot = Find(wireName, type, now);
        if (slot < 0)
        {
            slot = 0;
            for (int i = 0; i < _counts.Length; i++)
            {
                if (_counts[i] == 0 || now >= _expires[i])
                {
                    slot = i;
                    break;
                }
                if (_expires[i] < _expires[slot])
                    slot = i;
            }
        }
        wireName.CopyTo(_names.AsSpan(slot * NameSize));
        _nameLengths[slot] = wireName.Length;
        _types[slot] = type;
        int count = addresses.Length < DnsResolver.MaximumAddresses ? addresses.Length : DnsResolver.MaximumAddresses;
        addresses.Slice(0, count).CopyTo(_addresses.AsSpan(slot * DnsResolver.MaximumAddresses));
        _counts[slot] = count;
        _expires[slot] = now + timeToLive * 1000L;
    }

    private int Find(ReadOnlySpan<byte> wireName, DnsRecordType type, long now)
    {
        for (int i = 0; i < _counts.Length; i++)
        {
            if (_counts[i] != 0 && now < _expires[i] && _types[i] == type
                && DnsName.Equal(_names.AsSpan(i * NameSize, _nameLengths[i]), 0, wireName, 0))
                return i;
        }
        return -1;
    }
}
