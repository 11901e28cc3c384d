using Unikernel.Registers.Boards;
using Unikernel.Tool.Build;

namespace Unikernel.Tool.Linux;

/// <summary>
/// The device tree of a machine QEMU builds itself (qemu-virt has no file of its own: QEMU makes
/// one for the options it is started with): dumped with <c>-M MACHINE,dumpdtb=FILE</c> and the
/// board file's options, so it describes the machine our bootloader runs on. The board edits it
/// for Linux as it edits any uploaded tree (/psci, the CPUs' enable-method, /chosen).
/// </summary>
public static class QemuDeviceTree
{
    /// <summary>Writes the tree of <paramref name="board"/>'s emulated machine to <paramref name="path"/> (cached: kept if there).</summary>
    public static string Dump(BoardFile board, string path)
    {
        if (File.Exists(path))
            return path;
        var emulator = board.Emulator ?? throw new BuildFailure($"{board.Name} has no emulator, so QEMU has no device tree to give for it");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temporary = path + ".part";
        ExternalProcess.Run($"dumping QEMU's {board.Name} device tree", emulator.Command,
            ["-M", $"{emulator.Machine},dumpdtb={temporary}", .. emulator.Options, "-display", "none"]);
        File.Move(temporary, path, overwrite: true);
        return path;
    }
}
