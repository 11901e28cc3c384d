namespace Unikernel.Tool.Build;

/// <summary>
/// An SD card image for Allwinner boards: the boot ROM reads the eGON image from byte 8 KiB
/// (sector 16). QEMU's SD model wants a power-of-two size, so the image is 4 MiB, sparse.
/// </summary>
public static class SdCardImage
{
    public const long BootImageOffset = 8 * 1024;
    public const long Size = 4 * 1024 * 1024;

    public static void Write(string path, ReadOnlySpan<byte> bootImage)
    {
        if (BootImageOffset + bootImage.Length > Size)
            throw new BuildFailure($"the boot image ({bootImage.Length} bytes) does not fit an SD image of {Size} bytes");
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        file.SetLength(Size);
        file.Position = BootImageOffset;
        file.Write(bootImage);
    }
}
