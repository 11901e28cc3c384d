using System.Buffers.Binary;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Unikernel.Boot.Image;
using Unikernel.Boot.Image.Signing;

namespace Unikernel.Tool.Signing;

/// <summary>
/// Signs a version-2 image (docs/image-format.md) with BouncyCastle's Ed25519: the header with its
/// signature length set to 64 and its header length counting the signature, signed over all of it
/// but the signature itself, then the payload unchanged. An image signed already gets its
/// signature replaced. Host only: the boards verify (<see cref="ImageSignature"/>), never sign.
/// </summary>
public static class ImageSigner
{
    /// <summary>The whole image <paramref name="image"/> signed with <paramref name="seed"/>; a <see cref="SigningFailure"/> says why not.</summary>
    public static byte[] Sign(ReadOnlySpan<byte> image, byte[] seed)
    {
        if (!KernelImage.StartsWithMagic(image))
            throw new SigningFailure("not a kernel image (no UKIMAGE magic): only version 2 images (docs/image-format.md) can be signed");
        if (image.Length < KernelImage.FixedHeaderLength)
            throw new SigningFailure($"truncated image: {image.Length} bytes, less than the {KernelImage.FixedHeaderLength}-byte header");
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(image.Slice(KernelImage.VersionOffset));
        if (version != KernelImageParts.Version)
            throw new SigningFailure($"a version {version} image: only version 2 images carry a signature");
        int parts = image[KernelImageParts.PartCountOffset];
        if (parts < 1 || parts > KernelImageParts.MaximumPartCount)
            throw new SigningFailure($"bad part count {parts}: a version 2 image has 1 to {KernelImageParts.MaximumPartCount} parts");
        int signatureLength = BinaryPrimitives.ReadUInt16LittleEndian(image.Slice(KernelImageParts.SignatureLengthOffset));
        if (signatureLength != 0 && signatureLength != Ed25519.SignatureLength)
            throw new SigningFailure($"bad signature length {signatureLength}: 0 (unsigned) or 64");
        int tableEnd = KernelImage.FixedHeaderLength + parts * ImagePart.EntryLength;
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(image.Slice(KernelImage.HeaderLengthOffset));
        if (headerLength != tableEnd + signatureLength)
            throw new SigningFailure($"bad header length {headerLength}: {parts} parts and a {signatureLength}-byte signature make {tableEnd + signatureLength}");
        uint payloadLength = BinaryPrimitives.ReadUInt32LittleEndian(image.Slice(KernelImageParts.PayloadLengthOffset));
        if (image.Length < headerLength || (ulong)(image.Length - headerLength) != payloadLength)
            throw new SigningFailure($"the header announces {payloadLength} payload bytes but the file has {Math.Max(0, image.Length - headerLength)} after its header");

        int signedHeaderLength = tableEnd + Ed25519.SignatureLength;
        var signed = new byte[signedHeaderLength + payloadLength];
        image.Slice(0, tableEnd).CopyTo(signed);
        BinaryPrimitives.WriteUInt16LittleEndian(signed.AsSpan(KernelImage.HeaderLengthOffset), (ushort)signedHeaderLength);
        BinaryPrimitives.WriteUInt16LittleEndian(signed.AsSpan(KernelImageParts.SignatureLengthOffset), Ed25519.SignatureLength);
        byte[] signature = SignBytes(seed, signed.AsSpan(0, tableEnd));
        signature.CopyTo(signed, tableEnd);
        image.Slice(headerLength).CopyTo(signed.AsSpan(signedHeaderLength));
        return signed;
    }

    /// <summary>RFC 8032 pure Ed25519 of <paramref name="message"/> under <paramref name="seed"/>.</summary>
    public static byte[] SignBytes(byte[] seed, ReadOnlySpan<byte> message)
    {
        var signer = new Ed25519Signer();
        signer.Init(true, new Ed25519PrivateKeyParameters(seed, 0));
        signer.BlockUpdate(message);
        return signer.GenerateSignature();
    }
}
