using System.Runtime.CompilerServices;

namespace Unikernel.Boot.Image.Signing;

/// <summary>
/// Ed25519 signature verification (RFC 8032 section 5.1.7, pure Ed25519), ours, for the bare
/// metal: no allocation (everything lives in stack structs), no exception, no table beyond a few
/// constants. Verification only: signing happens on the host with a served library.
/// </summary>
/// <remarks>
/// The field arithmetic is TweetNaCl's (Bernstein et al., "TweetNaCl: a crypto library in 100
/// tweets"): an element of GF(2^255 - 19) is 16 limbs of 16 bits, each a 32-bit int between
/// operations, multiplied as 32x32 to 64-bit products (one SMULL/SMADDL on ARM) summed in 64 bits.
/// The group law is TweetNaCl's unified addition on extended coordinates (it doubles too).
/// Unlike TweetNaCl's constant-time ladder, the point [S]B - [h]A is one variable-time
/// double-and-add over both scalars at once (Straus/Shamir), since everything verified here is
/// public: about 253 doublings and 190 additions instead of 2 x 256 of each.
/// The check is the cofactorless one: encode([S]B - [h]A) must equal the signature's R bytes,
/// which also refuses an R that is not a canonical encoding.
/// </remarks>
public static unsafe class Ed25519
{
    public const int PublicKeyLength = 32;
    public const int SignatureLength = 64;

    /// <summary>An element of GF(2^255 - 19): 16 little-endian limbs of 16 bits (signed, loosely reduced).</summary>
    [InlineArray(16)]
    private struct FieldElement
    {
        private int _first;
    }

    /// <summary>A point in extended twisted Edwards coordinates (X : Y : Z : T), x = X/Z, y = Y/Z, xy = T/Z.</summary>
    private struct Point
    {
        public FieldElement X, Y, Z, T;
    }

    /// <summary>The product before reduction: 31 limbs of 64 bits.</summary>
    [InlineArray(31)]
    private struct WideProduct
    {
        private long _first;
    }

    [InlineArray(16)]
    private struct Limbs64
    {
        private long _first;
    }

    [InlineArray(64)]
    private struct Digest
    {
        private byte _first;
    }

    [InlineArray(64)]
    private struct WideScalar
    {
        private long _first;
    }

    [InlineArray(32)]
    private struct Bytes32
    {
        private byte _first;
    }

    /// <summary>d = -121665/121666 (RFC 8032 section 5.1), in limbs.</summary>
    private static ReadOnlySpan<int> D =>
        [0x78a3, 0x1359, 0x4dca, 0x75eb, 0xd8ab, 0x4141, 0x0a4d, 0x0070, 0xe898, 0x7779, 0x4079, 0x8cc7, 0xfe73, 0x2b6f, 0x6cee, 0x5203];

    /// <summary>2d.</summary>
    private static ReadOnlySpan<int> D2 =>
        [0xf159, 0x26b2, 0x9b94, 0xebd6, 0xb156, 0x8283, 0x149a, 0x00e0, 0xd130, 0xeef3, 0x80f2, 0x198e, 0xfce7, 0x56df, 0xd9dc, 0x2406];

    /// <summary>The base point B's x (RFC 8032 section 5.1).</summary>
    private static ReadOnlySpan<int> BaseX =>
        [0xd51a, 0x8f25, 0x2d60, 0xc956, 0xa7b2, 0x9525, 0xc760, 0x692c, 0xdc5c, 0xfdd6, 0xe231, 0xc0a4, 0x53fe, 0xcd6e, 0x36d3, 0x2169];

    /// <summary>The base point B's y = 4/5.</summary>
    private static ReadOnlySpan<int> BaseY =>
        [0x6658, 0x6666, 0x6666, 0x6666, 0x6666, 0x6666, 0x6666, 0x6666, 0x6666, 0x6666, 0x6666, 0x6666, 0x6666, 0x6666, 0x6666, 0x6666];

    /// <summary>sqrt(-1) = 2^((p-1)/4), for the square root in point decoding (RFC 8032 section 5.1.3 step 3).</summary>
    private static ReadOnlySpan<int> SqrtMinusOne =>
        [0xa0b0, 0x4a0e, 0x1b27, 0xc4ee, 0xe478, 0xad2f, 0x1806, 0x2f43, 0xd7a7, 0x3dfb, 0x0099, 0x2b4d, 0xdf0b, 0x4fc1, 0x2480, 0x2b83];

    /// <summary>The group order L = 2^252 + 27742317777372353535851937790883648493, little-endian.</summary>
    private static ReadOnlySpan<byte> L =>
    [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];

    /// <summary>
    /// Whether <paramref name="signature"/> is a valid Ed25519 signature of <paramref name="message"/>
    /// by <paramref name="publicKey"/> (RFC 8032 section 5.1.7). False for wrong lengths, a public
    /// key or R that is not a canonical point encoding or not on the curve, S >= L, or a failed
    /// check [S]B = R + [h]A (cofactorless).
    /// </summary>
    [SkipLocalsInit]
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != PublicKeyLength || signature.Length != SignatureLength)
            return false;
        ReadOnlySpan<byte> r = signature.Slice(0, 32);
        ReadOnlySpan<byte> s = signature.Slice(32, 32);
        // Section 5.1.7 step 1: S must be in [0, L); a larger one would make signatures malleable.
        if (!IsBelowOrder(s))
            return false;

        Point negativeA;
        if (!DecodeNegated(&negativeA, publicKey))
            return false;

        // Step 2: h = SHA-512(R || A || M) mod L.
        Digest digest = default;
        Span<byte> hash = digest;
        var sha = new Sha512();
        sha.Append(r);
        sha.Append(publicKey);
        sha.Append(message);
        sha.Finish(hash);
        Bytes32 h = default;
        ReduceModOrder(hash, h);

        // Step 3, cofactorless: [S]B + [h](-A) must encode to R.
        Point sum;
        fixed (byte* sBytes = s)
            DoubleScalarMultiply(&sum, sBytes, (byte*)&h, &negativeA);
        Bytes32 encoded;
        Encode((byte*)&encoded, &sum);
        int difference = 0;
        for (int i = 0; i < 32; i++)
            difference |= ((ReadOnlySpan<byte>)encoded)[i] ^ r[i];
        return difference == 0;
    }

    /// <summary>Whether the 32-byte little-endian <paramref name="scalar"/> is below L.</summary>
    private static bool IsBelowOrder(ReadOnlySpan<byte> scalar)
    {
        ReadOnlySpan<byte> order = L;
        for (int i = 31; i >= 0; i--)
        {
            if (scalar[i] != order[i])
                return scalar[i] < order[i];
        }
        return false;
    }

    /// <summary>
    /// Decodes a point (RFC 8032 section 5.1.3) and negates it: -A is what the verification adds.
    /// False for a y that is not below p, an x^2 with no square root, or x = 0 with the sign bit set.
    /// </summary>
    [SkipLocalsInit]
    private static bool DecodeNegated(Point* point, ReadOnlySpan<byte> encoded)
    {
        // Step 1: y must be canonical, below p = 2^255 - 19 (y >= p means bits 255..0 with the
        // top one cleared read 0x7fff...ffed or more).
        bool allOnes = (encoded[31] & 0x7f) == 0x7f && encoded[0] >= 0xed;
        for (int i = 1; i < 31 && allOnes; i++)
            allOnes = encoded[i] == 0xff;
        if (allOnes)
            return false;
        int sign = encoded[31] >> 7;

        FieldElement* x = &point->X, y = &point->Y, z = &point->Z, t = &point->T;
        SetOne((int*)z);
        Unpack((int*)y, encoded);

        // Step 2 and 3: u = y^2 - 1, v = d y^2 + 1, x = u v^3 (u v^7)^((p-5)/8).
        FieldElement u, v, v2, v4, v6, candidate, check;
        Square((int*)&u, (int*)y);
        fixed (int* d = D)
            Multiply((int*)&v, (int*)&u, d);
        Subtract((int*)&u, (int*)&u, (int*)z);
        Add((int*)&v, (int*)z, (int*)&v);

        Square((int*)&v2, (int*)&v);
        Square((int*)&v4, (int*)&v2);
        Multiply((int*)&v6, (int*)&v4, (int*)&v2);
        Multiply((int*)&candidate, (int*)&v6, (int*)&u);
        Multiply((int*)&candidate, (int*)&candidate, (int*)&v);
        PowTwo252Minus3((int*)&candidate, (int*)&candidate);
        Multiply((int*)&candidate, (int*)&candidate, (int*)&u);
        Multiply((int*)&candidate, (int*)&candidate, (int*)&v);
        Multiply((int*)&candidate, (int*)&candidate, (int*)&v);
        Multiply((int*)x, (int*)&candidate, (int*)&v);

        // v x^2 = u: x is the root; v x^2 = -u: x sqrt(-1) is; neither: not on the curve.
        Square((int*)&check, (int*)x);
        Multiply((int*)&check, (int*)&check, (int*)&v);
        if (!AreEqual((int*)&check, (int*)&u))
        {
            fixed (int* i = SqrtMinusOne)
                Multiply((int*)x, (int*)x, i);
        }
        Square((int*)&check, (int*)x);
        Multiply((int*)&check, (int*)&check, (int*)&v);
        if (!AreEqual((int*)&check, (int*)&u))
            return false;

        // Step 4: x = 0 has no negative; otherwise pick the root whose parity is the sign bit,
        // then negate for -A: the root with the other parity.
        Bytes32 packed;
        Pack((byte*)&packed, (int*)x);
        int any = 0;
        for (int i = 0; i < 32; i++)
            any |= ((byte*)&packed)[i];
        if (any == 0 && sign == 1)
            return false;
        if ((((byte*)&packed)[0] & 1) == sign)
        {
            FieldElement zero;
            SetZero((int*)&zero);
            Subtract((int*)x, (int*)&zero, (int*)x);
        }
        Multiply((int*)t, (int*)x, (int*)y);
        return true;
    }

    /// <summary>
    /// <paramref name="result"/> = [s]B + [h]Q, both scalars 32 bytes little-endian, by one
    /// left-to-right double-and-add (variable time: the inputs are public).
    /// </summary>
    [SkipLocalsInit]
    private static void DoubleScalarMultiply(Point* result, byte* s, byte* h, Point* q)
    {
        Point b, bPlusQ;
        Copy((int*)&b.X, BaseX);
        Copy((int*)&b.Y, BaseY);
        SetOne((int*)&b.Z);
        Multiply((int*)&b.T, (int*)&b.X, (int*)&b.Y);
        bPlusQ = b;
        AddPoints(&bPlusQ, q);

        SetZero((int*)&result->X);
        SetOne((int*)&result->Y);
        SetOne((int*)&result->Z);
        SetZero((int*)&result->T);
        bool started = false;
        for (int i = 255; i >= 0; i--)
        {
            if (started)
                AddPoints(result, result);
            int sBit = (s[i >> 3] >> (i & 7)) & 1;
            int hBit = (h[i >> 3] >> (i & 7)) & 1;
            if (sBit != 0 && hBit != 0)
                AddPoints(result, &bPlusQ);
            else if (sBit != 0)
                AddPoints(result, &b);
            else if (hBit != 0)
                AddPoints(result, q);
            else
                continue;
            started = true;
        }
    }

    /// <summary>p = p + q (TweetNaCl's add: the unified formula, so p + p doubles).</summary>
    [SkipLocalsInit]
    private static void AddPoints(Point* p, Point* q)
    {
        FieldElement a, b, c, d, t, e, f, g, h;
        Subtract((int*)&a, (int*)&p->Y, (int*)&p->X);
        Subtract((int*)&t, (int*)&q->Y, (int*)&q->X);
        Multiply((int*)&a, (int*)&a, (int*)&t);
        Add((int*)&b, (int*)&p->X, (int*)&p->Y);
        Add((int*)&t, (int*)&q->X, (int*)&q->Y);
        Multiply((int*)&b, (int*)&b, (int*)&t);
        Multiply((int*)&c, (int*)&p->T, (int*)&q->T);
        fixed (int* d2 = D2)
            Multiply((int*)&c, (int*)&c, d2);
        Multiply((int*)&d, (int*)&p->Z, (int*)&q->Z);
        Add((int*)&d, (int*)&d, (int*)&d);
        Subtract((int*)&e, (int*)&b, (int*)&a);
        Subtract((int*)&f, (int*)&d, (int*)&c);
        Add((int*)&g, (int*)&d, (int*)&c);
        Add((int*)&h, (int*)&b, (int*)&a);

        Multiply((int*)&p->X, (int*)&e, (int*)&f);
        Multiply((int*)&p->Y, (int*)&h, (int*)&g);
        Multiply((int*)&p->Z, (int*)&g, (int*)&f);
        Multiply((int*)&p->T, (int*)&e, (int*)&h);
    }

    /// <summary>The 32-byte encoding of a point (RFC 8032 section 5.1.2): y, with x's parity in the top bit.</summary>
    [SkipLocalsInit]
    private static void Encode(byte* encoded, Point* p)
    {
        FieldElement inverseZ, x, y;
        Invert((int*)&inverseZ, (int*)&p->Z);
        Multiply((int*)&x, (int*)&p->X, (int*)&inverseZ);
        Multiply((int*)&y, (int*)&p->Y, (int*)&inverseZ);
        Pack(encoded, (int*)&y);
        Bytes32 packedX;
        Pack((byte*)&packedX, (int*)&x);
        encoded[31] ^= (byte)((((byte*)&packedX)[0] & 1) << 7);
    }

    /// <summary>
    /// The 64-byte little-endian <paramref name="wide"/> modulo L into <paramref name="reduced"/>
    /// (TweetNaCl's modL: fold the high bytes down with 2^252 = -(L - 2^252) mod L, byte-wise).
    /// </summary>
    [SkipLocalsInit]
    private static void ReduceModOrder(ReadOnlySpan<byte> wide, Span<byte> reduced)
    {
        WideScalar storage;
        long* x = (long*)&storage;
        for (int i = 0; i < 64; i++)
            x[i] = wide[i];
        ReadOnlySpan<byte> order = L;
        long carry;
        for (int i = 63; i >= 32; i--)
        {
            carry = 0;
            int j;
            for (j = i - 32; j < i - 12; j++)
            {
                x[j] += carry - 16 * x[i] * order[j - (i - 32)];
                carry = (x[j] + 128) >> 8;
                x[j] -= carry << 8;
            }
            x[j] += carry;
            x[i] = 0;
        }
        carry = 0;
        for (int j = 0; j < 32; j++)
        {
            x[j] += carry - (x[31] >> 4) * order[j];
            carry = x[j] >> 8;
            x[j] &= 255;
        }
        for (int j = 0; j < 32; j++)
            x[j] -= carry * order[j];
        for (int i = 0; i < 32; i++)
        {
            x[i + 1] += x[i] >> 8;
            reduced[i] = (byte)(x[i] & 255);
        }
    }

    // Field arithmetic modulo p = 2^255 - 19 on 16 limbs of 16 bits (TweetNaCl).

    private static void SetZero(int* o)
    {
        for (int i = 0; i < 16; i++)
            o[i] = 0;
    }

    private static void SetOne(int* o)
    {
        SetZero(o);
        o[0] = 1;
    }

    private static void Copy(int* o, ReadOnlySpan<int> constant)
    {
        for (int i = 0; i < 16; i++)
            o[i] = constant[i];
    }

    private static void Add(int* o, int* a, int* b)
    {
        for (int i = 0; i < 16; i++)
            o[i] = a[i] + b[i];
    }

    private static void Subtract(int* o, int* a, int* b)
    {
        for (int i = 0; i < 16; i++)
            o[i] = a[i] - b[i];
    }

    /// <summary>
    /// o = a b: the 31 products summed in 64 bits, the upper 15 folded down (2^256 = 38 mod p),
    /// then carried twice so every limb is back near 16 bits.
    /// </summary>
    [SkipLocalsInit]
    private static void Multiply(int* o, int* a, int* b)
    {
        WideProduct product;
        long* t = (long*)&product;
        for (int i = 0; i < 31; i++)
            t[i] = 0;
        for (int i = 0; i < 16; i++)
        {
            // Both factors cast from int at the multiplication: a 32-bit target then emits one
            // 32x32 to 64-bit multiply (SMULL) instead of a 64x64 one.
            int ai = a[i];
            long* row = t + i;
            for (int j = 0; j < 16; j++)
                row[j] += (long)ai * b[j];
        }
        for (int i = 0; i < 15; i++)
            t[i] += Times38(t[i + 16]);
        Carry(t);
        Carry(t);
        for (int i = 0; i < 16; i++)
            o[i] = (int)t[i];
    }

    private static void Square(int* o, int* a) => Multiply(o, a, a);

    /// <summary>38 x in shifts: a 32-bit target would call a 64-bit multiply helper.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Times38(long x) => (x << 5) + (x << 2) + (x << 1);

    /// <summary>Moves each limb's bits above 16 into the next; the top limb's go to limb 0 times 38 (TweetNaCl's car25519).</summary>
    private static void Carry(long* o)
    {
        for (int i = 0; i < 16; i++)
        {
            o[i] += 1L << 16;
            long c = o[i] >> 16;
            if (i < 15)
                o[i + 1] += c - 1;
            else
                o[0] += Times38(c - 1);
            o[i] -= c << 16;
        }
    }

    /// <summary>o = i^(p - 2) = 1/i (Fermat).</summary>
    [SkipLocalsInit]
    private static void Invert(int* o, int* input)
    {
        FieldElement c;
        for (int i = 0; i < 16; i++)
            ((int*)&c)[i] = input[i];
        for (int a = 253; a >= 0; a--)
        {
            Square((int*)&c, (int*)&c);
            if (a != 2 && a != 4)
                Multiply((int*)&c, (int*)&c, input);
        }
        for (int i = 0; i < 16; i++)
            o[i] = ((int*)&c)[i];
    }

    /// <summary>o = i^(2^252 - 3) = i^((p - 5)/8), the exponent of the square root in decoding.</summary>
    [SkipLocalsInit]
    private static void PowTwo252Minus3(int* o, int* input)
    {
        FieldElement c;
        for (int i = 0; i < 16; i++)
            ((int*)&c)[i] = input[i];
        for (int a = 250; a >= 0; a--)
        {
            Square((int*)&c, (int*)&c);
            if (a != 1)
                Multiply((int*)&c, (int*)&c, input);
        }
        for (int i = 0; i < 16; i++)
            o[i] = ((int*)&c)[i];
    }

    /// <summary>The 255-bit little-endian <paramref name="n"/> into limbs (the top bit, x's sign, ignored).</summary>
    private static void Unpack(int* o, ReadOnlySpan<byte> n)
    {
        for (int i = 0; i < 16; i++)
            o[i] = n[2 * i] | n[2 * i + 1] << 8;
        o[15] &= 0x7fff;
    }

    /// <summary>The canonical 32 bytes of <paramref name="n"/> (fully reduced below p; TweetNaCl's pack25519).</summary>
    [SkipLocalsInit]
    private static void Pack(byte* o, int* n)
    {
        Limbs64 tStorage, mStorage;
        long* t = (long*)&tStorage, m = (long*)&mStorage;
        for (int i = 0; i < 16; i++)
            t[i] = n[i];
        Carry(t);
        Carry(t);
        Carry(t);
        // Subtract p twice where it fits.
        for (int pass = 0; pass < 2; pass++)
        {
            m[0] = t[0] - 0xffed;
            for (int i = 1; i < 15; i++)
            {
                m[i] = t[i] - 0xffff - ((m[i - 1] >> 16) & 1);
                m[i - 1] &= 0xffff;
            }
            m[15] = t[15] - 0x7fff - ((m[14] >> 16) & 1);
            long borrow = (m[15] >> 16) & 1;
            m[14] &= 0xffff;
            if (borrow == 0)
            {
                for (int i = 0; i < 16; i++)
                    t[i] = m[i];
            }
        }
        for (int i = 0; i < 16; i++)
        {
            o[2 * i] = (byte)t[i];
            o[2 * i + 1] = (byte)(t[i] >> 8);
        }
    }

    [SkipLocalsInit]
    private static bool AreEqual(int* a, int* b)
    {
        Bytes32 packedA, packedB;
        Pack((byte*)&packedA, a);
        Pack((byte*)&packedB, b);
        int difference = 0;
        for (int i = 0; i < 32; i++)
            difference |= ((byte*)&packedA)[i] ^ ((byte*)&packedB)[i];
        return difference == 0;
    }
}
