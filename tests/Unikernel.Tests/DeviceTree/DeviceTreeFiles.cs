using Unikernel.Tool;
using Unikernel.Tool.Build;
using Unikernel.Tool.Linux;

namespace Unikernel.Tests.DeviceTree;

/// <summary>
/// The real device trees the editor is tested on, made once and cached under build/linux/: the
/// Orange Pi PC tree from Debian 12's armmp kernel package (the Linux boots' pinned parts,
/// <see cref="LinuxParts"/>) and the tree QEMU 7.2 generates for its virt machine (dumpdtb).
/// </summary>
internal static class DeviceTreeFiles
{
    private static readonly Lock Gate = new();

    public static string CacheDirectory => Path.Combine(Repository.FindRoot(), "build", "linux");

    /// <summary>sun8i-h3-orangepi-pc.dtb from the pinned armmp package (23,405 bytes, no /memory, no /psci), as the Linux boots use it (<see cref="LinuxParts"/>).</summary>
    public static byte[] OrangePiPc() => File.ReadAllBytes(LinuxParts.Prepare(Repository.FindRoot(), "orangepi-pc").DeviceTree!);

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
