using System.Buffers.Binary;

namespace Unikernel.Boot.Image.Signing;

/// <summary>
/// The signature of a version-2 image header (docs/signing.md): an Ed25519
/// signature (RFC 8032, pure) over the header bytes [0, header length - 64), the fixed header and
/// the part table with every part's SHA-256, stored as the header's last 64 bytes. Verifying the
/// header verifies the parts: each part's bytes are then checked against its signed hash.
/// </summary>
public static class ImageSignature
{
    /// <summary>
    /// Accepts <paramref name="header"/> (the image's first bytes, at least its whole header) if
    /// it is signed by <paramref name="publicKey"/> (32 bytes). Refuses with
    /// <see cref="ImageError.BadSignatureLength"/> a header shorter than its fixed part, or whose
    /// signature length is not 0 or 64, or whose header length cannot hold the part table and the
    /// signature, or that <paramref name="header"/> does not hold whole; with
    /// <see cref="ImageError.Unsigned"/> a version-1 image or a signature length of 0; with
    /// <see cref="ImageError.UnsupportedVersion"/> any version but 1 and 2; and with
    /// <see cref="ImageError.BadSignature"/> one that does not verify (RFC 8032 section 5.1.7).
    /// The magic and the rest of the header are <see cref="KernelImage"/>'s to check; the offsets are
    /// the format's own (<see cref="KernelImage"/>, <see cref="KernelImageParts"/>).
    /// </summary>
    public static bool Check(ReadOnlySpan<byte> header, ReadOnlySpan<byte> publicKey, out ImageError reason)
    {
        reason = Verify(header, publicKey);
        return reason == ImageError.None;
    }

    private static ImageError Verify(ReadOnlySpan<byte> header, ReadOnlySpan<byte> publicKey)
    {
        if (header.Length < KernelImage.FixedHeaderLength)
            return ImageError.BadSignatureLength;
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(header.Slice(KernelImage.VersionOffset));
        if (version == KernelImage.Version)
            return ImageError.Unsigned;
        if (version != KernelImageParts.Version)
            return ImageError.UnsupportedVersion;
        ushort signatureLength = BinaryPrimitives.ReadUInt16LittleEndian(header.Slice(KernelImageParts.SignatureLengthOffset));
        if (signatureLength == 0)
            return ImageError.Unsigned;
        if (signatureLength != Ed25519.SignatureLength)
            return ImageError.BadSignatureLength;
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(header.Slice(KernelImage.HeaderLengthOffset));
        if (headerLength < KernelImage.FixedHeaderLength + ImagePart.EntryLength + Ed25519.SignatureLength || headerLength > header.Length)
            return ImageError.BadSignatureLength;
        int signedLength = headerLength - Ed25519.SignatureLength;
        if (!Ed25519.Verify(publicKey, header.Slice(0, signedLength), header.Slice(signedLength, Ed25519.SignatureLength)))
            return ImageError.BadSignature;
        return ImageError.None;
    }
}
