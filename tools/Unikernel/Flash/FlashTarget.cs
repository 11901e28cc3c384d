namespace Unikernel.Tool.Flash;

/// <summary>
/// A whole disk `flash` may overwrite: checked to be a block device, a whole disk rather than
/// a partition, writable, large enough, and neither mounted, nor swap, nor stacked under LVM,
/// RAID or dm-crypt, nor holding this machine's system (/, /boot, /usr, ...).
/// </summary>
public sealed record FlashTarget(string DevicePath, string Name, long SizeBytes, string Description)
{
    private const int SectorBytes = 512;   // sysfs's size attribute counts 512-byte sectors whatever the device's own sector size

    public static FlashTarget Check(string devicePath, long imageBytes, HostDisks disks)
    {
        string? name = disks.ResolveBlockDevice(devicePath);
        if (name is null || !disks.Exists(name))
            throw new FlashRefusal($"{devicePath} is not a block device. Give the SD card's whole-disk device, such as /dev/sdb or /dev/mmcblk0 (`lsblk -d -o NAME,SIZE,MODEL,TRAN` lists them).");
        if (disks.Read(name, "partition") is { } number)
        {
            string parent = ParentOf(name, disks) ?? "the disk it is on";
            throw new FlashRefusal($"{devicePath} is partition {number} of /dev/{parent}: the boot ROM reads the card from byte 8192 of the whole disk. Give /dev/{parent} instead.");
        }

        string devices = string.Join(", ", new[] { name }.Concat(disks.Partitions(name)).Select(n => "/dev/" + n));
        foreach (string part in new[] { name }.Concat(disks.Partitions(name)))
        {
            foreach (string device in new[] { part }.Concat(Stacked(part, disks)))
            {
                var mounts = disks.Read(device, "dev") is { } majorMinor ? disks.MountPoints(majorMinor).ToList() : [];
                string? system = mounts.FirstOrDefault(m => HostDisks.SystemMountPoints.Contains(m));
                if (system is not null)
                    throw new FlashRefusal($"{devicePath} holds this machine's system: /dev/{device} is mounted at {system}. Refusing to overwrite it; check the device name with `lsblk`.");
                if (disks.IsSwap(device))
                    throw new FlashRefusal($"{devicePath} is in use as swap (/dev/{device}). Refusing to overwrite it; check the device name with `lsblk`.");
                if (mounts.Count > 0)
                    throw new FlashRefusal($"{devicePath} is mounted: /dev/{device} at {mounts[0]}. Unmount it first (`umount {mounts[0]}`), then flash again.");
            }
            if (disks.Holders(part).FirstOrDefault() is { } holder)
                throw new FlashRefusal($"{devicePath} is in use by /dev/{holder} (LVM, RAID or dm-crypt on /dev/{part}). Refusing to overwrite it; check the device name with `lsblk`.");
        }

        if (disks.Read(name, "ro") == "1")
            throw new FlashRefusal($"{devicePath} is read-only: if it is an SD card, slide its lock switch away from LOCK and insert it again.");
        long size = long.TryParse(disks.Read(name, "size"), out long sectors) ? sectors * SectorBytes : 0;
        if (size == 0)
            throw new FlashRefusal($"{devicePath} has no medium (size 0): insert the SD card.");
        if (size < imageBytes)
            throw new FlashRefusal($"{devicePath} holds {size} bytes, less than the {imageBytes}-byte card image.");

        string model = string.Join(' ', new[] { disks.Read(name, "device/vendor"), disks.Read(name, "device/model") }.Where(s => !string.IsNullOrEmpty(s)));
        string description = $"/dev/{name}{(model.Length > 0 ? " (" + model + ")" : "")}, {size / (1024.0 * 1024 * 1024):0.0} GiB, devices {devices}";
        return new FlashTarget(devicePath, name, size, description);
    }

    /// <summary>Every device stacked above this one, transitively (a dm-crypt volume inside an LVM volume inside a partition).</summary>
    private static IEnumerable<string> Stacked(string name, HostDisks disks)
    {
        foreach (string holder in disks.Holders(name))
        {
            yield return holder;
            foreach (string above in Stacked(holder, disks))
                yield return above;
        }
    }

    /// <summary>The whole disk a partition belongs to: sysfs keeps a partition's directory inside its disk's.</summary>
    private static string? ParentOf(string partition, HostDisks disks)
    {
        var entry = new DirectoryInfo(Path.Combine(disks.SysClassBlock, partition));
        string real = entry.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? entry.FullName;
        return Path.GetFileName(Path.GetDirectoryName(real.TrimEnd('/')));
    }
}
