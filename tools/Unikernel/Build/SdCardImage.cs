namespace Unikernel.Tool.Build;

/// <summary>
/// An SD card image for Allwinner boards: the boot ROM reads the eGON image from byte 8 KiB
/// (sector 16); a second stage, where the board has one, follows at its card offset. QEMU's SD
/// model wants a power-of-two size, so the image is 4 MiB, sparse.
/// </summary>
public static class SdCardImage
{
    public const long BootImageOffset = 8 * 1024;
    public const long Size = 4 * 1024 * 1024;

    public static void Write(string path, ReadOnlySpan<byte> bootImage, (ulong Offset, byte[] Image)? secondStage = null)
    {
        if (BootImageOffset + bootImage.Length > Size)
            throw new BuildFailure($"the boot image ({bootImage.Length} bytes) does not fit an SD image of {Size} bytes");
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        file.SetLength(Size);
        file.Position = BootImageOffset;
        file.Write(bootImage);
        if (secondStage is { } stage)
        {
            if ((long)stage.Offset < BootImageOffset + bootImage.Length)
                throw new BuildFailure($"the second stage at card offset 0x{stage.Offset:x} would overlap the boot image (bytes 0x{BootImageOffset:x} to 0x{BootImageOffset + bootImage.Length:x})");
            if ((long)stage.Offset + stage.Image.Length > Size)
                throw new BuildFailure($"the second stage ({stage.Image.Length} bytes at 0x{stage.Offset:x}) does not fit an SD image of {Size} bytes");
            file.Position = (long)stage.Offset;
            file.Write(stage.Image);
        }
    }
}
