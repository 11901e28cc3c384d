using Unikernel.Boot.Image;
using Unikernel.Drivers.Bus;
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
    /// The first stage's DRAM step. The DDR3 rail (AXP803 DCDC5 over RSB) is not set here yet:
    /// the PMIC step goes before <see cref="BringUpDramController"/> once it is written (issue 7).
    /// </summary>
    public static bool BringUpDram(out AddressRange dram) => BringUpDramController(out dram);

    public static bool TryOpenSdCard(out SmhcSdCard<DirectMmio, GenericTimerClock, UncachedDma> card)
    {
        uint moduleHz = SmhcClocks<DirectMmio>.EnableSmhc0(A64<DirectMmio>.Ccu);
        SdCardPins<DirectMmio>.ConfigureSmhc0(A64<DirectMmio>.Pio);
        return BoardSdCard.TryOpen(A64<DirectMmio>.Smhc0, moduleHz, out card);
    }
}
