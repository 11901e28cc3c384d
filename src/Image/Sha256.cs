using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Unikernel.Boot.Image;

/// <summary>
/// SHA-256 (FIPS 180-4), incremental and without allocation: <see cref="Append"/> any number of
/// times, then <see cref="Finish"/>. A value type holding its state (104 bytes): keep it in a
/// field or a local, and do not copy it midway unless a copy of the hash so far is meant.
/// </summary>
/// <remarks>
/// Whole blocks are hashed straight from the caller's span; only a partial block is copied
/// into <see cref="_pending"/>. The block function keeps the eight working variables and the
/// message schedule in locals and loads words with big-endian reads; the round loop indexes the
/// constants and the schedule only below 64, so the JIT drops their bounds checks (unrolling
/// eight rounds with renamed variables measured no faster: 205 against 199 MB/s).
/// </remarks>
public struct Sha256
{
    public const int HashLength = 32;
    public const int BlockLength = 64;

    private uint _h0, _h1, _h2, _h3, _h4, _h5, _h6, _h7;
    private Block _pending;
    private int _pendingLength;
    private ulong _length;

    [InlineArray(BlockLength)]
    private struct Block
    {
        private byte _first;
    }

    [InlineArray(64)]
    private struct Schedule
    {
        private uint _first;
    }

    /// <summary>A hash of nothing yet.</summary>
    public Sha256()
    {
        Reset();
    }

    /// <summary>Starts over: a hash of nothing yet.</summary>
    public void Reset()
    {
        _h0 = 0x6a09e667;
        _h1 = 0xbb67ae85;
        _h2 = 0x3c6ef372;
        _h3 = 0xa54ff53a;
        _h4 = 0x510e527f;
        _h5 = 0x9b05688c;
        _h6 = 0x1f83d9ab;
        _h7 = 0x5be0cd19;
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

        BinaryPrimitives.WriteUInt32BigEndian(hash, _h0);
        BinaryPrimitives.WriteUInt32BigEndian(hash.Slice(4), _h1);
        BinaryPrimitives.WriteUInt32BigEndian(hash.Slice(8), _h2);
        BinaryPrimitives.WriteUInt32BigEndian(hash.Slice(12), _h3);
        BinaryPrimitives.WriteUInt32BigEndian(hash.Slice(16), _h4);
        BinaryPrimitives.WriteUInt32BigEndian(hash.Slice(20), _h5);
        BinaryPrimitives.WriteUInt32BigEndian(hash.Slice(24), _h6);
        BinaryPrimitives.WriteUInt32BigEndian(hash.Slice(28), _h7);
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
    private void ProcessBlocks(ReadOnlySpan<byte> blocks)
    {
        ReadOnlySpan<uint> k = K;
        uint h0 = _h0, h1 = _h1, h2 = _h2, h3 = _h3, h4 = _h4, h5 = _h5, h6 = _h6, h7 = _h7;
        Schedule w = default;
        Span<uint> s = w;
        while (blocks.Length >= BlockLength)
        {
            for (int t = 0; t < 16; t++)
                s[t] = BinaryPrimitives.ReadUInt32BigEndian(blocks.Slice(t * 4));
            for (int t = 16; t < 64; t++)
            {
                uint w2 = s[t - 2], w15 = s[t - 15];
                uint sigma1 = BitOperations.RotateRight(w2, 17) ^ BitOperations.RotateRight(w2, 19) ^ (w2 >> 10);
                uint sigma0 = BitOperations.RotateRight(w15, 7) ^ BitOperations.RotateRight(w15, 18) ^ (w15 >> 3);
                s[t] = sigma1 + s[t - 7] + sigma0 + s[t - 16];
            }

            uint a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
            for (int t = 0; t < 64; t++)
            {
                uint t1 = h + (BitOperations.RotateRight(e, 6) ^ BitOperations.RotateRight(e, 11) ^ BitOperations.RotateRight(e, 25))
                    + ((e & f) ^ (~e & g)) + k[t] + s[t];
                uint t2 = (BitOperations.RotateRight(a, 2) ^ BitOperations.RotateRight(a, 13) ^ BitOperations.RotateRight(a, 22))
                    + ((a & b) ^ (a & c) ^ (b & c));
                h = g;
                g = f;
                f = e;
                e = d + t1;
                d = c;
                c = b;
                b = a;
                a = t1 + t2;
            }
            h0 += a; h1 += b; h2 += c; h3 += d; h4 += e; h5 += f; h6 += g; h7 += h;
            blocks = blocks.Slice(BlockLength);
        }
        _h0 = h0; _h1 = h1; _h2 = h2; _h3 = h3; _h4 = h4; _h5 = h5; _h6 = h6; _h7 = h7;
    }
}
