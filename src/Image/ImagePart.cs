using System.Buffers.Binary;

namespace Unikernel.Boot.Image;

/// <summary>
/// A view of one 64-byte part entry of a version 2 image's part table (docs/image-format.md,
/// "Version 2"): kind, length, load address, room and the part's SHA-256. Little-endian.
/// <see cref="KernelImageParts.Check"/> checks the entries; this view checks nothing.
/// </summary>
public readonly ref struct ImagePart
{
    public const int KindOffset = 0x00;
    public const int LengthOffset = 0x04;
    public const int LoadAddressOffset = 0x08;
    public const int RoomOffset = 0x10;
    public const int Sha256Offset = 0x20;

    /// <summary>An entry's size in the part table.</summary>
    public const int EntryLength = 64;

    private readonly Span<byte> _buffer;

    /// <summary>Wraps the entry's <see cref="EntryLength"/> bytes without checking them.</summary>
    public ImagePart(Span<byte> buffer)
    {
        _buffer = buffer;
    }

    /// <summary>The bytes this view covers.</summary>
    public Span<byte> Buffer => _buffer;

    public PartKind Kind
    {
        get => (PartKind)_buffer[KindOffset];
        set => _buffer[KindOffset] = (byte)value;
    }

    /// <summary>The part's bytes in the payload.</summary>
    public uint Length
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_buffer.Slice(LengthOffset));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_buffer.Slice(LengthOffset), value);
    }

    /// <summary>Where the part's first byte goes; 0 for a command line, which the bootloader keeps.</summary>
    public ulong LoadAddress
    {
        get => BinaryPrimitives.ReadUInt64LittleEndian(_buffer.Slice(LoadAddressOffset));
        set => BinaryPrimitives.WriteUInt64LittleEndian(_buffer.Slice(LoadAddressOffset), value);
    }

    /// <summary>Bytes reserved at the load address, at least <see cref="Length"/>: what a device tree grows into, an arm64 Image's image_size.</summary>
    public uint Room
    {
        get => BinaryPrimitives.ReadUInt32LittleEndian(_buffer.Slice(RoomOffset));
        set => BinaryPrimitives.WriteUInt32LittleEndian(_buffer.Slice(RoomOffset), value);
    }

    /// <summary>The SHA-256 of the part's bytes, 32 bytes.</summary>
    public Span<byte> Sha256 => _buffer.Slice(Sha256Offset, KernelImage.Sha256Length);

    /// <summary>What the part occupies: [load, load + room). Only after the wrap check.</summary>
    public AddressRange Reserved => new AddressRange(LoadAddress, Room);

    /// <summary>True if the reserved bytes (0x01-0x03, 0x14-0x1F) are zero.</summary>
    public bool ReservedAreZero =>
        KernelImageParts.AllZero(_buffer.Slice(0x01, 3)) && KernelImageParts.AllZero(_buffer.Slice(0x14, 12));
}
