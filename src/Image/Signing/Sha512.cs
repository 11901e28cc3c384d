using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using Unikernel.Platform;

namespace Unikernel.Boot.Image.Signing;

/// <summary>
/// SHA-512 (FIPS 180-4), incremental and without allocation, for Ed25519 (RFC 8032 section 5.1:
/// H is SHA-512): <see cref="Append"/> any number of times, then <see cref="Finish"/>. A value
/// type holding its state (216 bytes): keep it in a local.
/// </summary>
/// <remarks>
/// Plain C# with bounds-checked spans: it hashes a signed image's header (at most 640 bytes) and
/// the signature's R and A, a dozen blocks, which is nothing beside the curve arithmetic.
/// </remarks>
public struct Sha512
{
    public const int HashLength = 64;
    public const int BlockLength = 128;

    private State _state;
    private Block _pending;
    private int _pendingLength;
    private ulong _length;

    /// <summary>H0 to H7 (FIPS 180-4 section 6.4).</summary>
    [InlineArray(8)]
    private struct State
    {
        private ulong _first;
    }

    /// <summary>W0 to W79 (FIPS 180-4 section 6.4.2).</summary>
    [InlineArray(80)]
    private struct Schedule
    {
        private ulong _first;
    }

    [InlineArray(BlockLength)]
    private struct Block
    {
        private byte _first;
    }

    /// <summary>A hash of nothing yet.</summary>
    public Sha512()
    {
        Reset();
    }

    /// <summary>Starts over: a hash of nothing yet.</summary>
    public void Reset()
    {
        // FIPS 180-4 section 5.3.5.
        _state[0] = 0x6a09e667f3bcc908;
        _state[1] = 0xbb67ae8584caa73b;
        _state[2] = 0x3c6ef372fe94f82b;
        _state[3] = 0xa54ff53a5f1d36f1;
        _state[4] = 0x510e527fade682d1;
        _state[5] = 0x9b05688c2b3e6c1f;
        _state[6] = 0x1f83d9abfb41bd6b;
        _state[7] = 0x5be0cd19137e2179;
        _pendingLength = 0;
        _length = 0;
    }

    /// <summary>The hash of <paramref name="data"/>, into the first 64 bytes of <paramref name="hash"/>.</summary>
    public static void Hash(ReadOnlySpan<byte> data, Span<byte> hash)
    {
        var sha = new Sha512();
        sha.Append(data);
        sha.Finish(hash);
    }

    /// <summary>Hashes <paramref name="data"/> after what came before.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        _length += (ulong)data.Length;
        Span<byte> pending = _pending;
        while (data.Length > 0)
        {
            int take = BlockLength - _pendingLength;
            if (take > data.Length)
                take = data.Length;
            data.Slice(0, take).CopyTo(pending.Slice(_pendingLength));
            _pendingLength += take;
            data = data.Slice(take);
            if (_pendingLength == BlockLength)
            {
                ProcessBlock(pending);
                _pendingLength = 0;
            }
        }
    }

    /// <summary>
    /// Pads, writes the 64-byte hash to the start of <paramref name="hash"/> and starts over
    /// (<see cref="Reset"/>). Panics if <paramref name="hash"/> is shorter than 64 bytes.
    /// </summary>
    public void Finish(Span<byte> hash)
    {
        if (hash.Length < HashLength)
            Kernel.Panic("Sha512.Finish: hash shorter than 64 bytes"u8);
        // FIPS 180-4 section 5.1.2: a 1 bit, zeros, and the length in bits as 128 bits (the
        // high 64 are 0 for anything we hash).
        ulong bits = _length << 3;
        Span<byte> pending = _pending;
        pending[_pendingLength] = 0x80;
        pending.Slice(_pendingLength + 1).Clear();
        if (_pendingLength >= BlockLength - 16)
        {
            ProcessBlock(pending);
            pending.Clear();
        }
        BinaryPrimitives.WriteUInt64BigEndian(pending.Slice(BlockLength - 8), bits);
        ProcessBlock(pending);

        for (int i = 0; i < 8; i++)
            BinaryPrimitives.WriteUInt64BigEndian(hash.Slice(i * 8), _state[i]);
        Reset();
    }

    /// <summary>The round constants (FIPS 180-4 section 4.2.3).</summary>
    private static ReadOnlySpan<ulong> K =>
    [
        0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc, 0x3956c25bf348b538,
        0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118, 0xd807aa98a3030242, 0x12835b0145706fbe,
        0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2, 0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235,
        0xc19bf174cf692694, 0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
        0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5, 0x983e5152ee66dfab,
        0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4, 0xc6e00bf33da88fc2, 0xd5a79147930aa725,
        0x06ca6351e003826f, 0x142929670a0e6e70, 0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed,
        0x53380d139d95b3df, 0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
        0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30, 0xd192e819d6ef5218,
        0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8, 0x19a4c116b8d2d0c8, 0x1e376c085141ab53,
        0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8, 0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373,
        0x682e6ff3d6b2b8a3, 0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
        0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b, 0xca273eceea26619c,
        0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178, 0x06f067aa72176fba, 0x0a637dc5a2c898a6,
        0x113f9804bef90dae, 0x1b710b35131c471b, 0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc,
        0x431d67c49c100d4c, 0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817,
    ];

    /// <summary>The block function (FIPS 180-4 section 6.4.2) over one 128-byte block.</summary>
    [SkipLocalsInit]
    private void ProcessBlock(ReadOnlySpan<byte> block)
    {
        Unsafe.SkipInit(out Schedule schedule);
        Span<ulong> w = schedule;
        ReadOnlySpan<ulong> k = K;
        for (int t = 0; t < 16; t++)
            w[t] = BinaryPrimitives.ReadUInt64BigEndian(block.Slice(t * 8));
        for (int t = 16; t < 80; t++)
        {
            ulong w2 = w[t - 2], w15 = w[t - 15];
            w[t] = (BitOperations.RotateRight(w2, 19) ^ BitOperations.RotateRight(w2, 61) ^ (w2 >> 6)) + w[t - 7]
                + (BitOperations.RotateRight(w15, 1) ^ BitOperations.RotateRight(w15, 8) ^ (w15 >> 7)) + w[t - 16];
        }

        ulong a = _state[0], b = _state[1], c = _state[2], d = _state[3];
        ulong e = _state[4], f = _state[5], g = _state[6], h = _state[7];
        for (int t = 0; t < 80; t++)
        {
            ulong t1 = h + (BitOperations.RotateRight(e, 14) ^ BitOperations.RotateRight(e, 18) ^ BitOperations.RotateRight(e, 41))
                + (g ^ (e & (f ^ g))) + k[t] + w[t];
            ulong t2 = (BitOperations.RotateRight(a, 28) ^ BitOperations.RotateRight(a, 34) ^ BitOperations.RotateRight(a, 39))
                + ((a & b) | (c & (a | b)));
            h = g; g = f; f = e; e = d + t1;
            d = c; c = b; b = a; a = t1 + t2;
        }
        _state[0] += a; _state[1] += b; _state[2] += c; _state[3] += d;
        _state[4] += e; _state[5] += f; _state[6] += g; _state[7] += h;
    }
}
