using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using Unikernel.Platform;

namespace Unikernel.Boot.Image;

/// <summary>
/// SHA-256 (FIPS 180-4), incremental and without allocation: <see cref="Append"/> any number of
/// times, then <see cref="Finish"/>. A value type holding its state (104 bytes): keep it in a
/// field or a local, and do not copy it midway unless a copy of the hash so far is meant.
/// </summary>
/// <remarks>
/// Whole blocks are hashed straight from the caller's span; only a partial block is copied
/// into <see cref="_pending"/>. Measured 2026-12-07 (ImageProbe, QEMU under a heavily loaded
/// host, medians of 5): orangepi-pc 2.8 MiB/s before the pointer block function, 16.6 after,
/// against 17.4 for the same algorithm in C (clang -O2 Thumb-2) in the same run; qemu-virt
/// 14.0 in C# and 23.5 with the ARMv8 instructions (QEMU runs each as a helper call).
/// </remarks>
public struct Sha256
{
    public const int HashLength = 32;
    public const int BlockLength = 64;

    private State _state;
    private Block _pending;
    private int _pendingLength;
    private ulong _length;

    /// <summary>H0 to H7 (FIPS 180-4 section 6.2), in order: the block function takes them by pointer.</summary>
    [InlineArray(8)]
    private struct State
    {
        private uint _first;
    }

    /// <summary>W0 to W63 (FIPS 180-4 section 6.2.2): a local, not stackalloc, whose frame pointer and stack cookie would take two registers.</summary>
    [InlineArray(64)]
    private struct Schedule
    {
        private uint _first;
    }

    [InlineArray(BlockLength)]
    private struct Block
    {
        private byte _first;
    }

    /// <summary>A hash of nothing yet.</summary>
    public Sha256()
    {
        Reset();
    }

    /// <summary>Starts over: a hash of nothing yet.</summary>
    public void Reset()
    {
        // FIPS 180-4 section 5.3.3.
        _state[0] = 0x6a09e667;
        _state[1] = 0xbb67ae85;
        _state[2] = 0x3c6ef372;
        _state[3] = 0xa54ff53a;
        _state[4] = 0x510e527f;
        _state[5] = 0x9b05688c;
        _state[6] = 0x1f83d9ab;
        _state[7] = 0x5be0cd19;
        _pendingLength = 0;
        _length = 0;
    }

    /// <summary>Bytes appended since the last <see cref="Reset"/>.</summary>
    public readonly ulong Length => _length;

    /// <summary>The hash of <paramref name="data"/>, into the first 32 bytes of <paramref name="hash"/>.</summary>
    public static void Hash(ReadOnlySpan<byte> data, Span<byte> hash)
    {
        var sha = new Sha256();
        sha.Append(data);
        sha.Finish(hash);
    }

    /// <summary>Hashes <paramref name="data"/> after what came before.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        _length += (ulong)data.Length;
        if (_pendingLength > 0)
        {
            int take = BlockLength - _pendingLength;
            if (data.Length < take)
            {
                data.CopyTo(((Span<byte>)_pending).Slice(_pendingLength));
                _pendingLength += data.Length;
                return;
            }
            data.Slice(0, take).CopyTo(((Span<byte>)_pending).Slice(_pendingLength));
            ProcessBlocks(_pending);
            data = data.Slice(take);
            _pendingLength = 0;
        }
        int whole = data.Length & ~(BlockLength - 1);
        if (whole > 0)
            ProcessBlocks(data.Slice(0, whole));
        data.Slice(whole).CopyTo(_pending);
        _pendingLength = data.Length - whole;
    }

    /// <summary>
    /// Pads, writes the 32-byte hash to the start of <paramref name="hash"/> and starts over
    /// (<see cref="Reset"/>). Panics if <paramref name="hash"/> is shorter than 32 bytes.
    /// </summary>
    public void Finish(Span<byte> hash)
    {
        if (hash.Length < HashLength)
            Kernel.Panic("Sha256.Finish: hash shorter than 32 bytes"u8);
        ulong bits = _length << 3;
        Span<byte> pending = _pending;
        pending[_pendingLength] = 0x80;
        pending.Slice(_pendingLength + 1).Clear();
        if (_pendingLength >= BlockLength - 8)
        {
            ProcessBlocks(pending);
            pending.Clear();
        }
        BinaryPrimitives.WriteUInt64BigEndian(pending.Slice(BlockLength - 8), bits);
        ProcessBlocks(pending);

        for (int i = 0; i < 8; i++)
            BinaryPrimitives.WriteUInt32BigEndian(hash.Slice(i * 4), _state[i]);
        Reset();
    }

    /// <summary>The round constants (FIPS 180-4 section 4.2.2).</summary>
    private static ReadOnlySpan<uint> K =>
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    /// <summary>Hashes whole 64-byte blocks (the length is a multiple of 64).</summary>
    private unsafe void ProcessBlocks(ReadOnlySpan<byte> blocks)
    {
        fixed (byte* data = blocks)
        fixed (uint* state = &_state[0])
            HashBlocks(state, data, blocks.Length / BlockLength);
    }

    /// <summary>
    /// The block function over <paramref name="count"/> blocks: in the CPU's SHA-256
    /// instructions where it has them (AArch64 with the Cryptographic Extension), else in C#.
    /// A first stage defines SHA256_WITHOUT_INSTRUCTIONS: 32 KiB has no room for both, and
    /// the one hash it makes (its second stage) is short.
    /// </summary>
    internal static unsafe void HashBlocks(uint* state, byte* data, int count)
    {
        if (count <= 0)
            return;
#if !SHA256_WITHOUT_INSTRUCTIONS
        if (Sha256Instructions.Available)
        {
            Sha256Instructions.HashBlocks(state, data, (nuint)count);
            return;
        }
#endif
        HashBlocksPortable(state, data, count);
    }

    /// <summary>
    /// The block function (FIPS 180-4 section 6.2.2) over <paramref name="count"/> blocks at
    /// <paramref name="data"/>, any alignment, with the eight words of <paramref name="state"/>.
    /// </summary>
    /// <remarks>
    /// Written for the code ilc emits under --Os on the emulated Cortex-A7, where every branch
    /// ends a translation block and every stack access is an emulated memory access: pointers
    /// only (no bounds checks), no calls (<see cref="Round"/> inlines), eight rounds a turn with
    /// the variables renamed instead of moved, the schedule in a 64-word stack array as C keeps it.
    /// </remarks>
    [SkipLocalsInit]
    internal static unsafe void HashBlocksPortable(uint* state, byte* data, int count)
    {
        Schedule schedule;
        uint* w = (uint*)&schedule;
        fixed (uint* constants = K)
        {
            for (; count > 0; count--, data += BlockLength)
            {
                // With the MMU off an unaligned word load faults: byte loads unless aligned.
                if (((nuint)data & 3) == 0)
                {
                    for (int t = 0; t < 16; t++)
                        w[t] = BinaryPrimitives.ReverseEndianness(((uint*)data)[t]);
                }
                else
                {
                    for (int t = 0; t < 16; t++)
                    {
                        byte* word = data + t * 4;
                        w[t] = (uint)word[0] << 24 | (uint)word[1] << 16 | (uint)word[2] << 8 | word[3];
                    }
                }
                for (uint* x = w + 16; x < w + 64; x++)
                {
                    uint w2 = x[-2], w15 = x[-15];
                    x[0] = (BitOperations.RotateRight(w2, 17) ^ BitOperations.RotateRight(w2, 19) ^ (w2 >> 10)) + x[-7]
                        + (BitOperations.RotateRight(w15, 7) ^ BitOperations.RotateRight(w15, 18) ^ (w15 >> 3)) + x[-16];
                }

                uint a = state[0], b = state[1], c = state[2], d = state[3];
                uint e = state[4], f = state[5], g = state[6], h = state[7];
                uint* k = constants;
                for (uint* x = w; x < w + 64; x += 8, k += 8)
                {
                    Round(a, b, c, ref d, e, f, g, ref h, k[0] + x[0]);
                    Round(h, a, b, ref c, d, e, f, ref g, k[1] + x[1]);
                    Round(g, h, a, ref b, c, d, e, ref f, k[2] + x[2]);
                    Round(f, g, h, ref a, b, c, d, ref e, k[3] + x[3]);
                    Round(e, f, g, ref h, a, b, c, ref d, k[4] + x[4]);
                    Round(d, e, f, ref g, h, a, b, ref c, k[5] + x[5]);
                    Round(c, d, e, ref f, g, h, a, ref b, k[6] + x[6]);
                    Round(b, c, d, ref e, f, g, h, ref a, k[7] + x[7]);
                }
                state[0] += a; state[1] += b; state[2] += c; state[3] += d;
                state[4] += e; state[5] += f; state[6] += g; state[7] += h;
            }
        }
    }

    /// <summary>
    /// One round with the variables named as in round t: <paramref name="d"/> becomes round
    /// t+1's e and <paramref name="h"/> its a; the other six only move, which the caller does by
    /// naming them differently in the next call.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(uint a, uint b, uint c, ref uint d, uint e, uint f, uint g, ref uint h, uint constantPlusWord)
    {
        uint t1 = h + (BitOperations.RotateRight(e, 6) ^ BitOperations.RotateRight(e, 11) ^ BitOperations.RotateRight(e, 25))
            + (g ^ (e & (f ^ g))) + constantPlusWord;
        uint t2 = (BitOperations.RotateRight(a, 2) ^ BitOperations.RotateRight(a, 13) ^ BitOperations.RotateRight(a, 22))
            + ((a & b) | (c & (a | b)));
        d += t1;
        h = t1 + t2;
    }
}
