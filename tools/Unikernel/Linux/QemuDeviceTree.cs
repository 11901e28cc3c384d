using Unikernel.Tool.Build;
using Unikernel.Tool.Emulate;

namespace Unikernel.Tool.Linux;

/// <summary>
/// The device tree of a machine QEMU builds itself (qemu-virt has no file of its own: QEMU makes
/// one for the command line it is started with), dumped with <c>-M MACHINE,dumpdtb=FILE</c> on
/// the very command line that boots <see cref="BuiltImage"/>: with firmware given (-bios) QEMU 7.2's
/// virt puts an ACPI event device where its GPIO would be, so a tree dumped without it names a
/// PL061 that is not there, and Linux takes an external abort probing it. The board edits the
/// tree for Linux as it edits any uploaded tree (/psci, the CPUs' enable-method, /chosen).
/// </summary>
public static class QemuDeviceTree
{
    /// <summary>Writes the tree of the machine <paramref name="image"/> boots on to <paramref name="path"/>.</summary>
    public static string Dump(BuiltImage image, string path)
    {
        var (program, arguments) = QemuCommand.For(image, ["-display", "none"]);
        int machine = arguments.IndexOf("-M") + 1;
        arguments[machine] += ",dumpdtb=" + path;
        ExternalProcess.Run($"dumping QEMU's {image.Board.Name} device tree", program, arguments);
        return path;
    }
}
