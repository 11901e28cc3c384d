using Unikernel.Boot.Image;
using Unikernel.Net.Wire;
using BoardFile = Unikernel.Hardware.Boards.QemuVirt;

namespace Unikernel.Boot;

/// <summary>What the netboot program (src/Boot/Program.cs) asks of this board.</summary>
internal partial struct Board
{
    public static bool BringUp(out AddressRange memory) =>
        BoardWithoutEthernet.BringUp(BoardFile.Memory.Ram.Base, BoardFile.Memory.Ram.Size, out memory);

    public static void StartKernel(nuint load, nuint length, nuint entry) => LoadedProgram.Jump(entry);

    /// <summary>The main loop's periodic duty: none on this board.</summary>
    public static void Service()
    {
    }

    /// <summary>Never: <see cref="Service"/> has nothing to do.</summary>
    public static long ServiceDueAt => long.MaxValue;

    /// <summary>After a failed bring-up step (its status line printed): halt, so the line stays on the console.</summary>
    public static void AfterFatalError()
    {
    }
}

/// <summary>No Ethernet driver on this board yet: the netboot program says so and stops.</summary>
internal readonly struct BoardNetwork : IBoardNetwork<BoardNetwork>
{
    public static bool TryStart(out BoardNetwork network)
    {
        network = default;
        return BoardWithoutEthernet.Refuse("no driver for QEMU virt's virtio-net yet: the netboot service runs on orangepi-pc");
    }

    public MacAddress Mac => MacAddress.Zero;

    public void Stop()
    {
    }

    public bool TryReceive(out Span<byte> frame)
    {
        frame = default;
        return false;
    }

    public void Release()
    {
    }

    public bool Send(ReadOnlySpan<byte> frame) => false;

    /// <summary>None: the main loop polls.</summary>
    public static uint InterruptId => 0;

    public static void AcknowledgeInterrupt()
    {
    }
}
