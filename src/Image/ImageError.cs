namespace Unikernel.Boot.Image;

/// <summary>Why <see cref="KernelImage.Check"/> refused a header; <see cref="KernelImage.Describe"/> words each.</summary>
public enum ImageError
{
    None,
    /// <summary>Fewer bytes than the fixed header, or than the header length field says.</summary>
    Truncated,
    /// <summary>The first 8 bytes are not <c>UKIMAGE\0</c>.</summary>
    BadMagic,
    /// <summary>A format version other than <see cref="KernelImage.Version"/>.</summary>
    UnsupportedVersion,
    /// <summary>A header length field below <see cref="KernelImage.FixedHeaderLength"/>.</summary>
    BadHeaderLength,
    /// <summary>A payload longer than the limit the caller gave.</summary>
    TooLong,
    /// <summary>Load address plus payload length passes 2^64.</summary>
    LoadRangeWraps,
    /// <summary>The load range overlaps a range the caller forbade (the bootloader, its buffers).</summary>
    OverlapsForbidden,
    /// <summary>The entry point is not inside the load range (an empty payload has none).</summary>
    EntryOutsideImage,
    /// <summary>The load range is not inside the memory the loader has (<see cref="KernelImage.CheckFixedHeader"/>: DRAM as detected).</summary>
    OutsideMemory,
    /// <summary>The stream ended before the payload was complete.</summary>
    PayloadTruncated,
    /// <summary>More bytes came than header and payload.</summary>
    DataAfterPayload,
    /// <summary>The payload's SHA-256 is not the header's.</summary>
    Sha256Mismatch,
    /// <summary>The core hashing behind the receiving one (<see cref="HashingCore"/>) stopped before the end of the payload.</summary>
    HashingStalled,

    // Version 2 (KernelImageParts, docs/image-format.md "Version 2"); the first stage knows none of these.

    /// <summary>A part count of 0 or above <see cref="KernelImageParts.MaximumPartCount"/>.</summary>
    BadPartCount,
    /// <summary>A signature length other than 0 or <see cref="KernelImageParts.SignatureLength"/>.</summary>
    BadSignatureLength,
    /// <summary>A reserved field of the header or of a part entry is not zero.</summary>
    ReservedNotZero,
    /// <summary>A boot protocol this format does not define.</summary>
    UnknownProtocol,
    /// <summary>A part kind this format does not define.</summary>
    UnknownPartKind,
    /// <summary>A part's room is smaller than its length.</summary>
    RoomBelowLength,
    /// <summary>The header's payload length is not the sum of the parts' lengths.</summary>
    PayloadLengthMismatch,
    /// <summary>No kernel part, or more than one.</summary>
    KernelPartCount,
    /// <summary>Two parts of one kind (other than the kernel).</summary>
    DuplicatePart,
    /// <summary>A Linux protocol without a device tree part.</summary>
    DeviceTreeMissing,
    /// <summary>Two parts' [load, load + room) share a byte.</summary>
    PartsOverlap,
    /// <summary>A command line longer than <see cref="KernelImageParts.MaximumCommandLineLength"/>.</summary>
    CommandLineTooLong,
    /// <summary>A command line part with a load address (the bootloader keeps it).</summary>
    CommandLineHasAddress,
    /// <summary>A NUL byte in the command line.</summary>
    CommandLineHasNul,
    /// <summary>Protocol 1's kernel part has no zImage magic 0x016F2818 at 0x24.</summary>
    NotZImage,
    /// <summary>Protocol 2's kernel part has no <c>ARM\x64</c> magic at 0x38.</summary>
    NotArm64Image,
    /// <summary>An arm64 Image not loaded at a 2 MiB boundary plus its text_offset.</summary>
    Arm64ImageMisplaced,
    /// <summary>An arm64 Image whose room is below its image_size.</summary>
    Arm64ImageRoomTooSmall,
    /// <summary>A Linux protocol on a bootloader that cannot start Linux yet (<see cref="KernelReceiver{TDestination}.StartsLinux"/>).</summary>
    LinuxNotBuiltIn,
    /// <summary>The board takes signed images only and this one has no signature (signature length 0, or a version-1 image); <see cref="Signing.ImageSignature"/>.</summary>
    Unsigned,
    /// <summary>The Ed25519 signature does not verify with the board's public key (RFC 8032 section 5.1.7).</summary>
    BadSignature,
    /// <summary>A Linux image for the other architecture: the board boots one protocol (<see cref="KernelReceiver{TDestination}.LinuxProtocol"/>).</summary>
    ProtocolNotForThisBoard,
    /// <summary>The device tree part could not be read or edited for Linux (<see cref="KernelReceiver{TDestination}.DeviceTreeError"/> says why).</summary>
    DeviceTreeRefused,
}
