using System.Buffers.Binary;
using System.Text;
using Unikernel.Boot.Image;

namespace Unikernel.Image.Tests;

/// <summary>
/// The version 2 header (<see cref="KernelImageParts"/>, docs/image-format.md "Version 2"): the
/// layout, and each rule a reader applies with its own reason, first failure first.
/// </summary>
public sealed class KernelImagePartsTests
{
    private const ulong Dram = 0x4000_0000;
    private static readonly AddressRange Memory = new(Dram, 0x4000_0000);
    private static readonly AddressRange[] Forbidden = [new AddressRange(Dram, 0x10_0000)];

    private static readonly byte[] Kernel = Version2Image.ZImage(5000);
    private static readonly byte[] Tree = Version2Image.Random(300, 5);
    private static readonly byte[] Initrd = Version2Image.Random(2000, 6);

    /// <summary>A good Linux zImage image: kernel at +32 MiB, device tree at +48 MiB with room, initrd, command line.</summary>
    private static byte[] Good(int signatureLength = 0) => Version2Image.Build(BootProtocol.LinuxZImage, Dram + 0x200_0000,
    [
        new(PartKind.Kernel, Dram + 0x200_0000, Kernel),
        new(PartKind.DeviceTree, Dram + 0x300_0000, Tree, 0x1_0000),
        new(PartKind.Initrd, Dram + 0x330_0000, Initrd),
        new(PartKind.CommandLine, 0, "console=ttyS0,115200"u8.ToArray()),
    ], signatureLength);

    private static ImageError Check(byte[] image)
    {
        KernelImageParts.Check(image, Memory, Forbidden, out var reason);
        return reason;
    }

    private static ImagePart Part(byte[] image, int index) => new KernelImageParts(image).Part(index);

    [Fact]
    public void Layout_is_the_documented_one()
    {
        var image = Good(signatureLength: 64);
        Assert.Equal("UKIMAGE\0"u8.ToArray(), image[..8]);
        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(0x08)));
        Assert.Equal(64 + 4 * 64 + 64, BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(0x0A)));
        Assert.Equal((uint)(Kernel.Length + Tree.Length + Initrd.Length + 20), BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan(0x0C)));
        Assert.Equal(Dram + 0x200_0000, BinaryPrimitives.ReadUInt64LittleEndian(image.AsSpan(0x10)));
        Assert.Equal(1, image[0x18]);
        Assert.Equal(4, image[0x19]);
        Assert.Equal(64, BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(0x1A)));
        // The device tree's entry, the second.
        Assert.Equal(2, image[128]);
        Assert.Equal((uint)Tree.Length, BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan(128 + 4)));
        Assert.Equal(Dram + 0x300_0000, BinaryPrimitives.ReadUInt64LittleEndian(image.AsSpan(128 + 8)));
        Assert.Equal(0x1_0000u, BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan(128 + 0x10)));
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(Tree), image.AsSpan(128 + 0x20, 32).ToArray());
        // The payload: the parts back to back after the header.
        Assert.Equal(Kernel, image.AsSpan(384, Kernel.Length).ToArray());
        var view = new KernelImageParts(image.AsSpan(0, 384));
        Assert.Equal(320, view.SignedBytes.Length);
        Assert.Equal(64, view.Signature.Length);
        Assert.Equal(ImageError.None, Check(image));
    }

    [Fact]
    public void A_unikernel_with_one_part_needs_no_device_tree()
    {
        var image = Version2Image.Build(BootProtocol.Unikernel, Dram + 0x200_0010, [new(PartKind.Kernel, Dram + 0x200_0000, Initrd)]);
        Assert.Equal(ImageError.None, Check(image));
    }

    [Fact]
    public void Truncated_at_every_length_short_of_the_whole_header()
    {
        var image = Good();
        for (int length = 8; length < 64 + 4 * 64; length++)
            Assert.Equal(ImageError.Truncated, Check(image[..length]));
        Assert.Equal(ImageError.Truncated, Check(image[..7]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    public void Part_count_outside_1_to_8(byte count)
    {
        var image = Good();
        image[0x19] = count;
        Assert.Equal(ImageError.BadPartCount, Check(image));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(32)]
    [InlineData(65)]
    public void Signature_length_neither_0_nor_64(ushort length)
    {
        var image = Good();
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(0x1A), length);
        Assert.Equal(ImageError.BadSignatureLength, Check(image));
    }

    [Theory]
    [InlineData(64)]
    [InlineData(64 + 4 * 64 - 1)]
    [InlineData(64 + 4 * 64 + 64)]
    public void Header_length_that_is_not_the_parts_and_signature(ushort length)
    {
        var image = Good();
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(0x0A), length);
        Assert.Equal(ImageError.BadHeaderLength, Check(image));
    }

    [Theory]
    [InlineData(0x1C)]
    [InlineData(0x3F)]
    [InlineData(64 + 0x01)]
    [InlineData(64 + 0x14)]
    [InlineData(64 + 64 + 0x1F)]
    public void A_reserved_byte_not_zero(int offset)
    {
        var image = Good();
        image[offset] = 1;
        Assert.Equal(ImageError.ReservedNotZero, Check(image));
    }

    [Fact]
    public void Unknown_boot_protocol()
    {
        var image = Good();
        image[0x18] = 3;
        Assert.Equal(ImageError.UnknownProtocol, Check(image));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public void Unknown_part_kind(byte kind)
    {
        var image = Good();
        image[64 + 2 * 64] = kind;
        Assert.Equal(ImageError.UnknownPartKind, Check(image));
    }

    [Fact]
    public void Room_below_the_length()
    {
        var image = Good();
        Part(image, 2).Room = (uint)Initrd.Length - 1;
        Assert.Equal(ImageError.RoomBelowLength, Check(image));
    }

    [Fact]
    public void A_command_line_with_a_load_address_or_over_2048_bytes()
    {
        var image = Good();
        Part(image, 3).LoadAddress = Dram + 0x400_0000;
        Assert.Equal(ImageError.CommandLineHasAddress, Check(image));

        var longLine = Version2Image.Build(BootProtocol.LinuxZImage, Dram + 0x200_0000,
        [
            new(PartKind.Kernel, Dram + 0x200_0000, Kernel),
            new(PartKind.DeviceTree, Dram + 0x300_0000, Tree),
            new(PartKind.CommandLine, 0, Encoding.ASCII.GetBytes(new string('a', 2049))),
        ]);
        Assert.Equal(ImageError.CommandLineTooLong, Check(longLine));
        Part(longLine, 2).Length = 2048;
        Part(longLine, 2).Room = 2048;
        new KernelImageParts(longLine).PayloadLength = (uint)(Kernel.Length + Tree.Length + 2048);
        Assert.Equal(ImageError.None, Check(longLine));
    }

    [Fact]
    public void Payload_length_not_the_sum_of_the_parts()
    {
        var image = Good();
        new KernelImageParts(image).PayloadLength += 1;
        Assert.Equal(ImageError.PayloadLengthMismatch, Check(image));
    }

    [Fact]
    public void Payload_longer_than_memory()
    {
        var image = Version2Image.Build(BootProtocol.Unikernel, Dram + 0x200_0000, [new(PartKind.Kernel, Dram + 0x200_0000, Kernel)]);
        KernelImageParts.Check(image, new AddressRange(Dram, 4000), [], out var reason);
        Assert.Equal(ImageError.TooLong, reason);
    }

    [Fact]
    public void Not_exactly_one_kernel()
    {
        var none = Good();
        Part(none, 0).Kind = PartKind.Initrd;
        Part(none, 2).Kind = PartKind.DeviceTree;
        Assert.Equal(ImageError.KernelPartCount, Check(none));

        var two = Version2Image.Build(BootProtocol.Unikernel, Dram + 0x200_0000,
            [new(PartKind.Kernel, Dram + 0x200_0000, Kernel), new(PartKind.Kernel, Dram + 0x300_0000, Kernel)]);
        Assert.Equal(ImageError.KernelPartCount, Check(two));
    }

    [Theory]
    [InlineData(PartKind.DeviceTree)]
    [InlineData(PartKind.Initrd)]
    [InlineData(PartKind.CommandLine)]
    public void Two_parts_of_one_other_kind(PartKind kind)
    {
        ulong load = kind == PartKind.CommandLine ? 0 : Dram + 0x300_0000;
        var image = Version2Image.Build(BootProtocol.LinuxZImage, Dram + 0x200_0000,
        [
            new(PartKind.Kernel, Dram + 0x200_0000, Kernel),
            new(PartKind.DeviceTree, Dram + 0x280_0000, Tree),
            new(kind, load, Initrd[..100]),
            new(kind, kind == PartKind.CommandLine ? 0 : load + 0x10_0000, Initrd[..100]),
        ]);
        Assert.Equal(ImageError.DuplicatePart, Check(image));
    }

    [Theory]
    [InlineData(BootProtocol.LinuxZImage)]
    [InlineData(BootProtocol.LinuxArm64Image)]
    public void Linux_without_a_device_tree(BootProtocol protocol)
    {
        var image = Version2Image.Build(protocol, Dram + 0x200_0000,
            [new(PartKind.Kernel, Dram + 0x200_0000, Kernel), new(PartKind.Initrd, Dram + 0x300_0000, Initrd)]);
        Assert.Equal(ImageError.DeviceTreeMissing, Check(image));
    }

    [Fact]
    public void A_room_that_passes_the_end_of_the_address_space()
    {
        var image = Good();
        Part(image, 1).LoadAddress = ulong.MaxValue - 100;
        Assert.Equal(ImageError.LoadRangeWraps, Check(image));
    }

    [Theory]
    [InlineData(Dram - 0x1000)]
    [InlineData(0x7FFF_FC00)]
    public void A_part_outside_memory(ulong load)
    {
        var image = Good();
        Part(image, 2).LoadAddress = load;
        Assert.Equal(ImageError.OutsideMemory, Check(image));
    }

    [Fact]
    public void A_part_whose_room_reaches_the_bootloader()
    {
        var image = Good();
        // Length clear of it, room not: the room counts.
        Part(image, 1).LoadAddress = Dram + 0x10_0000 - 0x1000;
        Part(image, 1).LoadAddress = Dram + 0x10_0000 - 0x1_0000 + 100;
        Assert.Equal(ImageError.OverlapsForbidden, Check(image));
        Part(image, 1).LoadAddress = Dram + 0x10_0000;
        Assert.Equal(ImageError.None, Check(image));
    }

    [Fact]
    public void Parts_whose_rooms_overlap()
    {
        var image = Good();
        // The device tree's room (64 KiB) reaches the initrd: its length alone would not.
        Part(image, 2).LoadAddress = Dram + 0x300_0000 + 0x1_0000 - 1;
        Assert.Equal(ImageError.PartsOverlap, Check(image));
        Part(image, 2).LoadAddress = Dram + 0x300_0000 + 0x1_0000;
        Assert.Equal(ImageError.None, Check(image));
    }

    [Fact]
    public void Entry_outside_the_kernel_part()
    {
        var image = Good();
        BinaryPrimitives.WriteUInt64LittleEndian(image.AsSpan(0x10), Dram + 0x200_0000 + (ulong)Kernel.Length);
        Assert.Equal(ImageError.EntryOutsideImage, Check(image));
        // Inside another part is outside the kernel all the same.
        BinaryPrimitives.WriteUInt64LittleEndian(image.AsSpan(0x10), Dram + 0x330_0000);
        Assert.Equal(ImageError.EntryOutsideImage, Check(image));
        BinaryPrimitives.WriteUInt64LittleEndian(image.AsSpan(0x10), Dram + 0x200_0000 + (ulong)Kernel.Length - 1);
        Assert.Equal(ImageError.None, Check(image));
    }

    [Fact]
    public void Version_1_readers_refuse_version_2_and_the_reverse()
    {
        Assert.False(KernelImage.Check(Good(), uint.MaxValue, [], out var reason));
        Assert.Equal(ImageError.UnsupportedVersion, reason);
        var v1 = new byte[64];
        KernelImage.Emit(v1, Dram, Dram, 0, new byte[32]);
        Assert.Equal(ImageError.UnsupportedVersion, Check(v1));
    }

    [Fact]
    public void The_kernels_own_header()
    {
        Assert.Equal(ImageError.None, KernelImageParts.CheckKernelHead(BootProtocol.LinuxZImage, Kernel.AsSpan(0, 64), Dram, 5000));
        Assert.Equal(ImageError.NotZImage, KernelImageParts.CheckKernelHead(BootProtocol.LinuxZImage, Initrd.AsSpan(0, 64), Dram, 5000));
        Assert.Equal(ImageError.NotZImage, KernelImageParts.CheckKernelHead(BootProtocol.LinuxZImage, Kernel.AsSpan(0, 0x27), Dram, 5000));

        var arm64 = Version2Image.Arm64Image(4096, textOffset: 0x8_0000, imageSize: 0x2010000);
        ulong load = 0x4220_0000 + 0x8_0000;
        Assert.Equal(ImageError.None, KernelImageParts.CheckKernelHead(BootProtocol.LinuxArm64Image, arm64.AsSpan(0, 64), load, 0x2010000));
        Assert.Equal(ImageError.Arm64ImageMisplaced, KernelImageParts.CheckKernelHead(BootProtocol.LinuxArm64Image, arm64.AsSpan(0, 64), load + 0x1000, 0x2010000));
        Assert.Equal(ImageError.Arm64ImageMisplaced, KernelImageParts.CheckKernelHead(BootProtocol.LinuxArm64Image, arm64.AsSpan(0, 64), 0x1000, 0x2010000));
        Assert.Equal(ImageError.Arm64ImageRoomTooSmall, KernelImageParts.CheckKernelHead(BootProtocol.LinuxArm64Image, arm64.AsSpan(0, 64), load, 0x200FFFF));
        Assert.Equal(ImageError.NotArm64Image, KernelImageParts.CheckKernelHead(BootProtocol.LinuxArm64Image, Kernel.AsSpan(0, 64), load, 0x2010000));
        Assert.Equal(ImageError.NotArm64Image, KernelImageParts.CheckKernelHead(BootProtocol.LinuxArm64Image, arm64.AsSpan(0, 59), load, 0x2010000));
        // A unikernel has no header to check.
        Assert.Equal(ImageError.None, KernelImageParts.CheckKernelHead(BootProtocol.Unikernel, Initrd.AsSpan(0, 1), Dram + 1, 1));
    }

    [Fact]
    public void Every_version_2_reason_has_its_own_words()
    {
        Assert.Equal("parts overlap", Encoding.UTF8.GetString(ImageErrorText.Describe(ImageError.PartsOverlap)));
        Assert.Equal("Linux boot not built in this image", Encoding.UTF8.GetString(ImageErrorText.Describe(ImageError.LinuxNotBuiltIn)));
        Assert.Equal("part count not 1 to 8", Encoding.UTF8.GetString(ImageErrorText.Describe(ImageError.BadPartCount)));
        Assert.Equal("bad magic (not a UKIMAGE)", Encoding.UTF8.GetString(ImageErrorText.Describe(ImageError.BadMagic)));
    }
}
