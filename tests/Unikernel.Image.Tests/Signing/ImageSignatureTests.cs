using System.Buffers.Binary;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Unikernel.Boot.Image;
using Unikernel.Boot.Image.Signing;

namespace Unikernel.Image.Tests.Signing;

/// <summary>
/// <see cref="ImageSignature.Check"/> on version-2 headers (docs/image-format.md) signed with
/// BouncyCastle: the right key accepts; no signature, a version-1 image, another key, a flipped
/// bit anywhere in the signed bytes or the signature, and malformed lengths are refused, each
/// with its reason.
/// </summary>
public class ImageSignatureTests
{
    private static readonly byte[] Seed = Convert.FromHexString("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
    private static readonly byte[] PublicKey = new Ed25519PrivateKeyParameters(Seed, 0).GeneratePublicKey().GetEncoded();

    /// <summary>A version-2 header with <paramref name="parts"/> parts (hashes filled with a pattern), unsigned.</summary>
    private static byte[] UnsignedHeader(int parts)
    {
        var header = new byte[64 + 64 * parts];
        "UKIMAGE\0"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(0x08), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(0x0A), (ushort)header.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(0x0C), 4096u * (uint)parts);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(0x10), 0x4200_0000);
        header[0x19] = (byte)parts;
        for (int i = 0; i < parts; i++)
        {
            var entry = header.AsSpan(64 + 64 * i, 64);
            entry[0] = (byte)(i + 1);
            BinaryPrimitives.WriteUInt32LittleEndian(entry.Slice(0x04), 4096);
            BinaryPrimitives.WriteUInt64LittleEndian(entry.Slice(0x08), 0x4200_0000UL + (ulong)i * 0x100_0000);
            BinaryPrimitives.WriteUInt32LittleEndian(entry.Slice(0x10), 4096);
            for (int b = 0; b < 32; b++)
                entry[0x20 + b] = (byte)(b * 7 + i);
        }
        return header;
    }

    /// <summary><paramref name="unsigned"/> with signature length 64, the header length counting it, and the signature appended.</summary>
    private static byte[] Signed(byte[] unsigned, byte[]? seed = null)
    {
        var header = new byte[unsigned.Length + 64];
        unsigned.CopyTo(header, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(0x0A), (ushort)header.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(0x1A), 64);
        var signer = new Ed25519Signer();
        signer.Init(true, new Ed25519PrivateKeyParameters(seed ?? Seed, 0));
        signer.BlockUpdate(header, 0, unsigned.Length);
        signer.GenerateSignature().CopyTo(header, unsigned.Length);
        return header;
    }

    private static ImageError Check(ReadOnlySpan<byte> header, byte[]? key = null)
    {
        bool accepted = ImageSignature.Check(header, key ?? PublicKey, out ImageError reason);
        Assert.Equal(reason == ImageError.None, accepted);
        return reason;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    public void A_header_signed_with_the_key_is_accepted_and_so_is_the_image_behind_it(int parts)
    {
        byte[] header = Signed(UnsignedHeader(parts));
        Assert.Equal(ImageError.None, Check(header));
        // Check reads the header length, not the span's: the payload may follow in the buffer.
        byte[] image = [.. header, .. new byte[300]];
        Assert.Equal(ImageError.None, Check(image));
    }

    [Fact]
    public void An_unsigned_version_2_header_is_refused_as_unsigned()
    {
        Assert.Equal(ImageError.Unsigned, Check(UnsignedHeader(2)));
    }

    [Fact]
    public void A_version_1_image_is_refused_as_unsigned()
    {
        var header = new byte[64];
        "UKIMAGE\0"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(0x08), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(0x0A), 64);
        Assert.Equal(ImageError.Unsigned, Check(header));
    }

    [Fact]
    public void Another_version_is_refused_as_unsupported()
    {
        byte[] header = Signed(UnsignedHeader(1));
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(0x08), 3);
        Assert.Equal(ImageError.UnsupportedVersion, Check(header));
    }

    [Fact]
    public void A_header_signed_with_another_key_is_refused()
    {
        byte[] other = Convert.FromHexString("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7");
        Assert.Equal(ImageError.BadSignature, Check(Signed(UnsignedHeader(2), other)));
    }

    [Fact]
    public void Every_flipped_bit_of_a_signed_header_is_refused()
    {
        byte[] header = Signed(UnsignedHeader(2));
        for (int bit = 0; bit < header.Length * 8; bit++)
        {
            byte[] bad = (byte[])header.Clone();
            bad[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.NotEqual(ImageError.None, Check(bad));
        }
    }

    [Fact]
    public void A_flipped_bit_in_a_part_hash_or_the_signature_is_a_bad_signature()
    {
        byte[] header = Signed(UnsignedHeader(2));
        byte[] badHash = (byte[])header.Clone();
        badHash[64 + 64 + 0x20 + 5] ^= 0x10;
        Assert.Equal(ImageError.BadSignature, Check(badHash));
        byte[] badSignature = (byte[])header.Clone();
        badSignature[^1] ^= 0x01;
        Assert.Equal(ImageError.BadSignature, Check(badSignature));
    }

    [Theory]
    [InlineData(32)]
    [InlineData(63)]
    [InlineData(65)]
    [InlineData(128)]
    public void A_signature_length_other_than_0_or_64_is_refused(int length)
    {
        byte[] header = Signed(UnsignedHeader(1));
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(0x1A), (ushort)length);
        Assert.Equal(ImageError.BadSignatureLength, Check(header));
    }

    [Fact]
    public void A_truncated_signature_is_refused()
    {
        byte[] header = Signed(UnsignedHeader(1));
        Assert.Equal(ImageError.BadSignatureLength, Check(header.AsSpan(0, header.Length - 1)));
        Assert.Equal(ImageError.BadSignatureLength, Check(header.AsSpan(0, 63)));
    }

    [Fact]
    public void A_header_length_with_no_room_for_a_part_and_the_signature_is_refused()
    {
        byte[] header = Signed(UnsignedHeader(1));
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(0x0A), 64 + 64);
        Assert.Equal(ImageError.BadSignatureLength, Check(header));
    }

    [Fact]
    public void A_key_of_the_wrong_length_accepts_nothing()
    {
        byte[] header = Signed(UnsignedHeader(1));
        Assert.Equal(ImageError.BadSignature, Check(header, PublicKey[..31]));
        Assert.Equal(ImageError.BadSignature, Check(header, []));
    }

    [Fact]
    public void The_refusals_have_words()
    {
        Assert.Equal("bad signature", System.Text.Encoding.UTF8.GetString(ImageErrorText.Describe(ImageError.BadSignature)));
        Assert.Equal("signature length neither 0 nor 64", System.Text.Encoding.UTF8.GetString(ImageErrorText.Describe(ImageError.BadSignatureLength)));
        Assert.StartsWith("unsigned image", System.Text.Encoding.UTF8.GetString(ImageErrorText.Describe(ImageError.Unsigned)));
    }
}
