using System.Buffers.Binary;

namespace Unikernel.Net.Tcp;

/// <summary>
/// SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF", 2012): a keyed
/// 64-bit hash of short messages that an attacker who does not know the key cannot predict,
/// which is what RFC 6528 section 3 asks of the function F behind initial sequence numbers.
/// Two compression rounds per 8-byte word, four finalization rounds.
/// </summary>
/// <remarks>
/// The 128-bit key is two little-endian 64-bit halves, k0 from key bytes 0 to 7, as in the
/// paper's reference code; message words are read little-endian too. Nothing is allocated.
/// </remarks>
public static class SipHash
{
    public const int KeyLength = 16;

    /// <summary>SipHash-2-4 of <paramref name="message"/> under the key given as its 16 bytes.</summary>
    public static ulong Hash24(ReadOnlySpan<byte> key, ReadOnlySpan<byte> message)
    {
        if (key.Length != KeyLength)
            Kernel.Panic("SipHash.Hash24: the key is not 16 bytes"u8);
        return Hash24(BinaryPrimitives.ReadUInt64LittleEndian(key), BinaryPrimitives.ReadUInt64LittleEndian(key.Slice(8)), message);
    }

    /// <summary>SipHash-2-4 of <paramref name="message"/> under the key (k0, k1).</summary>
    public static ulong Hash24(ulong k0, ulong k1, ReadOnlySpan<byte> message)
    {
        // The initialization constants spell "somepseudorandomlygeneratedbytes" (paper, section 2.1).
        ulong v0 = k0 ^ 0x736F6D6570736575;
        ulong v1 = k1 ^ 0x646F72616E646F6D;
        ulong v2 = k0 ^ 0x6C7967656E657261;
        ulong v3 = k1 ^ 0x7465646279746573;

        int whole = message.Length & ~7;
        for (int offset = 0; offset < whole; offset += 8)
        {
            ulong m = BinaryPrimitives.ReadUInt64LittleEndian(message.Slice(offset));
            v3 ^= m;
            Round(ref v0, ref v1, ref v2, ref v3);
            Round(ref v0, ref v1, ref v2, ref v3);
            v0 ^= m;
        }

        // The last word: the remaining 0 to 7 bytes, and the message length mod 256 in the top byte.
        ulong last = (ulong)(byte)message.Length << 56;
        for (int i = 0; i < message.Length - whole; i++)
            last |= (ulong)message[whole + i] << (8 * i);
        v3 ^= last;
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        v0 ^= last;

        v2 ^= 0xFF;
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        return v0 ^ v1 ^ v2 ^ v3;
    }

    /// <summary>One SipRound (paper, section 2.2).</summary>
    private static void Round(ref ulong v0, ref ulong v1, ref ulong v2, ref ulong v3)
    {
        v0 += v1;
        v1 = RotateLeft(v1, 13);
        v1 ^= v0;
        v0 = RotateLeft(v0, 32);
        v2 += v3;
        v3 = RotateLeft(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = RotateLeft(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = RotateLeft(v1, 17);
        v1 ^= v2;
        v2 = RotateLeft(v2, 32);
    }

    // BitOperations.RotateLeft(ulong, int) is not in src/Runtime; this is the same instruction.
    private static ulong RotateLeft(ulong value, int count) => value << count | value >> (64 - count);
}
