using System.Buffers.Binary;
using Unikernel.Platform;

namespace Unikernel.Boot.Image;

/// <summary>
/// A view of the header of a kernel image as the bootloader takes it over the network
/// (docs/image-format.md, "Kernel images"): magic <c>UKIMAGE\0</c>, format version, header
/// length, payload length, load address, entry point and the payload's SHA-256. All integers
/// are little-endian. The payload follows the header (at <see cref="HeaderLength"/>).
/// </summary>
/// <remarks>
/// Call <see cref="Check"/> (or <see cref="TryParse"/>) first; after it, no accessor can fault.
/// The constructor itself checks nothing. The view covers the header only: the bootloader checks
/// it before it has any of the payload, and hashes the payload as it arrives.
/// </remarks>
public readonly ref struct KernelImage
{
    public const int MagicOffset = 0;
    public const int VersionOffset = 8;
    public const int HeaderLengthOffset = 10;
    public const int PayloadLengthOffset = 12;
    public const int LoadAddressOffset = 16;
    public const int EntryPointOffset = 24;
    public const int PayloadSha256Offset = 32;
    public const int Sha256Length = 32;

    /// <summary>The header as this version writes it; a later version may append fields, and says so in the header length.</summary>
    public const int FixedHeaderLength = 64;

    /// <summary>The only format version this code reads and writes.</summary>
    public const ushort Version = 1;

    /// <summary><c>UKIMAGE\0</c> as a little-endian 64-bit word.</summary>
    public const ulong Magic = 0x0045_4741_4D49_4B55;

    private readonly Span<byte> _buffer;

    /// <summary>Wraps the bytes without checking them.</summary>
    public KernelImage(Span<byte> buffer)
    {
        _buffer = buffer;
    }

    /// <summary>True if <paramref name="data"/> starts with the magic (a file that is an image already).</summary>
    public static bool StartsWithMagic(ReadOnlySpan<byte> data) =>
        data.Length >= 8 && BinaryPrimitives.ReadUInt64LittleEndian(data) == Magic;

    /// <summary>
    /// Accepts a header with the magic, version <see cref="Version"/>, a header length of at
    /// least <see cref="FixedHeaderLength"/> that the buffer holds, a payload of at most
    /// <paramref name="maximumPayloadLength"/> bytes, a load range (load address, payload length)
    /// that neither passes 2^64 nor overlaps any of <paramref name="forbidden"/>, and an entry
    /// point inside the load range. The checks run in that order; the first failure is the reason.
    /// </summary>
    public static bool Check(ReadOnlySpan<byte> buffer, ulong maximumPayloadLength, ReadOnlySpan<AddressRange> forbidden, out ImageError reason)
    {
        reason = CheckHeader(buffer, maximumPayloadLength, new AddressRange(0, ulong.MaxValue), forbidden, wholeHeader: true);
        return reason == ImageError.None;
    }

    /// <summary>
    /// What a loader checks once the <see cref="FixedHeaderLength"/> bytes are in, before it
    /// writes a byte: <see cref="Check"/>'s rules (a longer header's extra bytes, which version 1
    /// skips, need not be there), and a load range inside <paramref name="memory"/>
    /// (<see cref="ImageError.OutsideMemory"/>).
    /// </summary>
    public static bool CheckFixedHeader(ReadOnlySpan<byte> buffer, AddressRange memory, ReadOnlySpan<AddressRange> forbidden, out ImageError reason)
    {
        reason = CheckHeader(buffer, memory.Length, memory, forbidden, wholeHeader: false);
        return reason == ImageError.None;
    }

    private static ImageError CheckHeader(ReadOnlySpan<byte> buffer, ulong maximumPayloadLength, AddressRange memory, ReadOnlySpan<AddressRange> forbidden, bool wholeHeader)
    {
        if (buffer.Length < VersionOffset)
            return ImageError.Truncated;
        if (BinaryPrimitives.ReadUInt64LittleEndian(buffer) != Magic)
            return ImageError.BadMagic;
        if (buffer.Length < FixedHeaderLength && (!wholeHeader || buffer.Length < PayloadLengthOffset))
            return ImageError.Truncated;
        if (BinaryPrimitives.ReadUInt16LittleEndian(buffer.Slice(VersionOffset)) != Version)
            return ImageError.UnsupportedVersion;
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(buffer.Slice(HeaderLengthOffset));
        if (headerLength < FixedHeaderLength)
            return ImageError.BadHeaderLength;
        if (buffer.Length < (wholeHeader ? headerLength : FixedHeaderLength))
            return ImageError.Truncated;

        ulong payloadLength = BinaryPrimitives.ReadUInt32LittleEndian(buffer.Slice(PayloadLengthOffset));
        if (payloadLength > maximumPayloadLength)
            return ImageError.TooLong;
        ulong load = BinaryPrimitives.ReadUInt64LittleEndian(buffer.Slice(LoadAddressOffset));
        if (load + payloadLength < load)
            return ImageError.LoadRangeWraps;
        var range = new AddressRange(load, payloadLength);
        if (load < memory.Start || load + payloadLength > memory.End)
            return ImageError.OutsideMemory;
        for (int i = 0; i < forbidden.Length; i++)
        {
            if (range.Overlaps(forbidden[i]))
                return ImageError.OverlapsForbidden;
        }
        if (!range.Contains(BinaryPrimitives.ReadUInt64LittleEndian(buffer.Slice(EntryPointOffset))))
            return ImageError.EntryOutsideImage;
        return ImageError.None;
    }

    /// <summary><see cref="Check"/>, then a view of exactly <see cref="HeaderLength"/> bytes.</summary>
    public static bool TryParse(Span<byte> buffer, ulong maximumPayloadLength, ReadOnlySpan<AddressRange> forbidden, out KernelImage image, out ImageError reason)
    {
        image = Check(buffer, maximumPayloadLength, forbidden, out reason)
            ? new KernelImage(buffer.Slice(0, BinaryPrimitives.ReadUInt16LittleEndian(buffer.Slice(HeaderLengthOffset))))
            : default;
        return reason == ImageError.None;
    }

    /// <summary>
    /// Writes a <see cref="FixedHeaderLength"/>-byte header for a payload of
    /// <paramref name="payloadLength"/> bytes whose SHA-256 is <paramref name="payloadSha256"/>,
    /// and returns a view of it. Panics if the buffer is too short or the hash is not 32 bytes.
    /// </summary>
    public static KernelImage Emit(Span<byte> buffer, ulong loadAddress, ulong entryPoint, uint payloadLength, ReadOnlySpan<byte> payloadSha256)
    {
        if (buffer.Length < FixedHeaderLength || payloadSha256.Length != Sha256Length)
            Kernel.Panic("KernelImage.Emit: buffer too short or hash not 32 bytes"u8);
        var image = new KernelImage(buffer.Slice(0, FixedHeaderLength));
        BinaryPrimitives.WriteUInt64LittleEndian(buffer, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(buffer.Slice(VersionOffset), Version);
        image.HeaderLength = FixedHeaderLength;
        image.PayloadLength = payloadLength;
        image.LoadAddress = loadAddress;
        image.EntryPoint = entryPoint;
        payloadSha256.CopyTo(image.PayloadSha256);
        return image;
    }

    /// <summary>
    /// Writes the header for <paramref name="payload"/>, hashing it with <see cref="Sha256"/>.
    /// Panics if the buffer is too short.
    /// </summary>
    public static KernelImage Emit(Span<byte> buffer, ulong loadAddress, ulong entryPoint, ReadOnlySpan<byte> payload)
    {
        if (buffer.Length < FixedHeaderLength)
            Kernel.Panic("KernelImage.Emit: buffer too short"u8);
        var image = Emit(buffer, loadAddress, entryPoint, (uint)payload.Length, buffer.Slice(PayloadSha256Offset, Sha256Length));
        Sha256.Hash(payload, image.PayloadSha256);
        return image;
    }

    /// <summary>The bytes this view covers.</summary>
    public Span<byte> Buffer => _buffer;

    public ushort FormatVersion => BinaryPrimitives.ReadUInt16LittleEndian(_buffer.Slice(VersionOffset));

    /// <summary>Where the payload starts, counted from the magic.</summary>
    public int HeaderLength
    {
        get => BinaryPrimitives.ReadUInt16LittleEndian(_buffer.Slice(HeaderLengthOffset));
        set => BinaryPrimitives.WriteUInt16LittleEndian(_buffer.Slice(HeaderLengthOffset), (ushort)value);
    }

    public uint PayloadLength
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_buffer.Slice(PayloadLengthOffset));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_buffer.Slice(PayloadLengthOffset), value);
    }

    /// <summary>The physical address the payload's first byte goes to.</summary>
    public ulong LoadAddress
    {
        get => BinaryPrimitives.ReadUInt64LittleEndian(_buffer.Slice(LoadAddressOffset));
        set => BinaryPrimitives.WriteUInt64LittleEndian(_buffer.Slice(LoadAddressOffset), value);
    }

    /// <summary>The physical address the bootloader jumps to, inside the load range.</summary>
    public ulong EntryPoint
    {
        get => BinaryPrimitives.ReadUInt64LittleEndian(_buffer.Slice(EntryPointOffset));
        set => BinaryPrimitives.WriteUInt64LittleEndian(_buffer.Slice(EntryPointOffset), value);
    }

    /// <summary>The load range: <see cref="LoadAddress"/> for <see cref="PayloadLength"/> bytes.</summary>
    public AddressRange LoadRange => new AddressRange(LoadAddress, PayloadLength);

    /// <summary>The SHA-256 of the payload, 32 bytes.</summary>
    public Span<byte> PayloadSha256 => _buffer.Slice(PayloadSha256Offset, Sha256Length);

    /// <summary>
    /// Words a reason for the bootloader's <c>error: </c> reply (docs/image-format.md), in UTF-8:
    /// the first stages print it too, and u8 literals cost no string objects there. Host code
    /// wanting a string decodes it (<c>Encoding.UTF8.GetString</c>).
    /// </summary>
    public static ReadOnlySpan<byte> Describe(ImageError reason) =>
        (uint)reason <= (uint)ImageError.HashingStalled ? Utf8Table.Entry(Reasons, (int)reason) : "unknown reason"u8;

    /// <summary>The words for each <see cref="ImageError"/>, in enum order (a <see cref="Utf8Table"/>: the first stage counts bytes).</summary>
    private static ReadOnlySpan<byte> Reasons =>
        "none\0"u8 +                                          // None
        "truncated header\0"u8 +                              // Truncated
        "bad magic (not a UKIMAGE)\0"u8 +                     // BadMagic
        "unsupported format version\0"u8 +                    // UnsupportedVersion
        "bad header length\0"u8 +                             // BadHeaderLength
        "payload too long\0"u8 +                              // TooLong
        "load range passes the end of the address space\0"u8 + // LoadRangeWraps
        "load range overlaps the bootloader\0"u8 +            // OverlapsForbidden
        "entry point outside the loaded range\0"u8 +          // EntryOutsideImage
        "load range outside DRAM\0"u8 +                       // OutsideMemory
        "truncated payload\0"u8 +                             // PayloadTruncated
        "data after the payload\0"u8 +                        // DataAfterPayload
        "sha256 mismatch\0"u8 +                               // Sha256Mismatch
        "hashing core stalled\0"u8;                          // HashingStalled
}
