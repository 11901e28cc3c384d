namespace Unikernel.Tool.Flash;

/// <summary>
/// What Linux says about its block devices: sysfs (<c>/sys/class/block</c>), the mount table
/// (<c>/proc/self/mountinfo</c>) and the swap areas (<c>/proc/swaps</c>). Tests point it at a
/// made-up tree.
/// </summary>
/// <param name="ResolveBlockDevice">A device path to its kernel name (<c>/dev/sdb</c> to <c>sdb</c>), or null when the path is not a block device.</param>
public sealed record HostDisks(string SysClassBlock, string MountInfo, string Swaps, Func<string, string?> ResolveBlockDevice)
{
    /// <summary>Mount points whose disk runs this machine: flashing it would destroy the system.</summary>
    public static readonly string[] SystemMountPoints = ["/", "/boot", "/boot/efi", "/usr", "/var", "/home", "/etc", "/opt", "/srv"];

    public static HostDisks Linux() => new("/sys/class/block", "/proc/self/mountinfo", "/proc/swaps", ResolveWithStat);

    /// <summary>Follows symbolic links (/dev/disk/by-id/...) and asks stat(1) whether it is a block special file.</summary>
    private static string? ResolveWithStat(string path)
    {
        if (!File.Exists(path))
            return null;
        string resolved = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(path);
        var stat = Build.ExternalProcess.TryRun("stat", ["--format=%F", resolved]);
        return stat.ExitCode == 0 && stat.Output.Trim() == "block special file" ? Path.GetFileName(resolved) : null;
    }

    public string? Read(string name, string attribute)
    {
        string path = Path.Combine(SysClassBlock, name, attribute);
        return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
    }

    public bool Exists(string name) => Directory.Exists(Path.Combine(SysClassBlock, name));

    /// <summary>The partitions of a whole disk: the entries under its sysfs directory that have a <c>partition</c> file.</summary>
    public IEnumerable<string> Partitions(string disk)
    {
        string directory = Path.Combine(SysClassBlock, disk);
        if (!Directory.Exists(directory))
            return [];
        return Directory.EnumerateDirectories(directory)
            .Select(Path.GetFileName)
            .Where(name => name is not null && File.Exists(Path.Combine(directory, name, "partition")))
            .Select(name => name!)
            .Order(StringComparer.Ordinal);
    }

    /// <summary>Devices stacked on this one (LVM, RAID, dm-crypt): sysfs's <c>holders</c>.</summary>
    public IEnumerable<string> Holders(string name)
    {
        string directory = Path.Combine(SysClassBlock, name, "holders");
        return Directory.Exists(directory)
            ? Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName).Select(n => n!).Order(StringComparer.Ordinal)
            : [];
    }

    /// <summary>Where the device with this major:minor is mounted (mountinfo's third and fifth fields).</summary>
    public IEnumerable<string> MountPoints(string majorMinor)
    {
        if (!File.Exists(MountInfo))
            yield break;
        foreach (string line in File.ReadLines(MountInfo))
        {
            string[] fields = line.Split(' ');
            if (fields.Length > 4 && fields[2] == majorMinor)
                yield return fields[4].Replace("\\040", " ");
        }
    }

    /// <summary>Whether a swap area is on this device (by kernel name, /proc/swaps' first column).</summary>
    public bool IsSwap(string name) =>
        File.Exists(Swaps) && File.ReadLines(Swaps).Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault())
            .Any(device => device is not null && Path.GetFileName(device) == name);
}
