using System.Security.Cryptography;
using Unikernel.Boot.Image;

namespace Unikernel.Image.Tests;

/// <summary>One part of a version 2 image a test builds: its kind, where it goes, its room (default: its length) and its bytes.</summary>
public sealed record TestPart(PartKind Kind, ulong Load, byte[] Bytes, uint? Room = null);

/// <summary>Builds version 2 images (docs/image-format.md) for tests, through <see cref="KernelImageParts.Emit"/>.</summary>
public static class Version2Image
{
    /// <summary>Header (unsigned, or with a 64-byte signature field of zeros) and the parts' bytes.</summary>
    public static byte[] Build(BootProtocol protocol, ulong entry, IReadOnlyList<TestPart> parts, int signatureLength = 0)
    {
        var header = new byte[KernelImageParts.MaximumHeaderLength];
        var image = KernelImageParts.Emit(header, protocol, entry, parts.Count, signatureLength);
        for (int i = 0; i < parts.Count; i++)
        {
            var part = image.Part(i);
            part.Kind = parts[i].Kind;
            part.LoadAddress = parts[i].Load;
            part.Length = (uint)parts[i].Bytes.Length;
            part.Room = parts[i].Room ?? (uint)parts[i].Bytes.Length;
            SHA256.HashData(parts[i].Bytes).CopyTo(part.Sha256);
        }
        image.SumPayloadLength();
        var bytes = new List<byte>(header.AsSpan(0, image.HeaderLength).ToArray());
        foreach (var part in parts)
            bytes.AddRange(part.Bytes);
        return [.. bytes];
    }

    public static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>A fake zImage: random bytes with the magic at 0x24.</summary>
    public static byte[] ZImage(int length, int seed = 3)
    {
        var bytes = Random(length, seed);
        BitConverter.GetBytes(KernelImageParts.ZImageMagic).CopyTo(bytes, KernelImageParts.ZImageMagicOffset);
        return bytes;
    }

    /// <summary>A fake arm64 Image: text_offset, image_size and the magic set, the rest random.</summary>
    public static byte[] Arm64Image(int length, ulong textOffset, ulong imageSize, int seed = 4)
    {
        var bytes = Random(length, seed);
        BitConverter.GetBytes(textOffset).CopyTo(bytes, 0x08);
        BitConverter.GetBytes(imageSize).CopyTo(bytes, 0x10);
        BitConverter.GetBytes(KernelImageParts.Arm64Magic).CopyTo(bytes, KernelImageParts.Arm64MagicOffset);
        return bytes;
    }
}
