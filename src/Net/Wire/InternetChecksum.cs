using System.Buffers.Binary;

namespace Unikernel.Net.Wire;

/// <summary>
/// The Internet checksum: the 16-bit one's-complement of the one's-complement sum of the data
/// taken as big-endian 16-bit words, an odd last byte padded with a zero on the right (RFC 1071).
/// </summary>
/// <remarks>
/// <para>
/// Sums are kept folded to 16 bits and not complemented, so pieces can be added with
/// <see cref="Add"/>: a pseudo-header, then the header, then the payload. Every piece but the
/// last must have an even length, or the bytes after it would be summed in the wrong lane.
/// </para>
/// <para>
/// A one's-complement sum of data that is not all zeros is never +0 (0x0000), so data that
/// carries its own correct checksum sums to 0xFFFF; that is what the Verify methods test.
/// </para>
/// </remarks>
public static class InternetChecksum
{
    /// <summary>The one's-complement sum of <paramref name="data"/>, folded to 16 bits.</summary>
    public static ushort Sum(ReadOnlySpan<byte> data) => Fold(Accumulate(0, data));

    /// <summary>The one's-complement sum of <paramref name="data"/> added to an earlier sum.</summary>
    public static ushort Sum(ReadOnlySpan<byte> data, ushort initial) => Fold(Accumulate(initial, data));

    /// <summary>One's-complement addition of two folded sums: the carry out of bit 15 comes back in at bit 0.</summary>
    public static ushort Add(ushort left, ushort right)
    {
        uint sum = (uint)left + right;
        return (ushort)((sum & 0xFFFF) + (sum >> 16));
    }

    /// <summary>The checksum to store for <paramref name="data"/>: the complement of its sum.</summary>
    public static ushort Compute(ReadOnlySpan<byte> data) => (ushort)~Sum(data);

    /// <summary>True if <paramref name="data"/>, its checksum field included, sums to 0xFFFF.</summary>
    public static bool Verify(ReadOnlySpan<byte> data) => Sum(data) == 0xFFFF;

    /// <summary>
    /// The sum of the IPv4 pseudo-header: source, destination, a zero octet, the protocol and the
    /// upper-layer length (RFC 768 for UDP, RFC 9293 section 3.1 for TCP).
    /// </summary>
    public static ushort PseudoHeaderSum(Ipv4Address source, Ipv4Address destination, IpProtocol protocol, int length)
    {
        // Whole 32-bit words may be added and folded later: 2^16 is 1 in one's-complement arithmetic.
        ulong sum = (ulong)source.Value + destination.Value + (byte)protocol + (ushort)length;
        return Fold(sum);
    }

    /// <summary>
    /// The sum of the IPv6 pseudo-header: source, destination, the 32-bit upper-layer packet length,
    /// three zero octets and the Next Header value (RFC 8200 section 8.1; RFC 4443 section 2.3 for ICMPv6).
    /// </summary>
    /// <remarks>
    /// <paramref name="destination"/> is the final destination: with a Routing header it is the
    /// last address in that header, not the one in the IPv6 header (RFC 8200 section 8.1).
    /// </remarks>
    public static ushort PseudoHeaderSum(in Ipv6Address source, in Ipv6Address destination, IpProtocol nextHeader, int length)
    {
        ulong sum = (source.High >> 32) + (source.High & 0xFFFF_FFFF) + (source.Low >> 32) + (source.Low & 0xFFFF_FFFF)
            + (destination.High >> 32) + (destination.High & 0xFFFF_FFFF) + (destination.Low >> 32) + (destination.Low & 0xFFFF_FFFF)
            + (uint)length + (byte)nextHeader;
        return Fold(sum);
    }

    /// <summary>
    /// Adds the data to a running sum a 32-bit word at a time (RFC 1071 section 2(C): wider
    /// words, folded at the end, give the same one's-complement sum).
    /// </summary>
    /// <remarks>
    /// <para>
    /// Words are summed as the CPU loads them (little-endian on every target here) and the folded
    /// result swapped once: the sum is independent of byte order (RFC 1071 section 2(B)). That
    /// costs no byte reversal per word, and pointers cost no bounds check: under QEMU's TCG every
    /// branch ends a translation block, and this runs over every byte of every frame.
    /// </para>
    /// <para>
    /// Only aligned words are loaded (with the MMU off an unaligned load faults on ARM): a
    /// halfword first to reach a word boundary, as a frame's IP header sits 14 bytes into it. Data
    /// at an odd address is summed a byte pair at a time. A 64-bit accumulator cannot overflow on
    /// any span: 2^29 words of at most 2^32 each.
    /// </para>
    /// </remarks>
    private static unsafe ulong Accumulate(ulong sum, ReadOnlySpan<byte> data)
    {
        fixed (byte* start = data)
        {
            byte* p = start;
            byte* end = start + data.Length;
            if (((nuint)p & 1) != 0)
            {
                for (; end - p >= 2; p += 2)
                    sum += (uint)(p[0] << 8 | p[1]);
                if (p < end)
                    sum += (ulong)p[0] << 8;
                return sum;
            }
            ulong native = 0;
            if (((nuint)p & 2) != 0 && end - p >= 2)
            {
                native += *(ushort*)p;
                p += 2;
            }
            for (; end - p >= 16; p += 16)
                native += (ulong)((uint*)p)[0] + ((uint*)p)[1] + ((uint*)p)[2] + ((uint*)p)[3];
            for (; end - p >= 4; p += 4)
                native += *(uint*)p;
            if (end - p >= 2)
            {
                native += *(ushort*)p;
                p += 2;
            }
            if (p < end)
                native += *p; // the odd last byte, padded on the right: the low byte of a little-endian halfword
            return sum + BinaryPrimitives.ReverseEndianness(Fold(native));
        }
    }

    /// <summary>Folds a wide sum to 16 bits with end-around carries; never yields 0 unless the sum was 0.</summary>
    private static ushort Fold(ulong sum)
    {
        sum = (sum & 0xFFFF_FFFF) + (sum >> 32);
        sum = (sum & 0xFFFF_FFFF) + (sum >> 32);
        sum = (sum & 0xFFFF) + (sum >> 16);
        sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)sum;
    }
}
