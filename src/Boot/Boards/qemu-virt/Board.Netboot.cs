using Unikernel.Boot.Image;
using Unikernel.Drivers.Console;
using Unikernel.Net;
using Unikernel.Net.Wire;
using BoardFile = Unikernel.Hardware.Boards.QemuVirt;

namespace Unikernel.Boot;

/// <summary>What the netboot program (src/Boot/Program.cs) asks of this board.</summary>
internal partial struct Board
{
    public static bool BringUp(out AddressRange dram)
    {
        dram = new AddressRange(BoardFile.Memory.Ram.Base, BoardFile.Memory.Ram.Size);
        StatusLine<Board>.Ok("RAM ");
        ConsoleText<Board>.WriteDecimal(dram.Length >> 20);
        ConsoleText<Board>.WriteLine(" MiB");
        return true;
    }

    public static void StartKernel(nuint load, nuint length, nuint entry) => LoadedProgram.Jump(entry);
}

/// <summary>This board has no Ethernet driver yet: the netboot program says so and stops.</summary>
internal struct BoardNetwork : INetworkDevice
{
    public static bool TryStart(out MacAddress mac)
    {
        mac = MacAddress.Zero;
        StatusLine<Board>.Skip("Ethernet: no driver for QEMU virt's virtio-net yet: the netboot service runs on orangepi-pc");
        ConsoleText<Board>.WriteLine();
        return false;
    }

    public int Receive(Span<byte> frame) => 0;

    public bool Send(ReadOnlySpan<byte> frame) => false;
}
