using System.Buffers.Binary;
using System.Text;

namespace Unikernel.Tool.Build;

/// <summary>
/// The Allwinner boot ROM's image format ("eGON.BT0"): a header at the start of the image with
/// a branch over it, the magic, a checksum and the length. The ROM sums the image as 32-bit
/// little-endian words, counting the checksum field as the seed 0x5F0A6C39, and boots it only
/// if the sum matches. Lengths are whole 512-byte blocks. (Layout: U-Boot's
/// include/sunxi_image.h and tools/mksunxiboot; our header is src/Platform/Entry/egon-header.inc.)
/// </summary>
public static class EgonImage
{
    public const int MagicOffset = 4;
    public const int ChecksumOffset = 12;
    public const int LengthOffset = 16;
    public const uint ChecksumSeed = 0x5F0A6C39;
    public const int BlockSize = 512;
    public static ReadOnlySpan<byte> Magic => "eGON.BT0"u8;

    /// <summary>Pads the linked binary to whole blocks and writes its length and checksum.</summary>
    public static byte[] Seal(ReadOnlySpan<byte> binary)
    {
        if (binary.Length < 32 || !binary.Slice(MagicOffset, Magic.Length).SequenceEqual(Magic))
            throw new BuildFailure("the linked image does not start with an eGON.BT0 header: the entry code must begin with egon-header.inc");
        int length = (binary.Length + BlockSize - 1) / BlockSize * BlockSize;
        var image = new byte[length];
        binary.CopyTo(image);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(LengthOffset), (uint)length);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(ChecksumOffset), ChecksumSeed);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(ChecksumOffset), Sum(image));
        return image;
    }

    /// <summary>Checks an image the way the boot ROM does; returns null when good, else why not.</summary>
    public static string? Validate(ReadOnlySpan<byte> image)
    {
        if (image.Length < 32)
            return $"image too short for an eGON header ({image.Length} bytes)";
        if (!image.Slice(MagicOffset, Magic.Length).SequenceEqual(Magic))
            return $"no eGON.BT0 magic at byte {MagicOffset} (found '{Encoding.ASCII.GetString(image.Slice(MagicOffset, 8))}')";
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(image[LengthOffset..]);
        if (length % BlockSize != 0)
            return $"length {length} is not a multiple of {BlockSize}";
        if (length > image.Length)
            return $"header length {length} is larger than the image ({image.Length} bytes)";
        var copy = image[..(int)length].ToArray();
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(copy.AsSpan(ChecksumOffset));
        BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(ChecksumOffset), ChecksumSeed);
        uint computed = Sum(copy);
        return stored == computed ? null : $"checksum 0x{stored:x8} does not match the computed 0x{computed:x8}";
    }

    private static uint Sum(ReadOnlySpan<byte> image)
    {
        uint sum = 0;
        for (int offset = 0; offset < image.Length; offset += 4)
            sum += BinaryPrimitives.ReadUInt32LittleEndian(image[offset..]);
        return sum;
    }
}
