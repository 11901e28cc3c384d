using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Unikernel.Boot.Image;
using Unikernel.Registers.Boards;

namespace Unikernel.Tool.Upload;

/// <summary>
/// `upload --linux`: a version 2 image (docs/image-format.md, "Version 2") of a Linux kernel, its
/// device tree, an initrd and a command line, placed where the board file's <c>linux:</c>
/// section says. The kernel's own header says which boot protocol: a 32-bit zImage (1) or an
/// arm64 Image (2).
/// </summary>
public static class LinuxImage
{
    /// <summary>Where the next part goes when the board file gives no offset: the next 2 MiB boundary (an arm64 block mapping).</summary>
    public const ulong PartAlignment = 2 * 1024 * 1024;

    /// <summary>Reads the files, places the parts and checks the image by the bootloader's rules (less its memory size, which the board file does not know).</summary>
    public static UploadImage Build(BoardFile board, string kernelPath, string? treePath, string? initrdPath, string? append)
    {
        if (board.Linux is not { } placement)
            throw new UploadFailure($"board {board.Name} has no linux: section in its board file: no default placement for the parts");
        if (treePath is null)
            throw new UploadFailure("--linux needs --dtb FILE: the bootloader passes Linux a device tree and has none of its own");
        byte[] kernel = Read(kernelPath);
        var (protocol, imageSize, textOffset) = Identify(kernelPath, kernel);
        if (protocol == BootProtocol.LinuxZImage && board.Arch != "arm")
            throw new UploadFailure($"{kernelPath} is a 32-bit ARM zImage; board {board.Name} is {board.Arch}: give an arm64 Image");
        if (protocol == BootProtocol.LinuxArm64Image && board.Arch != "arm64")
            throw new UploadFailure($"{kernelPath} is an arm64 Image; board {board.Name} is {board.Arch}: give a zImage");

        ulong regionBase = placement.Region.Base;
        ulong kernelLoad = regionBase + placement.KernelOffset + textOffset;
        // An arm64 Image's room is its image_size (its .bss and early page tables past the file).
        uint kernelRoom = (uint)Math.Max((ulong)kernel.Length, imageSize);
        var parts = new List<UploadPart> { new(PartKind.Kernel, kernelLoad, kernelRoom, kernel) };

        byte[] tree = Read(treePath);
        ulong treeLoad = placement.DeviceTreeOffset is { } treeOffset ? regionBase + treeOffset : AlignUp(kernelLoad + kernelRoom);
        parts.Add(new(PartKind.DeviceTree, treeLoad, Room(treePath, tree.Length, placement.DeviceTreeGrowth), tree));
        ulong after = treeLoad + parts[^1].Room;

        if (initrdPath is not null)
        {
            byte[] initrd = Read(initrdPath);
            ulong initrdLoad = placement.InitrdOffset is { } initrdOffset ? regionBase + initrdOffset : AlignUp(after);
            parts.Add(new(PartKind.Initrd, initrdLoad, (uint)initrd.Length, initrd));
        }
        if (append is not null)
        {
            byte[] line = Encoding.UTF8.GetBytes(append);
            if (line.Length > KernelImageParts.MaximumCommandLineLength)
                throw new UploadFailure($"--append is {line.Length} bytes; the bootloader keeps at most {KernelImageParts.MaximumCommandLineLength}");
            if (Array.IndexOf(line, (byte)0) >= 0)
                throw new UploadFailure("--append holds a NUL character");
            parts.Add(new(PartKind.CommandLine, 0, (uint)line.Length, line));
        }

        var image = Assemble(protocol, kernelLoad, parts);
        var memory = new AddressRange(placement.Region.Base, placement.Region.Size);
        if (!KernelImageParts.Check(image.Header, memory, Bootloader(board), out var reason))
            throw new UploadFailure($"the parts do not fit board {board.Name} as placed ({Placement(parts)}): {Encoding.UTF8.GetString(ImageErrorText.Describe(reason))}");
        reason = KernelImageParts.CheckKernelHead(protocol, kernel.AsSpan(0, Math.Min(kernel.Length, KernelImageParts.KernelHeadLength)), kernelLoad, kernelRoom);
        if (reason != ImageError.None)
            throw new UploadFailure($"{kernelPath} at {AddressArgument.Format(kernelLoad)}: {Encoding.UTF8.GetString(ImageErrorText.Describe(reason))}");
        return image;
    }

    /// <summary>Header and payload of a version 2 image of <paramref name="parts"/>, in their order, unsigned.</summary>
    public static UploadImage Assemble(BootProtocol protocol, ulong entry, IReadOnlyList<UploadPart> parts)
    {
        var buffer = new byte[KernelImageParts.MaximumHeaderLength];
        var header = KernelImageParts.Emit(buffer, protocol, entry, parts.Count, signatureLength: 0);
        for (int i = 0; i < parts.Count; i++)
        {
            var entryView = header.Part(i);
            entryView.Kind = parts[i].Kind;
            entryView.LoadAddress = parts[i].Load;
            entryView.Length = (uint)parts[i].Bytes.Length;
            entryView.Room = parts[i].Room;
            SHA256.HashData(parts[i].Bytes).CopyTo(entryView.Sha256);
        }
        header.SumPayloadLength();
        byte[] payload = parts.SelectMany(part => part.Bytes).ToArray();
        var kernel = parts.First(part => part.Kind == PartKind.Kernel);
        return new UploadImage(buffer[..header.HeaderLength], payload, kernel.Load, entry,
            Convert.ToHexStringLower(SHA256.HashData(payload)), Wrapped: true) { Parts = parts, Protocol = protocol };
    }

    /// <summary>The boot protocol from the kernel's own header, and for an arm64 Image its image_size and text_offset.</summary>
    public static (BootProtocol Protocol, ulong ImageSize, ulong TextOffset) Identify(string path, byte[] kernel)
    {
        if (kernel.Length >= KernelImageParts.ZImageMagicOffset + 4
            && BinaryPrimitives.ReadUInt32LittleEndian(kernel.AsSpan(KernelImageParts.ZImageMagicOffset)) == KernelImageParts.ZImageMagic)
            return (BootProtocol.LinuxZImage, 0, 0);
        if (kernel.Length >= KernelImageParts.KernelHeadLength
            && BinaryPrimitives.ReadUInt32LittleEndian(kernel.AsSpan(KernelImageParts.Arm64MagicOffset)) == KernelImageParts.Arm64Magic)
        {
            ulong textOffset = BinaryPrimitives.ReadUInt64LittleEndian(kernel.AsSpan(0x08));
            ulong imageSize = BinaryPrimitives.ReadUInt64LittleEndian(kernel.AsSpan(0x10));
            if (textOffset >= PartAlignment || imageSize > uint.MaxValue)
                throw new UploadFailure($"{path}: arm64 Image header with text_offset 0x{textOffset:x} and image_size 0x{imageSize:x}: not loadable");
            return (BootProtocol.LinuxArm64Image, imageSize, textOffset);
        }
        throw new UploadFailure($"{path} is neither a Linux zImage (magic 0x016F2818 at 0x24) nor an arm64 Image (\"ARM\\x64\" at 0x38); " +
            "give the kernel as the distribution ships it (a vmlinuz), not a vmlinux ELF or a compressed Image.gz");
    }

    /// <summary>What the bootloader keeps for itself: the netboot program's image and RAM (the second stage where there is one).</summary>
    public static AddressRange[] Bootloader(BoardFile board)
    {
        var (load, ram) = board.SecondStage is { } stage ? (stage.Layout.Load, stage.Layout.Ram) : (board.Load, board.Ram);
        return [new AddressRange(load.Address, load.Size), new AddressRange(ram.Address, ram.Size)];
    }

    private static uint Room(string path, int length, ulong growth)
    {
        ulong room = (ulong)length + growth;
        if (room > uint.MaxValue)
            throw new UploadFailure($"{path} is {length} bytes: too large for a part");
        return (uint)room;
    }

    private static string Placement(IEnumerable<UploadPart> parts) =>
        string.Join(", ", parts.Where(part => part.Kind != PartKind.CommandLine)
            .Select(part => $"{Encoding.UTF8.GetString(Netboot.ReplyLine.PartWord(part.Kind))} {AddressArgument.Format(part.Load)}+0x{part.Room:x}"));

    private static ulong AlignUp(ulong address) => (address + PartAlignment - 1) & ~(PartAlignment - 1);

    private static byte[] Read(string path)
    {
        try
        {
            byte[] bytes = File.ReadAllBytes(path);
            if (bytes.LongLength > uint.MaxValue)
                throw new UploadFailure($"{path} is {bytes.LongLength} bytes; a part holds at most {uint.MaxValue}");
            return bytes;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new UploadFailure($"cannot read {path}: {error.Message}");
        }
    }
}
