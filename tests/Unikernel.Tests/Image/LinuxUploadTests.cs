using System.Buffers.Binary;
using System.Security.Cryptography;
using Unikernel.Boot.Image;
using Unikernel.Tool.Upload;

namespace Unikernel.Tests.Image;

/// <summary>
/// `unikernel upload --linux`: the kernel's header picks the boot protocol, the board file places
/// the parts, `-o` writes a version 2 image that parses back as the bootloader parses it, and the
/// image goes to the bootloader (<see cref="FakeBootloader"/>: the real upload service) with its
/// reply held to what was sent.
/// </summary>
public sealed class LinuxUploadTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("unikernel-linux-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string File(string name, byte[] bytes)
    {
        string path = Path.Combine(_directory, name);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        bytes[0x24] = 0;
        bytes[0x38] = 0;
        return bytes;
    }

    private string ZImage(int length = 544_819)
    {
        var bytes = Random(length, 1);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(0x24), KernelImageParts.ZImageMagic);
        return File("vmlinuz-armmp", bytes);
    }

    private string Arm64Image(int length = 329_563, ulong imageSize = 0x201_0000)
    {
        var bytes = Random(length, 2);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(0x08), 0);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(0x10), imageSize);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(0x38), KernelImageParts.Arm64Magic);
        return File("vmlinuz-arm64", bytes);
    }

    private string Tree => File("board.dtb", Random(23_405, 3));

    private string Initrd => File("initrd.cpio.gz", Random(110_000, 4));

    private static (int ExitCode, string Output) Upload(params string[] arguments)
    {
        var writer = new StringWriter();
        int exit = UploadCommand.Create(PlainConsole.Create(writer)).Parse(["upload", .. arguments]).Invoke();
        return (exit, writer.ToString());
    }

    /// <summary>The file -o wrote, checked as the bootloader checks a header, and its parts by hash.</summary>
    private static KernelImageParts ParseBack(byte[] file)
    {
        Assert.True(KernelImageParts.Check(file, out var reason), reason.ToString());
        var header = new KernelImageParts(file.AsSpan(0, KernelImageParts.AnnouncedHeaderLength(file)));
        Assert.Equal((long)header.PayloadLength, file.Length - header.HeaderLength);
        int offset = header.HeaderLength;
        for (int i = 0; i < header.PartCount; i++)
        {
            var part = header.Part(i);
            Assert.Equal(part.Sha256.ToArray(), SHA256.HashData(file.AsSpan(offset, (int)part.Length)));
            offset += (int)part.Length;
        }
        return header;
    }

    [Fact]
    public void A_zImage_for_the_Orange_Pi_PC_is_placed_at_U_Boots_sunxi_addresses()
    {
        string output = Path.Combine(_directory, "linux.uki");
        string kernel = ZImage(), tree = Tree, initrd = Initrd;
        var (exit, text) = Upload("--linux", kernel, "--dtb", tree, "--initrd", initrd, "--append", "console=ttyS0,115200 earlycon", "-o", output);
        Assert.True(exit == 0, text);

        byte[] file = System.IO.File.ReadAllBytes(output);
        var header = ParseBack(file);
        Assert.Equal(BootProtocol.LinuxZImage, header.Protocol);
        Assert.Equal(4, header.PartCount);
        Assert.Equal(0x4200_0000UL, header.EntryPoint);
        Assert.Equal((PartKind.Kernel, 0x4200_0000UL, 544_819U, 544_819U), Describe(header.Part(0)));
        Assert.Equal((PartKind.DeviceTree, 0x4300_0000UL, 23_405U, 23_405U + 0x1_0000U), Describe(header.Part(1)));
        Assert.Equal((PartKind.Initrd, 0x4330_0000UL, 110_000U, 110_000U), Describe(header.Part(2)));
        Assert.Equal((PartKind.CommandLine, 0UL, 29U, 29U), Describe(header.Part(3)));
        Assert.Equal(System.IO.File.ReadAllBytes(kernel), file.AsSpan(header.HeaderLength, 544_819).ToArray());
        Assert.Equal("console=ttyS0,115200 earlycon"u8.ToArray(), file[^29..]);
        Assert.Contains("Linux zImage for orangepi-pc, entry 0x42000000", text);
        Assert.Contains("dtb 23405 bytes at 0x43000000, room 0x15b6d", text);
        Assert.Contains($"wrote {file.Length} bytes to {output}", text);
    }

    private static (PartKind, ulong, uint, uint) Describe(ImagePart part) => (part.Kind, part.LoadAddress, part.Length, part.Room);

    [Fact]
    public void An_arm64_Image_for_qemu_virt_gets_its_image_size_as_room_and_the_rest_after_it()
    {
        string output = Path.Combine(_directory, "linux.uki");
        var (exit, text) = Upload("--linux", Arm64Image(), "--dtb", Tree, "--initrd", Initrd, "--board", "qemu-virt", "-o", output);
        Assert.True(exit == 0, text);

        var header = ParseBack(System.IO.File.ReadAllBytes(output));
        Assert.Equal(BootProtocol.LinuxArm64Image, header.Protocol);
        Assert.Equal(3, header.PartCount);
        Assert.Equal((PartKind.Kernel, 0x4200_0000UL, 329_563U, 0x201_0000U), Describe(header.Part(0)));
        // After image_size (0x44010000), at the next 2 MiB boundaries.
        Assert.Equal((PartKind.DeviceTree, 0x4420_0000UL, 23_405U, 23_405U + 0x1_0000U), Describe(header.Part(1)));
        Assert.Equal((PartKind.Initrd, 0x4440_0000UL, 110_000U, 110_000U), Describe(header.Part(2)));
    }

    [Fact]
    public void The_pine64_plus_takes_an_arm64_Image_at_U_Boots_sun50i_tree_and_ramdisk_addresses()
    {
        string output = Path.Combine(_directory, "linux.uki");
        var (exit, text) = Upload("--linux", Arm64Image(), "--dtb", Tree, "--initrd", Initrd, "--board", "pine64-plus", "-o", output);
        Assert.True(exit == 0, text);
        var header = ParseBack(System.IO.File.ReadAllBytes(output));
        Assert.Equal(0x4FA0_0000UL, header.Part(1).LoadAddress);
        Assert.Equal(0x4FE0_0000UL, header.Part(2).LoadAddress);
    }

    [Fact]
    public void Anything_but_a_zImage_or_an_arm64_Image_is_refused_by_name()
    {
        var (exit, text) = Upload("--linux", File("vmlinux", Random(100_000, 9)), "--dtb", Tree, "-o", Path.Combine(_directory, "x"));
        Assert.Equal(1, exit);
        Assert.Contains("is neither a Linux zImage (magic 0x016F2818 at 0x24) nor an arm64 Image", text);
        Assert.False(System.IO.File.Exists(Path.Combine(_directory, "x")));
    }

    [Fact]
    public void The_kernel_must_suit_the_boards_architecture()
    {
        var (exit, text) = Upload("--linux", ZImage(), "--dtb", Tree, "--board", "qemu-virt", "-o", Path.Combine(_directory, "x"));
        Assert.Equal(1, exit);
        Assert.Contains("is a 32-bit ARM zImage; board qemu-virt is arm64", text);
        (exit, text) = Upload("--linux", Arm64Image(), "--dtb", Tree, "-o", Path.Combine(_directory, "x"));
        Assert.Equal(1, exit);
        Assert.Contains("is an arm64 Image; board orangepi-pc is arm", text);
    }

    [Fact]
    public void A_device_tree_is_required_and_a_kernel_too_big_for_its_place_is_refused()
    {
        var (exit, text) = Upload("--linux", ZImage(), "-o", Path.Combine(_directory, "x"));
        Assert.Equal(1, exit);
        Assert.Contains("--linux needs --dtb FILE", text);

        // 17 MiB of zImage at 0x42000000 runs into the device tree at 0x43000000.
        (exit, text) = Upload("--linux", ZImage(17 << 20), "--dtb", Tree, "-o", Path.Combine(_directory, "x"));
        Assert.Equal(1, exit);
        Assert.Contains("the parts do not fit board orangepi-pc as placed (kernel 0x42000000+0x1100000, dtb 0x43000000+0x15b6d): parts overlap", text);
    }

    [Fact]
    public void The_command_line_is_held_to_2048_bytes_without_NUL()
    {
        var (exit, text) = Upload("--linux", ZImage(), "--dtb", Tree, "--append", new string('a', 2049), "-o", Path.Combine(_directory, "x"));
        Assert.Equal(1, exit);
        Assert.Contains("--append is 2049 bytes; the bootloader keeps at most 2048", text);
    }

    [Fact]
    public void Options_that_do_not_go_together()
    {
        Assert.Contains("give --to ADDR (where to send), -o FILE (where to write), or both", Upload("--linux", ZImage(), "--dtb", Tree).Output);
        Assert.Contains("--dtb, --initrd and --append go with --linux KERNEL", Upload(ZImage(), "--dtb", Tree, "-o", "x").Output);
        Assert.Contains("drop FILE, --load and --entry", Upload(ZImage(), "--linux", ZImage(), "--dtb", Tree, "-o", "x").Output);
    }

    [Fact]
    public void A_Linux_image_is_sent_and_the_bootloaders_ok_line_matches_what_was_sent()
    {
        using var bootloader = new FakeBootloader(FakeBootloader.Behaviour.Honest);
        var (exit, text) = Upload("--linux", ZImage(), "--dtb", Tree, "--initrd", Initrd, "--append", "quiet", "--to", "127.0.0.1", "--port", $"{bootloader.Port}");
        Assert.True(exit == 0, text);
        Assert.Contains("bootloader: ok linux kernel 544819 + dtb 23405 + initrd 110000 + cmdline 5 sha256 ok, jumping to 0x42000000", text);
        ParseBack(bootloader.Received);
    }

    [Fact]
    public void A_written_image_is_sent_again_as_it_is()
    {
        string output = Path.Combine(_directory, "linux.uki");
        Assert.Equal(0, Upload("--linux", ZImage(), "--dtb", Tree, "-o", output).ExitCode);
        using var bootloader = new FakeBootloader(FakeBootloader.Behaviour.Honest);
        var (exit, text) = Upload(output, "--to", "127.0.0.1", "--port", $"{bootloader.Port}");
        Assert.True(exit == 0, text);
        Assert.Contains("kernel image version 2, protocol 1, entry 0x42000000", text);
        Assert.Equal(System.IO.File.ReadAllBytes(output), bootloader.Received);

        // One flipped bit in a part is caught before sending.
        byte[] file = System.IO.File.ReadAllBytes(output);
        file[^100] ^= 1;
        System.IO.File.WriteAllBytes(output, file);
        (exit, text) = Upload(output, "--to", "127.0.0.1", "--port", $"{bootloader.Port}");
        Assert.Equal(1, exit);
        Assert.Contains("part 1 (dtb) hashes to", text);
    }
}
