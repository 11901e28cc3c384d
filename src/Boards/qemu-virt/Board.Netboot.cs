using Unikernel.Boot.Image;
using Unikernel.Drivers.Memory;
using Unikernel.Platform;
using BoardFile = Unikernel.Hardware.Boards.QemuVirt;

namespace Unikernel.Boot;

/// <summary>What the netboot program (src/Boot/Program.cs) asks of this board.</summary>
internal partial struct Board
{
    /// <summary>RAM as the board file gives it (QEMU's -m): there is no DRAM controller to bring up.</summary>
    public static bool BringUp(out AddressRange memory)
    {
        memory = new AddressRange(BoardFile.Memory.Ram.Base, BoardFile.Memory.Ram.Size);
        StatusLine<Board>.Ok("RAM "u8);
        ConsoleText<Board>.WriteDecimal(BoardFile.Memory.Ram.Size >> 20);
        ConsoleText<Board>.WriteLine(" MiB (from the board file)"u8);
        return true;
    }

    /// <summary>
    /// The kernel gets the machine as the boot protocols want it: IRQs masked (the start-up tick
    /// check stopped its tick, the netboot loop turned its deadline and the card's interrupt
    /// off), MMU off and the data cache cleaned, so what the netboot wrote is in memory for its
    /// fetches (Linux Documentation/arch/arm64/booting.rst; orangepi-pc does the same).
    /// </summary>
    public static void StartKernel(nuint load, nuint length, nuint entry)
    {
        Interrupts.Disable();
        Mmu.DisableAndClean();
        ConsoleText<Board>.Write("netboot: starting the kernel at 0x"u8);
        ConsoleText<Board>.WriteHex(entry, 8);
        ConsoleText<Board>.WriteLine();
        LoadedProgram.Jump(entry);
    }

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
