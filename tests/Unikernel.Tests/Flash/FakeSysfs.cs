using Unikernel.Tests.Net;
using Unikernel.Tool.Flash;

namespace Unikernel.Tests.Flash;

/// <summary>
/// A made-up /sys/class/block, mount table and swap list, laid out as Linux lays them out:
/// disks under devices/, partitions inside their disk's directory, class/block entries as
/// symbolic links to them.
/// </summary>
public sealed class FakeSysfs : IDisposable
{
    private readonly TemporaryDirectory _root = new();
    private readonly List<string> _mounts = [];
    private readonly List<string> _swaps = [];
    private readonly HashSet<string> _blockDevices = [];
    private int _minor;

    public string ClassBlock => _root.File("class/block");

    public HostDisks Disks
    {
        get
        {
            File.WriteAllLines(_root.File("mountinfo"), _mounts);
            File.WriteAllLines(_root.File("swaps"), ["Filename Type Size Used Priority", .. _swaps]);
            return new HostDisks(ClassBlock, _root.File("mountinfo"), _root.File("swaps"),
                path => _blockDevices.Contains(path) ? Path.GetFileName(path) : null);
        }
    }

    public FakeSysfs Disk(string name, long bytes, string model = "SD Card Reader", bool readOnly = false)
    {
        string directory = _root.File($"devices/{name}");
        Directory.CreateDirectory(directory);
        Attributes(directory, bytes, readOnly);
        Directory.CreateDirectory(Path.Combine(directory, "device"));
        File.WriteAllText(Path.Combine(directory, "device", "model"), model + "\n");
        Link(name, directory);
        return this;
    }

    public FakeSysfs Partition(string disk, string name, int number, long bytes)
    {
        string directory = _root.File($"devices/{disk}/{name}");
        Directory.CreateDirectory(directory);
        Attributes(directory, bytes, readOnly: false);
        File.WriteAllText(Path.Combine(directory, "partition"), number + "\n");
        Link(name, directory);
        return this;
    }

    /// <summary>A device-mapper volume (LVM, dm-crypt) on <paramref name="below"/>.</summary>
    public FakeSysfs Holder(string below, string name)
    {
        Disk(name, 1 << 30, model: "");
        string holders = Path.Combine(ClassBlock, below, "holders");
        Directory.CreateDirectory(holders);
        File.CreateSymbolicLink(Path.Combine(holders, name), _root.File($"devices/{name}"));
        return this;
    }

    public FakeSysfs Mount(string name, string mountPoint)
    {
        string majorMinor = File.ReadAllText(Path.Combine(ClassBlock, name, "dev")).Trim();
        _mounts.Add($"{30 + _mounts.Count} 1 {majorMinor} / {mountPoint.Replace(" ", "\\040")} rw,relatime - ext4 /dev/{name} rw");
        return this;
    }

    public FakeSysfs Swap(string name)
    {
        _swaps.Add($"/dev/{name} partition 1048572 0 -2");
        return this;
    }

    private void Attributes(string directory, long bytes, bool readOnly)
    {
        File.WriteAllText(Path.Combine(directory, "dev"), $"8:{_minor++}\n");
        File.WriteAllText(Path.Combine(directory, "size"), (bytes / 512) + "\n");
        File.WriteAllText(Path.Combine(directory, "ro"), readOnly ? "1\n" : "0\n");
        Directory.CreateDirectory(Path.Combine(directory, "holders"));
    }

    private void Link(string name, string directory)
    {
        Directory.CreateDirectory(ClassBlock);
        File.CreateSymbolicLink(Path.Combine(ClassBlock, name), directory);
        _blockDevices.Add("/dev/" + name);
    }

    public void Dispose() => _root.Dispose();
}
