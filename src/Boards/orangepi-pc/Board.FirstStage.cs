using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Dma;
using Unikernel.Drivers.Storage;
using Unikernel.Hardware;
using Unikernel.Platform;
using BoardFile = Unikernel.Hardware.Boards.OrangepiPc;

namespace Unikernel.Boot;

/// <summary>What the first stage (src/Loader) asks of the Orange Pi PC: DRAM, then the SD card in SMHC0.</summary>
internal partial struct Board
{
    public static ulong SecondStageCardOffset => BoardFile.SecondStage.CardOffset;

    public static bool TryOpenSdCard(out SmhcSdCard<DirectMmio, GenericTimerClock, UncachedDma> card)
    {
        uint moduleHz = SmhcClocks<DirectMmio>.EnableSmhc0(H3<DirectMmio>.Ccu);
        SdCardPins<DirectMmio>.ConfigureSmhc0(H3<DirectMmio>.Pio);
        return BoardSdCard.TryOpen(H3<DirectMmio>.Smhc0, moduleHz, out card);
    }
}
