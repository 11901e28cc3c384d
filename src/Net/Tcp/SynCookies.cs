using System.Buffers.Binary;
using Unikernel.Net.Wire;

namespace Unikernel.Net.Tcp;

/// <summary>
/// SYN cookies (RFC 4987 section 3.6): when the connection table has no room for a half-open
/// entry, the SYN-ACK's sequence number carries what the handshake needs, and the ACK that
/// completes it proves it, so a SYN flood cannot push a real client's handshake out of the table.
/// </summary>
/// <remarks>
/// <para>
/// Our own layout of the cookie (our ISS): bits 31 to 27 a period counter (the millisecond clock
/// over 2^16, about 65 s, modulo 32), bits 26 to 24 an index into <see cref="MssTable"/>, bits 23
/// to 0 the low 24 bits of SipHash-2-4 over the 4-tuple, the peer's initial sequence number, the
/// period and the MSS index. A cookie is good in its period and the next one (65 to 131 s), as
/// Linux accepts its cookies for up to two minutes; a blind attacker guesses 24 bits.
/// </para>
/// <para>
/// The key is the initial sequence numbers' key with k0 changed by a constant, so a cookie and an
/// ISN never come from the same function.
/// </para>
/// </remarks>
public readonly struct SynCookies
{
    /// <summary>The MSS values a cookie can say (3 bits): the largest not above the peer's is kept.</summary>
    public static ReadOnlySpan<ushort> MssTable => [64, 256, 536, 1024, 1220, 1360, 1440, 1460];

    /// <summary>log2 of the period in milliseconds.</summary>
    private const int PeriodShift = 16;

    private const int MacBits = 24;
    private const uint MacMask = (1u << MacBits) - 1;

    /// <summary>Local address and port, remote address and port, peer ISN, period, MSS index.</summary>
    private const int MessageLength = 2 * (Ipv6Address.Length + 2) + 4 + 4 + 1;

    /// <summary>"cookie" in ASCII: keeps this key apart from the ISN key it is made from.</summary>
    private const ulong KeyTweak = 0x636F6F6B6965;

    private readonly ulong _k0;
    private readonly ulong _k1;

    public SynCookies(ulong k0, ulong k1)
    {
        _k0 = k0 ^ KeyTweak;
        _k1 = k1;
    }

    /// <summary>The index in <see cref="MssTable"/> of the largest MSS not above <paramref name="mss"/> (0 below the smallest).</summary>
    public static int MssIndex(int mss)
    {
        var table = MssTable;
        int index = 0;
        for (int i = 1; i < table.Length; i++)
        {
            if (table[i] <= mss)
                index = i;
        }
        return index;
    }

    /// <summary>The cookie for a SYN from the remote end whose sequence number is <paramref name="peerIsn"/>, at <paramref name="milliseconds"/>.</summary>
    public SeqNumber Make(in Ipv6Address localAddress, ushort localPort, in Ipv6Address remoteAddress, ushort remotePort, SeqNumber peerIsn,
        long milliseconds, int mssIndex)
    {
        // The MAC covers the whole period count, the cookie carries its low 5 bits: a cookie seen
        // once does not become valid again when the 5-bit counter wraps (every ~35 minutes).
        uint period = (uint)(milliseconds >> PeriodShift);
        uint mac = Mac(localAddress, localPort, remoteAddress, remotePort, peerIsn, period, (uint)mssIndex) & MacMask;
        return new SeqNumber((period & 31) << 27 | (uint)(mssIndex & 7) << MacBits | mac);
    }

    /// <summary>
    /// True when <paramref name="cookie"/> (an ACK's acknowledgment number less one) is one we
    /// made for this 4-tuple and peer ISN in the current period or the one before; then
    /// <paramref name="mssIndex"/> is what it carries.
    /// </summary>
    public bool TryCheck(in Ipv6Address localAddress, ushort localPort, in Ipv6Address remoteAddress, ushort remotePort, SeqNumber peerIsn,
        SeqNumber cookie, long milliseconds, out int mssIndex)
    {
        uint value = cookie.Value;
        mssIndex = (int)(value >> MacBits & 7);
        // The whole period the cookie was made in: this one or the one before, told apart by the low 5 bits it carries.
        uint now = (uint)(milliseconds >> PeriodShift);
        uint period = (now & 31) == value >> 27 ? now : now - 1;
        if ((period & 31) != value >> 27)
            return false;
        return (value & MacMask) == (Mac(localAddress, localPort, remoteAddress, remotePort, peerIsn, period, (uint)mssIndex) & MacMask);
    }

    private uint Mac(in Ipv6Address localAddress, ushort localPort, in Ipv6Address remoteAddress, ushort remotePort, SeqNumber peerIsn,
        uint period, uint mssIndex)
    {
        Span<byte> message = stackalloc byte[MessageLength];
        localAddress.CopyTo(message);
        BinaryPrimitives.WriteUInt16BigEndian(message.Slice(Ipv6Address.Length), localPort);
        remoteAddress.CopyTo(message.Slice(Ipv6Address.Length + 2));
        BinaryPrimitives.WriteUInt16BigEndian(message.Slice(2 * Ipv6Address.Length + 2), remotePort);
        BinaryPrimitives.WriteUInt32BigEndian(message.Slice(2 * Ipv6Address.Length + 4), peerIsn.Value);
        BinaryPrimitives.WriteUInt32BigEndian(message.Slice(2 * Ipv6Address.Length + 8), period);
        message[MessageLength - 1] = (byte)mssIndex;
        return (uint)SipHash.Hash24(_k0, _k1, message);
    }
}
