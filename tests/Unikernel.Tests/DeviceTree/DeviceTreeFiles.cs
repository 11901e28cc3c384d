using Unikernel.Tool;
using Unikernel.Tool.Build;

namespace Unikernel.Tests.DeviceTree;

/// <summary>
/// The real device trees the editor is tested on, made once and cached under build/linux/: the
/// Orange Pi PC tree from Debian 12's armmp kernel package (downloaded with apt-get, not
/// installed) and the tree QEMU 7.2 generates for its virt machine (dumpdtb).
/// </summary>
internal static class DeviceTreeFiles
{
    /// <summary>The armmp kernel package, pinned: 6.1.176-1 (ABI 50) boots on QEMU's orangepi-pc with working Ethernet, 6.1.192-3 oopses in dwmac-sun8i.</summary>
    public const string ArmmpPackage = "linux-image-6.1.0-50-armmp";
    public const string ArmmpVersion = "6.1.176-1";

    private static readonly Lock Gate = new();

    public static string CacheDirectory => Path.Combine(Repository.FindRoot(), "build", "linux");

    /// <summary>sun8i-h3-orangepi-pc.dtb from the armmp package (23,405 bytes, no /memory, no /psci).</summary>
    public static byte[] OrangePiPc()
    {
        lock (Gate)
        {
            string tree = Path.Combine(CacheDirectory, "sun8i-h3-orangepi-pc.dtb");
            if (!File.Exists(tree))
                ExtractFromArmmp($"./usr/lib/{ArmmpPackage}/sun8i-h3-orangepi-pc.dtb", tree);
            return File.ReadAllBytes(tree);
        }
    }

    /// <summary>QEMU's virt tree for 4 Cortex-A53 with EL3 and EL2 and 512 MiB (1 MiB, most of it padding).</summary>
    public static byte[] QemuVirt()
    {
        lock (Gate)
        {
            string tree = Path.Combine(CacheDirectory, "qemu-virt.dtb");
            if (!File.Exists(tree))
            {
                Directory.CreateDirectory(CacheDirectory);
                string partial = tree + ".partial";
                ExternalProcess.Run("qemu-system-aarch64 dumpdtb", "qemu-system-aarch64",
                    ["-M", $"virt,secure=on,virtualization=on,dumpdtb={partial}", "-cpu", "cortex-a53", "-smp", "4", "-m", "512M",
                     "-nographic", "-nic", "none"]);
                File.Move(partial, tree, overwrite: true);
            }
            return File.ReadAllBytes(tree);
        }
    }

    private static void ExtractFromArmmp(string member, string destination)
    {
        Directory.CreateDirectory(CacheDirectory);
        string package = Path.Combine(CacheDirectory, $"{ArmmpPackage}_{ArmmpVersion}_armhf.deb");
        if (!File.Exists(package))
        {
            string[] download = ["download", $"{ArmmpPackage}:armhf={ArmmpVersion}"];
            if (ExternalProcess.TryRun("apt-get", download, CacheDirectory).ExitCode != 0)
            {
                // A machine that has not seen armhf packages yet.
                ExternalProcess.Run("dpkg --add-architecture", "dpkg", ["--add-architecture", "armhf"]);
                ExternalProcess.Run("apt-get update", "apt-get", ["update", "-qq"]);
                ExternalProcess.Run("apt-get download", "apt-get", download, CacheDirectory);
            }
        }
        string partial = destination + ".partial";
        ExternalProcess.Run("dpkg-deb", "/bin/sh",
            ["-c", "dpkg-deb --fsys-tarfile \"$0\" | tar -xO \"$1\" > \"$2\"", package, member, partial]);
        File.Move(partial, destination, overwrite: true);
    }

    /// <summary>The tree as dtc decompiles it (<c>dtc -I dtb -O dts</c>), failing the test when dtc refuses it.</summary>
    public static string Decompile(ReadOnlySpan<byte> tree)
    {
        var result = TryDecompile(tree);
        Assert.True(result.ExitCode == 0, $"dtc refused the tree: {result.Error}");
        return result.Output;
    }

    /// <summary>dtc's verdict; with <paramref name="force"/>, errors in the content (names, cells) are reported but the tree still decompiled.</summary>
    public static ExternalProcess.Result TryDecompile(ReadOnlySpan<byte> tree, bool force = false)
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(file, tree.ToArray());
            return ExternalProcess.TryRun("dtc", force ? ["-f", "-I", "dtb", "-O", "dts", file] : ["-q", "-I", "dtb", "-O", "dts", file]);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The lines of the node at <paramref name="path"/> (<c>/chosen</c>, <c>/cpus/cpu@0</c>) in dtc's output, its subnodes included; empty if absent.</summary>
    public static string Node(string dts, string path)
    {
        string[] names = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string[] lines = dts.Split('\n');
        int from = Array.IndexOf(lines, "/ {");
        for (int depth = 1; depth <= names.Length && from >= 0; depth++)
        {
            string indent = new('\t', depth);
            string close = new string('\t', depth - 1) + "};";
            int at = from + 1;
            from = -1;
            for (; at < lines.Length && lines[at] != close; at++)
            {
                if (lines[at] == $"{indent}{names[depth - 1]} {{" ||
                    (!names[depth - 1].Contains('@') && lines[at].StartsWith($"{indent}{names[depth - 1]}@", StringComparison.Ordinal) && lines[at].EndsWith(" {", StringComparison.Ordinal)))
                {
                    from = at;
                    break;
                }
            }
        }
        if (from < 0)
            return "";
        string end = new string('\t', names.Length) + "};";
        int last = Array.IndexOf(lines, end, from);
        return string.Join('\n', lines[from..(last + 1)]);
    }
}
