using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Unikernel.Boot.Image;

namespace Unikernel.Image.Tests;

/// <summary>
/// Version 2 images through the bootloader's receive path (<see cref="KernelReceiver{TDestination}"/>
/// with <see cref="PhysicalMemory"/> over native memory the test owns): each part lands at its
/// own load address whatever the piece sizes, the command line stays in the receiver, each part's
/// hash and the kernel's own header are checked, and each refusal gives its reason.
/// </summary>
public sealed unsafe class KernelReceiverVersion2Tests : IDisposable
{
    private const int MemoryLength = 8 << 20;
    private readonly byte* _memory = (byte*)NativeMemory.AllocZeroed(MemoryLength);

    public void Dispose() => NativeMemory.Free(_memory);

    /// <summary>2 MiB aligned, so arm64 placements can be tested.</summary>
    private ulong Base => ((ulong)_memory + 0x1F_FFFF) & ~0x1F_FFFFUL;

    private KernelReceiver<PhysicalMemory> Receiver(bool startsLinux = true) =>
        new(new AddressRange((ulong)_memory, MemoryLength), [new AddressRange((ulong)_memory, 0x1_0000)], default) { StartsLinux = startsLinux };

    private Span<byte> At(ulong address, int length) => new((void*)(nuint)address, length);

    private static readonly byte[] Kernel = Version2Image.ZImage(300_000);
    private static readonly byte[] Tree = Version2Image.Random(23_405, 5);
    private static readonly byte[] Initrd = Version2Image.Random(110_000, 6);
    private static readonly byte[] Line = "console=ttyS0,115200 earlycon root=/dev/ram0"u8.ToArray();

    private List<TestPart> LinuxParts() =>
    [
        new(PartKind.Kernel, Base, Kernel),
        new(PartKind.DeviceTree, Base + 0x10_0000, Tree, (uint)Tree.Length + 0x1_0000),
        new(PartKind.Initrd, Base + 0x14_0000, Initrd),
        new(PartKind.CommandLine, 0, Line),
    ];

    private byte[] Linux() => Version2Image.Build(BootProtocol.LinuxZImage, Base, LinuxParts());

    private static ImageError Feed(KernelReceiver<PhysicalMemory> receiver, byte[] image, int pieceSize, int seed = 1)
    {
        var random = new Random(seed);
        for (int offset = 0; offset < image.Length;)
        {
            int take = Math.Min(pieceSize > 0 ? pieceSize : random.Next(1, 5000), image.Length - offset);
            receiver.Accept(image.AsSpan(offset, take));
            offset += take;
        }
        return receiver.Finish();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(1460)]
    [InlineData(100_000)]
    [InlineData(0)]
    public void Every_part_lands_at_its_load_address_in_pieces_of_any_size(int pieceSize)
    {
        var receiver = Receiver();
        Assert.Equal(ImageError.None, Feed(receiver, Linux(), pieceSize));

        Assert.Equal(Kernel, At(Base, Kernel.Length).ToArray());
        Assert.Equal(Tree, At(Base + 0x10_0000, Tree.Length).ToArray());
        Assert.Equal(Initrd, At(Base + 0x14_0000, Initrd.Length).ToArray());
        Assert.Equal(Line, receiver.CommandLine.ToArray());
        Assert.Equal(2, receiver.FormatVersion);
        Assert.Equal(BootProtocol.LinuxZImage, receiver.Protocol);
        Assert.Equal(Base, receiver.EntryPoint);
        Assert.Equal(Base, receiver.KernelLoadAddress);
        Assert.Equal((ulong)Kernel.Length, receiver.KernelLength);
        var parts = receiver.Parts;
        Assert.Equal(4, parts.PartCount);
        Assert.Equal(PartKind.DeviceTree, parts.Part(1).Kind);
        Assert.Equal((uint)Tree.Length + 0x1_0000, parts.Part(1).Room);
        Assert.Equal(64 + 4 * 64, receiver.Header.Length);
        Assert.Equal(Linux()[..320], receiver.Header.ToArray());
    }

    [Fact]
    public void The_command_line_part_is_kept_by_the_receiver_not_written_to_memory()
    {
        var receiver = Receiver();
        Assert.Equal(ImageError.None, Feed(receiver, Linux(), 0));
        // Nothing written at address 0 (it would have faulted), nothing after the initrd.
        Assert.True(At(Base + 0x14_0000 + (ulong)Initrd.Length, 4096).IndexOfAnyExcept((byte)0) < 0);

        var noLine = Version2Image.Build(BootProtocol.LinuxZImage, Base, LinuxParts()[..3]);
        receiver.Reset();
        Assert.Equal(ImageError.None, Feed(receiver, noLine, 1000));
        Assert.Equal(0, receiver.CommandLine.Length);
    }

    [Fact]
    public void A_command_line_of_2048_bytes_is_taken_and_a_NUL_in_it_refused()
    {
        var parts = LinuxParts();
        var longest = Encoding.ASCII.GetBytes(new string('x', 2048));
        parts[3] = new(PartKind.CommandLine, 0, longest);
        var receiver = Receiver();
        Assert.Equal(ImageError.None, Feed(receiver, Version2Image.Build(BootProtocol.LinuxZImage, Base, parts), 999));
        Assert.Equal(longest, receiver.CommandLine.ToArray());

        parts[3] = new(PartKind.CommandLine, 0, "console=ttyS0\0 quiet"u8.ToArray());
        receiver.Reset();
        Assert.Equal(ImageError.CommandLineHasNul, Feed(receiver, Version2Image.Build(BootProtocol.LinuxZImage, Base, parts), 999));
    }

    [Theory]
    [InlineData(0, 1000)]
    [InlineData(1, 64 + 4 * 64 + 300_000 + 10)]
    [InlineData(2, 64 + 4 * 64 + 300_000 + 23_405 + 109_999)]
    [InlineData(3, -1)]
    public void A_damaged_part_is_a_sha256_mismatch_naming_it(int part, int offset)
    {
        var image = Linux();
        image[offset < 0 ? image.Length + offset : offset] ^= 0x20;
        var receiver = Receiver();
        Assert.Equal(ImageError.Sha256Mismatch, Feed(receiver, image, 1460));
        Assert.Equal(part, receiver.MismatchedPart);
        Assert.NotEqual(receiver.Parts.Part(part).Sha256.ToArray(), receiver.ReceivedSha256.ToArray());
    }

    [Fact]
    public void A_bad_header_is_refused_before_a_byte_is_written()
    {
        var image = Linux();
        image[64 + 64 + 0x14] = 1;
        var receiver = Receiver();
        receiver.Accept(image.AsSpan(0, 320));
        Assert.Equal(ImageError.ReservedNotZero, receiver.Error);
        Assert.False(receiver.HeaderAccepted);
        Assert.False(receiver.Accept(image.AsSpan(320)));
        Assert.True(At(Base, 4096).IndexOfAnyExcept((byte)0) < 0);
        Assert.Equal(ImageError.ReservedNotZero, receiver.Finish());
    }

    [Fact]
    public void A_bad_fixed_header_is_refused_before_the_part_table_comes()
    {
        var image = Linux();
        image[0x19] = 9;
        var receiver = Receiver();
        Assert.False(receiver.Accept(image.AsSpan(0, 64)));
        Assert.Equal(ImageError.BadPartCount, receiver.Error);
    }

    [Fact]
    public void The_header_waits_for_its_part_table_and_signature()
    {
        var image = Version2Image.Build(BootProtocol.LinuxZImage, Base, LinuxParts(), signatureLength: 64);
        var receiver = Receiver();
        Assert.True(receiver.Accept(image.AsSpan(0, 383)));
        Assert.False(receiver.HeaderAccepted);
        Assert.True(receiver.Accept(image.AsSpan(383, 1)));
        Assert.True(receiver.HeaderAccepted);
        Assert.Equal(384, receiver.Header.Length);
        Assert.True(receiver.Accept(image.AsSpan(384)));
        Assert.Equal(ImageError.None, receiver.Finish());
    }

    [Fact]
    public void A_Linux_image_on_a_bootloader_without_Linux_boot_is_refused_at_its_header()
    {
        var receiver = Receiver(startsLinux: false);
        receiver.Accept(Linux().AsSpan(0, 320));
        Assert.Equal(ImageError.LinuxNotBuiltIn, receiver.Error);
        Assert.False(receiver.HeaderAccepted);
        Assert.Equal("Linux boot not built in this image", Encoding.UTF8.GetString(ImageErrorText.Describe(receiver.Error)));

        var unikernel = Version2Image.Build(BootProtocol.Unikernel, Base + 4, [new(PartKind.Kernel, Base, Initrd), new(PartKind.Initrd, Base + 0x20_0000, Tree)]);
        receiver.Reset();
        Assert.Equal(ImageError.None, Feed(receiver, unikernel, 0));
        Assert.Equal(BootProtocol.Unikernel, receiver.Protocol);
        Assert.Equal(Base + 4, receiver.EntryPoint);
    }

    [Fact]
    public void A_kernel_part_that_is_not_a_zImage_is_refused_once_it_is_in()
    {
        var parts = LinuxParts();
        parts[0] = new(PartKind.Kernel, Base, Initrd);
        var receiver = Receiver();
        Assert.Equal(ImageError.NotZImage, Feed(receiver, Version2Image.Build(BootProtocol.LinuxZImage, Base, parts), 1460));
    }

    [Theory]
    [InlineData(0x8_0000UL, 0x8_0000UL, 0x40_0000U, ImageError.None)]
    [InlineData(0x8_0000UL, 0UL, 0x40_0000U, ImageError.Arm64ImageMisplaced)]
    [InlineData(0UL, 0UL, 0x3F_FFFFU, ImageError.Arm64ImageRoomTooSmall)]
    [InlineData(0UL, 0UL, 0x40_0000U, ImageError.None)]
    public void An_arm64_Image_is_checked_for_its_placement_and_room(ulong textOffset, ulong loadOffset, uint room, ImageError expected)
    {
        var kernel = Version2Image.Arm64Image(200_000, textOffset, imageSize: 0x40_0000);
        var image = Version2Image.Build(BootProtocol.LinuxArm64Image, Base + loadOffset,
        [
            new(PartKind.Kernel, Base + loadOffset, kernel, room),
            new(PartKind.DeviceTree, Base + 0x60_0000, Tree),
        ]);
        Assert.Equal(expected, Feed(Receiver(), image, 4000));

        var notArm64 = Version2Image.Build(BootProtocol.LinuxArm64Image, Base,
            [new(PartKind.Kernel, Base, Kernel, 0x40_0000), new(PartKind.DeviceTree, Base + 0x60_0000, Tree)]);
        Assert.Equal(ImageError.NotArm64Image, Feed(Receiver(), notArm64, 4000));
    }

    [Fact]
    public void Data_after_the_last_part_and_a_stream_that_ends_early()
    {
        var receiver = Receiver();
        Assert.Equal(ImageError.DataAfterPayload, Feed(receiver, [.. Linux(), 1], 1460));

        var image = Linux();
        receiver.Reset();
        Assert.Equal(ImageError.PayloadTruncated, Feed(receiver, image[..^1], 1460));
        Assert.Equal((ulong)(image.Length - 320 - 1), receiver.PayloadReceived);
        receiver.Reset();
        Assert.Equal(ImageError.Truncated, Feed(receiver, image[..319], 1460));
    }

    [Fact]
    public void Empty_parts_are_taken()
    {
        var image = Version2Image.Build(BootProtocol.LinuxZImage, Base,
        [
            new(PartKind.DeviceTree, Base + 0x10_0000, [], 0x1_0000),
            new(PartKind.CommandLine, 0, []),
            new(PartKind.Kernel, Base, Kernel),
            new(PartKind.Initrd, Base + 0x20_0000, []),
        ]);
        var receiver = Receiver();
        Assert.Equal(ImageError.None, Feed(receiver, image, 333));
        Assert.Equal(Kernel, At(Base, Kernel.Length).ToArray());
    }

    [Fact]
    public void Version_1_and_version_2_alternate_on_one_receiver()
    {
        var receiver = Receiver();
        var payload = Version2Image.Random(5000, 9);
        var header = new byte[64];
        KernelImage.Emit(header, Base + 0x30_0000, Base + 0x30_0000, payload);
        for (int round = 0; round < 2; round++)
        {
            receiver.Reset();
            Assert.Equal(ImageError.None, Feed(receiver, [.. header, .. payload], 100));
            Assert.Equal(1, receiver.FormatVersion);
            Assert.Equal(BootProtocol.Unikernel, receiver.Protocol);
            Assert.Equal(SHA256.HashData(payload), receiver.ReceivedSha256.ToArray());
            Assert.Equal(64, receiver.Header.Length);
            receiver.Reset();
            Assert.Equal(ImageError.None, Feed(receiver, Linux(), 0, seed: round));
            Assert.Equal(2, receiver.FormatVersion);
        }
    }
}
