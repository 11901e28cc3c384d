using System.Numerics;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Unikernel.Boot.Image.Signing;

namespace Unikernel.Image.Tests.Signing;

/// <summary>
/// Our Ed25519 verifier against every RFC 8032 section 7.1 test vector, against BouncyCastle's
/// signer on random keys and messages (each flipped bit refused), and on the encodings RFC 8032
/// section 5.1.7 says to refuse.
/// </summary>
public class Ed25519Tests
{
    /// <summary>RFC 8032 section 7.1: secret key (seed), public key, message, signature.</summary>
    public static TheoryData<string, string, string, string, string> Rfc8032Vectors => new()
    {
        {
            "TEST 1",
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            "",
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        },
        {
            "TEST 2",
            "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
            "72",
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
        },
        {
            "TEST 3",
            "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
            "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
            "af82",
            "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"
        },
        {
            "TEST 1024",
            "f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5",
            "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e",
            Test1024Message,
            "d686294b743c6760c6a78a2c4c2fc76115c2600b8f083acde59e7cee32578c0f59ea4219ab9b5896795e4e2b87a30270aa0e3099eee944e9e67a1b22df41ff07"
        },
        {
            "TEST SHA(abc)",
            "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
            "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
            "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704"
        },
    };

    /// <summary>TEST 1024's message (1023 bytes).</summary>
    private const string Test1024Message =
        "08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98fa6e264bf09efe12ee50f8f54e9f77b1e355f6c50544e23fb1433ddf73be84d8"
        + "79de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37c93a1b270b20329d658675fc6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc"
        + "1a858efcb8550ee3a5e1998bd177e93a7363c344fe6b199ee5d02e82d522c4feba15452f80288a821a579116ec6dad2b3b310da903401aa62100ab5d1a36553e"
        + "06203b33890cc9b832f79ef80560ccb9a39ce767967ed628c6ad573cb116dbeffefd75499da96bd68a8a97b928a8bbc103b6621fcde2beca1231d206be6cd9ec"
        + "7aff6f6c94fcd7204ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7ed185ce81bd84359d44254d95629e9855a94a7c1958d1f8ada5d0532ed8a5aa3fb"
        + "2d17ba70eb6248e594e1a2297acbbb39d502f1a8c6eb6f1ce22b3de1a1f40cc24554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f27"
        + "088d78b7e883c8759d2c4f5c65adb7553878ad575f9fad878e80a0c9ba63bcbcc2732e69485bbc9c90bfbd62481d9089beccf80cfe2df16a2cf65bd92dd597b0"
        + "7e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128bab27af87a71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51ad"
        + "dd3b75a2b1ae0784504df543af8969be3ea7082ff7fc9888c144da2af58429ec96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9b47acdb75"
        + "1fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301651339e22904cc8c42f58c30c04aafdb038dda0847dd988dcda6f3bfd15c4b4c4525004aa06eeff8c"
        + "a61783aacec57fb3d1f92b0fe2fd1a85f6724517b65e614ad6808d6f6ee34dff7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08d"
        + "78ff4ef5d63653a65040cf9bfd4aca7984a74d37145986780fc0b16ac451649de6188a7dbdf191f64b5fc5e2ab47b57f7f7276cd419c17a3ca8e1b939ae49e48"
        + "8acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d5011fd2dcc5600a32ef5b52a1ecc820e308aa342721aac0943bf6686b64b2579376504ccc493d97e6"
        + "aed3fb0f9cd71a43dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5fb93246f6b1116398a346f1a641f3b041e989f7914f90cc2c7fff357876e506b50"
        + "d334ba77c225bc307ba537152f3f1610e4eafe595f6d9d90d11faa933a15ef1369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380db"
        + "2eaaa707b4c4185c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c0618983f8741c5ef68d3a101e8a3b8cac60c905c15fc910840b94c00a0b9d00";

    /// <summary>L, the group order, little-endian (RFC 8032 section 5.1).</summary>
    private static readonly BigInteger Order = BigInteger.Pow(2, 252) + BigInteger.Parse("27742317777372353535851937790883648493");

    private static byte[] PublicKeyOf(byte[] seed) => new Ed25519PrivateKeyParameters(seed, 0).GeneratePublicKey().GetEncoded();

    private static byte[] Sign(byte[] seed, byte[] message)
    {
        var signer = new Ed25519Signer();
        signer.Init(true, new Ed25519PrivateKeyParameters(seed, 0));
        signer.BlockUpdate(message, 0, message.Length);
        return signer.GenerateSignature();
    }

    [Theory]
    [MemberData(nameof(Rfc8032Vectors))]
    public void Rfc8032_vector_verifies_and_each_flipped_bit_is_refused(string name, string seedHex, string publicKeyHex, string messageHex, string signatureHex)
    {
        byte[] seed = Convert.FromHexString(seedHex), publicKey = Convert.FromHexString(publicKeyHex);
        byte[] message = Convert.FromHexString(messageHex), signature = Convert.FromHexString(signatureHex);
        // The vector as typed here is the RFC's: BouncyCastle derives the same key and signature.
        Assert.Equal(publicKeyHex, Convert.ToHexStringLower(PublicKeyOf(seed)));
        Assert.Equal(signatureHex, Convert.ToHexStringLower(Sign(seed, message)));

        Assert.True(Ed25519.Verify(publicKey, message, signature), name);
        for (int bit = 0; bit < 512; bit += 7)
        {
            byte[] bad = (byte[])signature.Clone();
            bad[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(Ed25519.Verify(publicKey, message, bad), $"{name}: signature bit {bit}");
        }
        for (int bit = 0; bit < 256; bit += 5)
        {
            byte[] bad = (byte[])publicKey.Clone();
            bad[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(Ed25519.Verify(bad, message, signature), $"{name}: public key bit {bit}");
        }
        if (message.Length > 0)
        {
            byte[] bad = (byte[])message.Clone();
            bad[^1] ^= 0x80;
            Assert.False(Ed25519.Verify(publicKey, bad, signature), $"{name}: message");
        }
    }

    [Fact]
    public void Agrees_with_bouncycastle_on_random_keys_and_messages_and_refuses_each_flipped_bit()
    {
        var random = new Random(8032);
        for (int round = 0; round < 300; round++)
        {
            var seed = new byte[32];
            random.NextBytes(seed);
            var message = new byte[random.Next(0, 700)];
            random.NextBytes(message);
            byte[] publicKey = PublicKeyOf(seed), signature = Sign(seed, message);
            Assert.True(Ed25519.Verify(publicKey, message, signature), $"round {round}");

            if (message.Length > 0)
            {
                byte[] badMessage = (byte[])message.Clone();
                int bit = random.Next(message.Length * 8);
                badMessage[bit / 8] ^= (byte)(1 << (bit % 8));
                Assert.False(Ed25519.Verify(publicKey, badMessage, signature), $"round {round}: message bit {bit}");
            }
            byte[] badSignature = (byte[])signature.Clone();
            int signatureBit = random.Next(512);
            badSignature[signatureBit / 8] ^= (byte)(1 << (signatureBit % 8));
            Assert.False(Ed25519.Verify(publicKey, message, badSignature), $"round {round}: signature bit {signatureBit}");
            byte[] badKey = (byte[])publicKey.Clone();
            int keyBit = random.Next(256);
            badKey[keyBit / 8] ^= (byte)(1 << (keyBit % 8));
            Assert.False(Ed25519.Verify(badKey, message, signature), $"round {round}: key bit {keyBit}");

            // Another key's signature of the same message.
            var otherSeed = new byte[32];
            random.NextBytes(otherSeed);
            Assert.False(Ed25519.Verify(PublicKeyOf(otherSeed), message, signature), $"round {round}: other key");
        }
    }

    private static byte[] LittleEndian32(BigInteger value)
    {
        var bytes = new byte[32];
        Assert.True(value.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false));
        return bytes;
    }

    [Fact]
    public void S_plus_L_verifies_the_same_equation_but_is_refused()
    {
        // RFC 8032 section 5.1.7 step 1: S + L passes [S]B = R + [h]A too (L B = 0), so only the
        // range check refuses it; it would make every signature malleable.
        byte[] seed = Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        byte[] message = "image header"u8.ToArray();
        byte[] signature = Sign(seed, message), publicKey = PublicKeyOf(seed);
        var s = new BigInteger(signature.AsSpan(32), isUnsigned: true, isBigEndian: false);
        Assert.True(s + Order < BigInteger.Pow(2, 256));
        byte[] malleable = (byte[])signature.Clone();
        LittleEndian32(s + Order).CopyTo(malleable, 32);
        Assert.True(Ed25519.Verify(publicKey, message, signature));
        Assert.False(Ed25519.Verify(publicKey, message, malleable));

        byte[] exactlyL = (byte[])signature.Clone();
        LittleEndian32(Order).CopyTo(exactlyL, 32);
        Assert.False(Ed25519.Verify(publicKey, message, exactlyL));
        byte[] lMinusOne = (byte[])signature.Clone();
        LittleEndian32(Order - 1).CopyTo(lMinusOne, 32);
        Assert.False(Ed25519.Verify(publicKey, message, lMinusOne));
    }

    [Fact]
    public void A_public_key_with_y_not_below_p_is_refused()
    {
        // y = p + 1 encodes the same field element as y = 1 (the neutral point's y, x = 0) but is
        // not canonical (RFC 8032 section 5.1.3 step 1).
        var p = BigInteger.Pow(2, 255) - 19;
        byte[] message = [1, 2, 3];
        var signature = new byte[64];
        for (int extra = 0; extra < 19; extra++)
            Assert.False(Ed25519.Verify(LittleEndian32(p + extra), message, signature), $"y = p + {extra}");
    }

    [Fact]
    public void X_zero_with_the_sign_bit_set_is_refused()
    {
        // y = 1 gives x = 0; with the sign bit it is "-0", which section 5.1.3 step 4 refuses.
        byte[] negativeZero = LittleEndian32(BigInteger.One);
        negativeZero[31] |= 0x80;
        // The signature R = encode(neutral), S = 0 satisfies [0]B = R + [h]A for A = neutral.
        var signature = new byte[64];
        signature[0] = 1;
        byte[] neutral = LittleEndian32(BigInteger.One);
        Assert.True(Ed25519.Verify(neutral, "x"u8, signature));
        Assert.False(Ed25519.Verify(negativeZero, "x"u8, signature));
    }

    [Fact]
    public void A_public_key_off_the_curve_is_refused()
    {
        // y = 2: (y^2 - 1)/(d y^2 + 1) is not a square mod p.
        Assert.False(Ed25519.Verify(LittleEndian32(2), "x"u8, new byte[64]));
    }

    [Theory]
    [InlineData(31, 64)]
    [InlineData(33, 64)]
    [InlineData(32, 63)]
    [InlineData(32, 65)]
    [InlineData(0, 0)]
    public void Wrong_lengths_are_refused(int keyLength, int signatureLength)
    {
        Assert.False(Ed25519.Verify(new byte[keyLength], "x"u8, new byte[signatureLength]));
    }
}
