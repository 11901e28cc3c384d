using System.Runtime;
using Unikernel.Boot;
using Unikernel.Boot.Image;

namespace Unikernel.Loader;

/// <summary>
/// The first stage, what the boot ROM loads into SRAM: banner, the board's DRAM (trained, its
/// size detected), the SD card, then the netboot program from the card into DRAM, checked by
/// SHA-256, and a jump to it. One status line per step; a failed step says why and halts.
/// </summary>
internal static class Program
{
    [RuntimeExport("__unikernel_main")]
    private static void Main()
    {
        Board.Initialize();
        Banner.Print();
        if (!Board.BringUpDram(out AddressRange dram))
            return;
        if (!Board.TryOpenSdCard(out var card))
            return;
        nuint entry = SecondStage.Load(card, Board.SecondStageCardOffset, dram);
        if (entry != 0)
            LoadedProgram.Jump(entry);
    }
}
