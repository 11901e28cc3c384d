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
    /// <summary>The board takes signed images only and this one has no signature (signature length 0, or a version-1 image); <see cref="Signing.ImageSignature"/>.</summary>
    Unsigned,
    /// <summary>The Ed25519 signature does not verify with the board's public key (RFC 8032 section 5.1.7).</summary>
    BadSignature,
    /// <summary>A signature length other than 0 or 64, or a header too short to hold the signature it announces.</summary>
    BadSignatureLength,
}
