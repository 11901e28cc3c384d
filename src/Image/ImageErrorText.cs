using Unikernel.Platform;

namespace Unikernel.Boot.Image;

/// <summary>
/// The words for every <see cref="ImageError"/>, version 2's included, for the bootloader's
/// <c>error: </c> reply and its web page (docs/image-format.md). Version 1's words stay in
/// <see cref="KernelImage.Describe"/>, which the first stage uses alone: it has no room for these.
/// </summary>
public static class ImageErrorText
{
    /// <summary>The reason in UTF-8 words.</summary>
    public static ReadOnlySpan<byte> Describe(ImageError reason) =>
        reason <= ImageError.HashingStalled ? KernelImage.Describe(reason)
        : reason <= ImageError.DeviceTreeRefused ? Utf8Table.Entry(Version2Reasons, reason - ImageError.BadPartCount)
        : "unknown reason"u8;

    /// <summary>Version 2's and the signature's words, in enum order from <see cref="ImageError.BadPartCount"/>.</summary>
    private static ReadOnlySpan<byte> Version2Reasons =>
        "part count not 1 to 8\0"u8 +                          // BadPartCount
        "signature length neither 0 nor 64\0"u8 +              // BadSignatureLength
        "reserved field not zero\0"u8 +                        // ReservedNotZero
        "boot protocol not 0, 1 or 2\0"u8 +                    // UnknownProtocol
        "part kind not 1 to 4\0"u8 +                           // UnknownPartKind
        "part room smaller than its length\0"u8 +              // RoomBelowLength
        "payload length is not the sum of the parts\0"u8 +     // PayloadLengthMismatch
        "not exactly one kernel part\0"u8 +                    // KernelPartCount
        "two parts of one kind\0"u8 +                          // DuplicatePart
        "Linux needs a device tree part\0"u8 +                 // DeviceTreeMissing
        "parts overlap\0"u8 +                                  // PartsOverlap
        "command line longer than 2048 bytes\0"u8 +            // CommandLineTooLong
        "command line with a load address\0"u8 +               // CommandLineHasAddress
        "NUL in the command line\0"u8 +                        // CommandLineHasNul
        "kernel part is not a zImage (no magic at 0x24)\0"u8 + // NotZImage
        "kernel part is not an arm64 Image (no ARM\\x64 at 0x38)\0"u8 + // NotArm64Image
        "arm64 Image not at a 2 MiB boundary + text_offset\0"u8 + // Arm64ImageMisplaced
        "arm64 Image room below its image_size\0"u8 +          // Arm64ImageRoomTooSmall
        "Linux boot not built in this image\0"u8 +             // LinuxNotBuiltIn
        "unsigned image (this board takes signed images only)\0"u8 + // Unsigned
        "bad signature\0"u8 +                                 // BadSignature
        "Linux image for another CPU (this board boots the other protocol)\0"u8 + // ProtocolNotForThisBoard
        "device tree refused\0"u8;                            // DeviceTreeRefused
}
