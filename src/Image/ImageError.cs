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
}
