using System.Buffers.Binary;
using Unikernel.Net.Wire;

namespace Unikernel.Net.Tcp;

/// <summary>
/// Initial sequence numbers as RFC 6528 section 3 recommends: ISN = M + F(localip, localport,
/// remoteip, remoteport, secretkey), where M is a timer ticking every 4 microseconds and F is a
/// keyed pseudorandom function, here SipHash-2-4 (<see cref="SipHash"/>). An off-path attacker
/// cannot guess a connection's ISN, yet a new incarnation of the same 4-tuple still starts above
/// the old one, as the clock-driven ISN of RFC 9293 section 3.4.1 intends.
/// </summary>
/// <remarks>
/// <para>
/// The key is 128 bits, fixed for the life of the generator; where it comes from (the board's
/// entropy source, the host's random generator) is the caller's business, but it must be secret
/// and should differ at each boot (RFC 6528 section 3).
/// </para>
/// <para>
/// Both families are hashed as IPv6 addresses, IPv4 as ::ffff:a.b.c.d
/// (<see cref="Ipv6Address.MapIpv4"/>), the same key the stack's tables use, so an IPv4 and an
/// IPv6 connection can never hash the same input by accident of layout.
/// </para>
/// </remarks>
public readonly struct InitialSequenceNumbers
{
    /// <summary>The hashed message: local address and port, then remote address and port.</summary>
    private const int MessageLength = 2 * (Ipv6Address.Length + 2);

    private readonly ulong _k0;
    private readonly ulong _k1;

    /// <summary>The secret key as its two little-endian 64-bit halves (see <see cref="SipHash"/>).</summary>
    public InitialSequenceNumbers(ulong k0, ulong k1)
    {
        _k0 = k0;
        _k1 = k1;
    }

    /// <summary>The secret key as 16 bytes.</summary>
    public InitialSequenceNumbers(ReadOnlySpan<byte> key)
    {
        if (key.Length != SipHash.KeyLength)
            Kernel.Panic("InitialSequenceNumbers: the key is not 16 bytes"u8);
        _k0 = BinaryPrimitives.ReadUInt64LittleEndian(key);
        _k1 = BinaryPrimitives.ReadUInt64LittleEndian(key.Slice(8));
    }

    /// <summary>
    /// The ISN for a connection, from a clock in microseconds (any epoch, monotonic): M is the
    /// clock divided by 4, the 4-microsecond tick of RFC 6528 section 3, wrapping at 2^32.
    /// </summary>
    public SeqNumber FromMicroseconds(in Ipv6Address localAddress, ushort localPort, in Ipv6Address remoteAddress, ushort remotePort,
        long microseconds) =>
        new SeqNumber(unchecked((uint)(microseconds >> 2) + Hash(localAddress, localPort, remoteAddress, remotePort)));

    /// <summary>
    /// The ISN for a connection, from the stack's millisecond clock (any epoch, monotonic): M is
    /// milliseconds times 250, the same 4-microsecond tick advancing in steps of 250, since
    /// finer time is not known.
    /// </summary>
    public SeqNumber FromMilliseconds(in Ipv6Address localAddress, ushort localPort, in Ipv6Address remoteAddress, ushort remotePort,
        long milliseconds) =>
        new SeqNumber(unchecked((uint)(milliseconds * 250) + Hash(localAddress, localPort, remoteAddress, remotePort)));

    /// <inheritdoc cref="FromMilliseconds(Ipv6Address, ushort, Ipv6Address, ushort, long)"/>
    public SeqNumber FromMilliseconds(Ipv4Address localAddress, ushort localPort, Ipv4Address remoteAddress, ushort remotePort,
        long milliseconds) =>
        FromMilliseconds(Ipv6Address.MapIpv4(localAddress), localPort, Ipv6Address.MapIpv4(remoteAddress), remotePort, milliseconds);

    /// <inheritdoc cref="FromMicroseconds(Ipv6Address, ushort, Ipv6Address, ushort, long)"/>
    public SeqNumber FromMicroseconds(Ipv4Address localAddress, ushort localPort, Ipv4Address remoteAddress, ushort remotePort,
        long microseconds) =>
        FromMicroseconds(Ipv6Address.MapIpv4(localAddress), localPort, Ipv6Address.MapIpv4(remoteAddress), remotePort, microseconds);

    /// <summary>
    /// F: the low 32 bits of SipHash-2-4 over the 4-tuple laid out as on the wire (addresses and
    /// ports big-endian): local address, local port, remote address, remote port.
    /// </summary>
    public uint Hash(in Ipv6Address localAddress, ushort localPort, in Ipv6Address remoteAddress, ushort remotePort)
    {
        Span<byte> message = stackalloc byte[MessageLength];
        localAddress.CopyTo(message);
        BinaryPrimitives.WriteUInt16BigEndian(message.Slice(Ipv6Address.Length), localPort);
        remoteAddress.CopyTo(message.Slice(Ipv6Address.Length + 2));
        BinaryPrimitives.WriteUInt16BigEndian(message.Slice(2 * Ipv6Address.Length + 2), remotePort);
        return (uint)SipHash.Hash24(_k0, _k1, message);
    }
}
