using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Unikernel.Platform;

namespace Unikernel.Boot.Image;

/// <summary>
/// A view of a version 2 kernel image header (docs/image-format.md, "Version 2"): the 64-byte
/// fixed header (magic and version as version 1, then header length, payload length, entry
/// point, boot protocol, part count, signature length), the part table (<see cref="ImagePart"/>,
/// 64 bytes each) and, when signed, the Ed25519 signature as the header's last 64 bytes. The
/// payload is the parts' bytes in table order. Little-endian throughout.
/// </summary>
/// <remarks>
/// Call <see cref="Check"/> first; after it, no accessor can fault. The constructor checks nothing.
/// </remarks>
public readonly ref struct KernelImageParts
{
    public const int PayloadLengthOffset = 0x0C;
    public const int EntryPointOffset = 0x10;
    public const int ProtocolOffset = 0x18;
    public const int PartCountOffset = 0x19;
    public const int SignatureLengthOffset = 0x1A;

    /// <summary>The version this view reads and writes.</summary>
    public const ushort Version = 2;

    public const int MaximumPartCount = 8;

    /// <summary>An Ed25519 signature (RFC 8032 section 5.1.6), the only signature length but 0.</summary>
    public const int SignatureLength = 64;

    /// <summary>The longest header: fixed header, eight parts, a signature.</summary>
    public const int MaximumHeaderLength = KernelImage.FixedHeaderLength + MaximumPartCount * ImagePart.EntryLength + SignatureLength;

    /// <summary>The longest command line the bootloader keeps (Linux's COMMAND_LINE_SIZE on arm and arm64).</summary>
    public const int MaximumCommandLineLength = 2048;

    private readonly Span<byte> _buffer;

    /// <summary>Wraps the bytes without checking them.</summary>
    public KernelImageParts(Span<byte> buffer)
    {
        _buffer = buffer;
    }

    /// <summary>The bytes this view covers.</summary>
    public Span<byte> Buffer => _buffer;

    /// <summary>True if the header's version field says 2 (the first <see cref="KernelImage.FixedHeaderLength"/> bytes suffice).</summary>
    public static bool IsVersion2(ReadOnlySpan<byte> header) =>
        header.Length >= KernelImage.HeaderLengthOffset && BinaryPrimitives.ReadUInt16LittleEndian(header.Slice(KernelImage.VersionOffset)) == Version;

    /// <summary>The header length the fixed header announces (its bytes 10 and 11).</summary>
    public static int AnnouncedHeaderLength(ReadOnlySpan<byte> fixedHeader) =>
        BinaryPrimitives.ReadUInt16LittleEndian(fixedHeader.Slice(KernelImage.HeaderLengthOffset));

    /// <summary>What the whole header checks with no memory limit and nothing forbidden (the host tool).</summary>
    public static bool Check(ReadOnlySpan<byte> buffer, out ImageError reason) =>
        Check(buffer, new AddressRange(0, ulong.MaxValue), default, out reason);

    /// <summary>
    /// Accepts a whole version 2 header by docs/image-format.md's rules, first failure first:
    /// magic, version, part count (1 to 8), signature length (0 or 64), header length (exactly
    /// 64 + 64 per part + the signature) held by the buffer, reserved fields zero, a known
    /// protocol; each part a known kind with room for its length (a command line: no load
    /// address, at most 2048 bytes); the payload length the parts' sum and within
    /// <paramref name="memory"/>; exactly one kernel, at most one of each other kind, a device
    /// tree for Linux; every part's [load, load + room) not wrapping, inside
    /// <paramref name="memory"/>, off <paramref name="forbidden"/> and off each other; the entry
    /// point inside the kernel's [load, load + length).
    /// </summary>
    public static bool Check(ReadOnlySpan<byte> buffer, AddressRange memory, ReadOnlySpan<AddressRange> forbidden, out ImageError reason)
    {
        reason = CheckHeader(buffer, memory, forbidden);
        return reason == ImageError.None;
    }

    /// <summary>
    /// What the first <see cref="KernelImage.FixedHeaderLength"/> bytes alone can say: magic,
    /// version 2, part count, signature length and the header length they make. A receiver
    /// checks this before it waits for the part table.
    /// </summary>
    public static bool CheckFixedHeader(ReadOnlySpan<byte> buffer, out ImageError reason)
    {
        reason = CheckFixed(buffer);
        return reason == ImageError.None;
    }

    private static ImageError CheckFixed(ReadOnlySpan<byte> buffer)
    {
        if (buffer.Length < KernelImage.VersionOffset)
            return ImageError.Truncated;
        if (!KernelImage.StartsWithMagic(buffer))
            return ImageError.BadMagic;
        if (buffer.Length < KernelImage.FixedHeaderLength)
            return ImageError.Truncated;
        if (!IsVersion2(buffer))
            return ImageError.UnsupportedVersion;
        int partCount = buffer[PartCountOffset];
        if (partCount == 0 || partCount > MaximumPartCount)
            return ImageError.BadPartCount;
        int signatureLength = BinaryPrimitives.ReadUInt16LittleEndian(buffer.Slice(SignatureLengthOffset));
        if (signatureLength != 0 && signatureLength != SignatureLength)
            return ImageError.BadSignatureLength;
        if (AnnouncedHeaderLength(buffer) != KernelImage.FixedHeaderLength + partCount * ImagePart.EntryLength + signatureLength)
            return ImageError.BadHeaderLength;
        return ImageError.None;
    }

    private static ImageError CheckHeader(ReadOnlySpan<byte> buffer, AddressRange memory, ReadOnlySpan<AddressRange> forbidden)
    {
        var fixedReason = CheckFixed(buffer);
        if (fixedReason != ImageError.None)
            return fixedReason;
        int partCount = buffer[PartCountOffset];
        if (buffer.Length < AnnouncedHeaderLength(buffer))
            return ImageError.Truncated;
        if (!AllZero(buffer.Slice(0x1C, 36)))
            return ImageError.ReservedNotZero;
        if (buffer[ProtocolOffset] > (byte)BootProtocol.LinuxArm64Image)
            return ImageError.UnknownProtocol;

        // Each entry alone, and the counts. The view only reads here.
        var image = new KernelImageParts(MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(buffer), buffer.Length));
        ulong sum = 0;
        int kernels = 0, deviceTrees = 0, initrds = 0, commandLines = 0;
        for (int i = 0; i < partCount; i++)
        {
            var part = image.Part(i);
            if (!part.ReservedAreZero)
                return ImageError.ReservedNotZero;
            switch (part.Kind)
            {
                case PartKind.Kernel: kernels++; break;
                case PartKind.DeviceTree: deviceTrees++; break;
                case PartKind.Initrd: initrds++; break;
                case PartKind.CommandLine: commandLines++; break;
                default: return ImageError.UnknownPartKind;
            }
            if (part.Room < part.Length)
                return ImageError.RoomBelowLength;
            if (part.Kind == PartKind.CommandLine)
            {
                if (part.LoadAddress != 0)
                    return ImageError.CommandLineHasAddress;
                if (part.Length > MaximumCommandLineLength)
                    return ImageError.CommandLineTooLong;
            }
            sum += part.Length;
        }
        if (sum != image.PayloadLength)
            return ImageError.PayloadLengthMismatch;
        if (sum > memory.Length)
            return ImageError.TooLong;
        if (kernels != 1)
            return ImageError.KernelPartCount;
        if (deviceTrees > 1 || initrds > 1 || commandLines > 1)
            return ImageError.DuplicatePart;
        if (image.Protocol != BootProtocol.Unikernel && deviceTrees == 0)
            return ImageError.DeviceTreeMissing;

        // Where the parts go: each alone, then each pair.
        for (int i = 0; i < partCount; i++)
        {
            var part = image.Part(i);
            if (part.Kind == PartKind.CommandLine)
                continue;
            if (part.LoadAddress + part.Room < part.LoadAddress)
                return ImageError.LoadRangeWraps;
            var reserved = part.Reserved;
            if (reserved.Start < memory.Start || reserved.End > memory.End)
                return ImageError.OutsideMemory;
            for (int f = 0; f < forbidden.Length; f++)
            {
                if (reserved.Overlaps(forbidden[f]))
                    return ImageError.OverlapsForbidden;
            }
        }
        for (int i = 0; i < partCount; i++)
        {
            for (int j = i + 1; j < partCount; j++)
            {
                var a = image.Part(i);
                var b = image.Part(j);
                if (a.Kind != PartKind.CommandLine && b.Kind != PartKind.CommandLine && a.Reserved.Overlaps(b.Reserved))
                    return ImageError.PartsOverlap;
            }
        }
        var kernel = image.Part(image.IndexOf(PartKind.Kernel));
        if (!new AddressRange(kernel.LoadAddress, kernel.Length).Contains(image.EntryPoint))
            return ImageError.EntryOutsideImage;
        return ImageError.None;
    }

    /// <summary>
    /// Checks a kernel part's own header, its first bytes as far as they are in (all of them
    /// from <see cref="KernelHeadLength"/> on): protocol 1 wants the zImage magic 0x016F2818 at
    /// 0x24 (booting.rst, "Kernel image"); protocol 2 "ARM\x64" at 0x38, a load address at a
    /// 2 MiB boundary plus text_offset (0x08) and a room of at least image_size (0x10)
    /// (arm64 booting.rst, "Call the kernel image"). Protocol 0 has no header to check.
    /// </summary>
    public static ImageError CheckKernelHead(BootProtocol protocol, ReadOnlySpan<byte> head, ulong loadAddress, uint room)
    {
        if (protocol == BootProtocol.LinuxZImage)
        {
            if (head.Length < ZImageMagicOffset + 4 || BinaryPrimitives.ReadUInt32LittleEndian(head.Slice(ZImageMagicOffset)) != ZImageMagic)
                return ImageError.NotZImage;
        }
        else if (protocol == BootProtocol.LinuxArm64Image)
        {
            if (head.Length < Arm64MagicOffset + 4 || BinaryPrimitives.ReadUInt32LittleEndian(head.Slice(Arm64MagicOffset)) != Arm64Magic)
                return ImageError.NotArm64Image;
            ulong textOffset = BinaryPrimitives.ReadUInt64LittleEndian(head.Slice(0x08));
            ulong imageSize = BinaryPrimitives.ReadUInt64LittleEndian(head.Slice(0x10));
            if (loadAddress < textOffset || (loadAddress - textOffset) % Arm64Alignment != 0)
                return ImageError.Arm64ImageMisplaced;
            if (room < imageSize)
                return ImageError.Arm64ImageRoomTooSmall;
        }
        return ImageError.None;
    }

    /// <summary>How much of a kernel part <see cref="CheckKernelHead"/> reads: the arm64 Image header.</summary>
    public const int KernelHeadLength = 64;

    /// <summary>Where a zImage keeps its magic (arch/arm/boot/compressed/head.S), and the magic.</summary>
    public const int ZImageMagicOffset = 0x24;
    public const uint ZImageMagic = 0x016F_2818;

    /// <summary>Where an arm64 Image keeps its magic, and the magic: "ARM\x64" little-endian.</summary>
    public const int Arm64MagicOffset = 0x38;
    public const uint Arm64Magic = 0x644D_5241;

    /// <summary>An arm64 Image's base alignment (booting.rst: 2 MiB).</summary>
    public const ulong Arm64Alignment = 2 * 1024 * 1024;

    /// <summary>
    /// Writes a fixed header for <paramref name="partCount"/> parts (entries zeroed, to be filled
    /// through <see cref="Part"/>) and returns a view of the whole header. The payload length is
    /// set by <see cref="SumPayloadLength"/> once the parts are. Panics if the buffer is short.
    /// </summary>
    public static KernelImageParts Emit(Span<byte> buffer, BootProtocol protocol, ulong entryPoint, int partCount, int signatureLength)
    {
        int headerLength = KernelImage.FixedHeaderLength + partCount * ImagePart.EntryLength + signatureLength;
        if (buffer.Length < headerLength || partCount < 1 || partCount > MaximumPartCount)
            Kernel.Panic("KernelImageParts.Emit: buffer too short or bad part count"u8);
        var header = buffer.Slice(0, headerLength);
        header.Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(header, KernelImage.Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(header.Slice(KernelImage.VersionOffset), Version);
        BinaryPrimitives.WriteUInt16LittleEndian(header.Slice(KernelImage.HeaderLengthOffset), (ushort)headerLength);
        BinaryPrimitives.WriteUInt64LittleEndian(header.Slice(EntryPointOffset), entryPoint);
        header[ProtocolOffset] = (byte)protocol;
        header[PartCountOffset] = (byte)partCount;
        BinaryPrimitives.WriteUInt16LittleEndian(header.Slice(SignatureLengthOffset), (ushort)signatureLength);
        return new KernelImageParts(header);
    }

    /// <summary>Sets the payload length to the sum of the parts' lengths.</summary>
    public void SumPayloadLength()
    {
        uint sum = 0;
        for (int i = 0; i < PartCount; i++)
            sum += Part(i).Length;
        PayloadLength = sum;
    }

    public int HeaderLength => AnnouncedHeaderLength(_buffer);

    /// <summary>The parts' bytes after the header.</summary>
    public uint PayloadLength
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_buffer.Slice(PayloadLengthOffset));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_buffer.Slice(PayloadLengthOffset), value);
    }

    /// <summary>Where the bootloader enters the kernel, inside the kernel part's load range.</summary>
    public ulong EntryPoint => BinaryPrimitives.ReadUInt64LittleEndian(_buffer.Slice(EntryPointOffset));

    public BootProtocol Protocol => (BootProtocol)_buffer[ProtocolOffset];

    public int PartCount => _buffer[PartCountOffset];

    /// <summary>0 (unsigned) or <see cref="SignatureLength"/>.</summary>
    public int SignatureLengthField => BinaryPrimitives.ReadUInt16LittleEndian(_buffer.Slice(SignatureLengthOffset));

    /// <summary>The part entry <paramref name="index"/> (0 to <see cref="PartCount"/> - 1).</summary>
    public ImagePart Part(int index) =>
        new ImagePart(_buffer.Slice(KernelImage.FixedHeaderLength + index * ImagePart.EntryLength, ImagePart.EntryLength));

    /// <summary>The first part of <paramref name="kind"/>, or -1.</summary>
    public int IndexOf(PartKind kind)
    {
        for (int i = 0; i < PartCount; i++)
        {
            if (Part(i).Kind == kind)
                return i;
        }
        return -1;
    }

    /// <summary>What the signature covers: the header up to the signature (RFC 8032 message).</summary>
    public Span<byte> SignedBytes => _buffer.Slice(0, HeaderLength - SignatureLengthField);

    /// <summary>The Ed25519 signature, empty when unsigned.</summary>
    public Span<byte> Signature => _buffer.Slice(HeaderLength - SignatureLengthField, SignatureLengthField);

    /// <summary>True if every byte is zero.</summary>
    internal static bool AllZero(ReadOnlySpan<byte> bytes)
    {
        for (int i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != 0)
                return false;
        }
        return true;
    }
}
