using Unikernel.Boot.Image;
using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Console;
using Unikernel.Drivers.Dma;
using Unikernel.Drivers.Storage;
using Unikernel.Drivers.Time;
using Unikernel.Hardware;
using BoardFile = Unikernel.Hardware.Boards.Pine64Plus;

namespace Unikernel.Boot;

/// <summary>What the first stage (src/Loader) asks of the Pine64+.</summary>
internal partial struct Board
{
    public const ulong SecondStageCardOffset = BoardFile.SecondStage.CardOffset;

    /// <summary>
    /// Not yet: the A64's DDR3 needs the AXP803's DRAM rail (RSB) and the A64 variant of the
    /// controller sequence, which are the next issue. Until then the image stops here and says so.
    /// </summary>
    public static bool BringUpDram(out AddressRange dram)
    {
        dram = default;
        StatusLine<Board>.Fail("DRAM: the A64 bring-up (AXP803 rails over RSB, then PLL_DDR0 and the controller) is not written yet (issue 7); halting");
        ConsoleText<Board>.WriteLine();
        return false;
    }

    public static bool TryOpenSdCard(out SmhcSdCard<DirectMmio, GenericTimerClock, UncachedDma> card)
    {
        uint moduleHz = SmhcClocks<DirectMmio>.EnableSmhc0(A64<DirectMmio>.Ccu);
        SdCardPins<DirectMmio>.ConfigureSmhc0(A64<DirectMmio>.Pio);
        return BoardSdCard.TryOpen(A64<DirectMmio>.Smhc0, moduleHz, out card);
    }
}
