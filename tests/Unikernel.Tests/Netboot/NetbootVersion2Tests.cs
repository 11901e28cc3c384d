using System.Buffers.Binary;
using System.Security.Cryptography;
using Unikernel.Boot.Image;
using Unikernel.Netboot;
using Unikernel.Tool.Upload;

namespace Unikernel.Tests.Netboot;

/// <summary>
/// Version 2 images through the upload service (<see cref="NetbootService{TDestination, TReport}"/>
/// over our stack on both ends): the reply line names the parts, a refusal names its reason, and a
/// bootloader without Linux boot refuses a Linux image at its header yet takes a unikernel in parts.
/// </summary>
public sealed class NetbootVersion2Tests
{
    private const ulong DramStart = 0x4000_0000;
    private const int DramLength = 4 << 20;

    private readonly List<string> _console = [];
    private readonly ArrayMemory _dram = new(DramStart, new byte[DramLength]);

    private UploadLink<ArrayMemory, RecordedReport> Link(bool startsLinux)
    {
        var receiver = new KernelReceiver<ArrayMemory>(_dram.Range, [new AddressRange(DramStart, 0x1_0000)], _dram) { StartsLinux = startsLinux };
        return new(stack => new NetbootService<ArrayMemory, RecordedReport>(stack, receiver, new RecordedReport(_console)));
    }

    private static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static byte[] ZImage(int length)
    {
        var bytes = Random(length, 1);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(KernelImageParts.ZImageMagicOffset), KernelImageParts.ZImageMagic);
        return bytes;
    }

    private static UploadImage Linux() => LinuxImage.Assemble(BootProtocol.LinuxZImage, DramStart + 0x2_0000,
    [
        new(PartKind.Kernel, DramStart + 0x2_0000, 200_000, ZImage(200_000)),
        new(PartKind.DeviceTree, DramStart + 0x10_0000, 0x1_0000 + 23_405, Random(23_405, 2)),
        new(PartKind.Initrd, DramStart + 0x12_0000, 110_000, Random(110_000, 3)),
        new(PartKind.CommandLine, 0, 20, "console=ttyS0,115200"u8.ToArray()),
    ]);

    private static string Upload(UploadLink<ArrayMemory, RecordedReport> link, byte[] file)
    {
        var connection = link.Connect(true);
        link.Send(connection, file, 1460);
        return link.Finish(connection);
    }

    [Fact]
    public void A_Linux_image_is_answered_with_its_parts_and_lands_part_by_part()
    {
        var link = Link(startsLinux: true);
        var image = Linux();
        string reply = Upload(link, image.Bytes());
        Assert.Equal("ok linux kernel 200000 + dtb 23405 + initrd 110000 + cmdline 20 sha256 ok, jumping to 0x40020000\n", reply);
        Assert.Null(BootloaderReply.Parse(reply).Mismatch(image));
        foreach (var part in image.Parts!.Where(part => part.Kind != PartKind.CommandLine))
            Assert.Equal(part.Bytes, _dram.Bytes.AsSpan((int)(part.Load - DramStart), part.Bytes.Length).ToArray());
        Assert.Equal("console=ttyS0,115200"u8.ToArray(), link.Service.Receiver.CommandLine.ToArray());
        Assert.Equal(BootProtocol.LinuxZImage, link.Service.Receiver.Protocol);
    }

    [Fact]
    public void Without_Linux_boot_a_Linux_image_is_refused_at_once_and_a_unikernel_in_parts_taken()
    {
        var link = Link(startsLinux: false);
        Assert.Equal("error: Linux boot not built in this image\n", Upload(link, Linux().Bytes()));

        var hello = LinuxImage.Assemble(BootProtocol.Unikernel, DramStart + 0x2_0000,
        [
            new(PartKind.Kernel, DramStart + 0x2_0000, 3000, Random(3000, 4)),
            new(PartKind.Initrd, DramStart + 0x20_0000, 5000, Random(5000, 5)),
        ]);
        string reply = Upload(link, hello.Bytes());
        Assert.Equal("ok kernel 3000 + initrd 5000 sha256 ok, jumping to 0x40020000\n", reply);
        Assert.Null(BootloaderReply.Parse(reply).Mismatch(hello));
        Assert.Equal(DramStart + 0x2_0000, link.Service.Receiver.KernelLoadAddress);
        Assert.Equal(3000UL, link.Service.Receiver.KernelLength);
    }

    [Fact]
    public void A_damaged_part_is_named_in_the_reply()
    {
        var link = Link(startsLinux: true);
        var image = Linux();
        byte[] file = image.Bytes();
        int treeStart = image.Header.Length + 200_000;
        file[treeStart + 5] ^= 1;
        string reply = Upload(link, file);
        string received = Convert.ToHexStringLower(SHA256.HashData(file.AsSpan(treeStart, 23_405)));
        Assert.Equal($"error: sha256 mismatch: dtb received {received}\n", reply);
    }

    [Fact]
    public void A_reply_that_differs_from_what_was_sent_is_a_mismatch()
    {
        var image = Linux();
        Assert.Contains("we sent", BootloaderReply.Parse("ok linux kernel 200000 + dtb 23405 + initrd 110001 + cmdline 20 sha256 ok, jumping to 0x40020000").Mismatch(image));
        Assert.Contains("Linux", BootloaderReply.Parse("ok kernel 200000 + dtb 23405 + initrd 110000 + cmdline 20 sha256 ok, jumping to 0x40020000").Mismatch(image));
        Assert.Contains("jumps to", BootloaderReply.Parse("ok linux kernel 200000 + dtb 23405 + initrd 110000 + cmdline 20 sha256 ok, jumping to 0x40020004").Mismatch(image));
    }
}
