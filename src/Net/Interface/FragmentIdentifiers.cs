using Unikernel.Net.Tcp;
using Unikernel.Net.Wire;

namespace Unikernel.Net;

/// <summary>
/// Identifications of the datagrams we fragment, both families: F(source, destination, secret)
/// plus a counter bumped per datagram, F being SipHash-2-4 (RFC 7739 section 5.3's hash-based
/// scheme with one counter). Each pair of addresses gets a run of values that never repeats
/// within 2^16 (IPv4) or 2^32 (IPv6) datagrams, as RFC 6864 section 4.1 asks of IPv4; nobody who
/// does not know the secret can tell where another pair's run stands (RFC 7739 section 3).
/// </summary>
internal struct FragmentIdentifiers
{
    /// <summary>Set apart from the TCP sequence number hash, which uses the same secret.</summary>
    private const ulong Domain = 0x6672_6167_6D65_6E74; // "fragment"

    private readonly ulong _k0;
    private readonly ulong _k1;
    private uint _counter;

    public FragmentIdentifiers(ulong k0, ulong k1)
    {
        _k0 = k0 ^ Domain;
        _k1 = k1;
        _counter = 0;
    }

    /// <summary>The identification of the next datagram from <paramref name="source"/> to <paramref name="destination"/> (IPv4-mapped for IPv4).</summary>
    public uint Next(in Ipv6Address source, in Ipv6Address destination)
    {
        Span<byte> message = stackalloc byte[2 * Ipv6Address.Length];
        source.CopyTo(message);
        destination.CopyTo(message.Slice(Ipv6Address.Length));
        return unchecked((uint)SipHash.Hash24(_k0, _k1, message) + ++_counter);
    }
}
