using System.Buffers.Binary;
using Unikernel.Tool.Build;
using Unikernel.Tool.Linux;

namespace Unikernel.Tool.Bench;

/// <summary>
/// The SD card U-Boot boots Linux from, as a distribution's card is made: U-Boot 2023.01
/// (<see cref="UBootSdCard"/>'s build) at byte 8 KiB, an MBR with one bootable partition from
/// 1 MiB, and on it an ext2 file system holding the kernel, the device tree, the initramfs and
/// /extlinux/extlinux.conf, which U-Boot's default boot command (distro boot) finds and boots
/// with its defaults (2 s boot delay and USB scan included). ext2 rather than FAT because
/// e2fsprogs' mke2fs -d fills a file system from a directory on any Debian host; U-Boot's
/// distro boot reads both.
/// </summary>
public static class UBootLinuxCard
{
    /// <summary>A power of two, as QEMU's SD card model requires.</summary>
    public const long Size = 64L << 20;

    private const long PartitionStart = 1L << 20;
    private const int Sector = 512;

    /// <summary>extlinux.conf: one entry, booted at once.</summary>
    public static string ExtlinuxConfiguration(LinuxParts parts) => $"""
        default linux
        timeout 0
        label linux
            kernel /zImage
            fdt /board.dtb
            initrd /initrd.gz
            append {parts.CommandLine}

        """;

    /// <summary>Writes the card for <paramref name="parts"/> (orangepi-pc's) to <paramref name="card"/>, using <paramref name="work"/> for the file system's contents.</summary>
    public static void Write(string root, LinuxParts parts, string work, string card)
    {
        byte[] uboot = File.ReadAllBytes(UBootSdCard.Binary(root));
        if (SdCardImage.BootImageOffset + uboot.Length > PartitionStart)
            throw new BenchFailure($"U-Boot ({uboot.Length} bytes at 8 KiB) would overlap the partition at 1 MiB");

        string files = Path.Combine(work, "boot-partition");
        if (Directory.Exists(files))
            Directory.Delete(files, recursive: true);
        Directory.CreateDirectory(Path.Combine(files, "extlinux"));
        File.Copy(parts.Kernel, Path.Combine(files, "zImage"));
        File.Copy(parts.DeviceTree ?? throw new BenchFailure("U-Boot's Linux boot needs the board's device tree"), Path.Combine(files, "board.dtb"));
        File.Copy(parts.Initrd, Path.Combine(files, "initrd.gz"));
        File.WriteAllText(Path.Combine(files, "extlinux", "extlinux.conf"), ExtlinuxConfiguration(parts));

        long partitionBytes = Size - PartitionStart;
        string fileSystem = Path.Combine(work, "boot-partition.ext2");
        File.Delete(fileSystem);
        ExternalProcess.Run("making the ext2 boot partition (mke2fs -d)", "mke2fs",
            ["-q", "-F", "-t", "ext2", "-L", "boot", "-E", "root_owner=0:0", "-d", files, fileSystem, $"{partitionBytes / 1024}k"]);

        using var output = new FileStream(card, FileMode.Create, FileAccess.Write);
        output.SetLength(Size);
        output.Write(MasterBootRecord(PartitionStart / Sector, partitionBytes / Sector));
        output.Position = SdCardImage.BootImageOffset;
        output.Write(uboot);
        output.Position = PartitionStart;
        using var partition = File.OpenRead(fileSystem);
        partition.CopyTo(output);
    }

    /// <summary>Sector 0: one bootable Linux (0x83) partition entry, addressed by LBA only (CHS fields FE FF FF), and the 55 AA signature.</summary>
    private static byte[] MasterBootRecord(long firstSector, long sectors)
    {
        var sector = new byte[Sector];
        var entry = sector.AsSpan(446, 16);
        entry[0] = 0x80;
        entry[1] = 0xFE; entry[2] = 0xFF; entry[3] = 0xFF;
        entry[4] = 0x83;
        entry[5] = 0xFE; entry[6] = 0xFF; entry[7] = 0xFF;
        BinaryPrimitives.WriteUInt32LittleEndian(entry[8..], (uint)firstSector);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[12..], (uint)sectors);
        sector[510] = 0x55;
        sector[511] = 0xAA;
        return sector;
    }
}
