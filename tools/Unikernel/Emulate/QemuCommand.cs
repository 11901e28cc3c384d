using Unikernel.Registers.Boards;
using Unikernel.Tool.Build;

namespace Unikernel.Tool.Emulate;

/// <summary>The QEMU command line that boots a built image the way its board boots.</summary>
public static class QemuCommand
{
    public static (string Program, List<string> Arguments) For(BuiltImage image, IEnumerable<string>? extra = null)
    {
        var emulator = image.Board.Emulator
            ?? throw new BuildFailure($"{image.Board.Name} has no emulator: {image.Board.Description} is not modelled by QEMU. " +
                "Emulate orangepi-pc (the same Allwinner blocks) or qemu-virt (AArch64) instead.");
        var arguments = new List<string> { "-M", emulator.Machine, "-nographic", "-no-reboot" };
        arguments.AddRange(emulator.Options);
        switch (emulator.Boot)
        {
            case EmulatorBoot.SdCard:
                arguments.AddRange(["-drive", $"file={image.SdCard},format=raw,if=sd"]);
                break;
            case EmulatorBoot.Bios:
                arguments.AddRange(["-bios", image.Binary]);
                break;
        }
        if (extra is not null)
            arguments.AddRange(extra);
        return (emulator.Command, arguments);
    }

    /// <summary>
    /// QEMU's options that put the board's network card on the netdev <paramref name="netdev"/>:
    /// the device the board file names (virtio-net-device on qemu-virt), or the machine's own NIC.
    /// </summary>
    public static string[] Nic(BoardFile board, string netdev) =>
        board.Emulator?.Nic is { } device ? ["-device", $"{device},netdev={netdev}"] : ["-net", $"nic,netdev={netdev}"];
}
