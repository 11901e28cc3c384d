using Unikernel.Boot.Image;
using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Console;
using Unikernel.Drivers.Dma;
using Unikernel.Drivers.Storage;
using Unikernel.Drivers.Time;
using Unikernel.Hardware;
using BoardFile = Unikernel.Hardware.Boards.OrangepiPc;

namespace Unikernel.Boot;

/// <summary>What the first stage (src/Loader) asks of the Orange Pi PC: DRAM, then the SD card in SMHC0.</summary>
internal partial struct Board
{
    public const ulong SecondStageCardOffset = BoardFile.SecondStage.CardOffset;

    /// <summary>Descriptors for one read command (each moves up to 64 KiB).</summary>
    private const int SdDescriptors = 4;

    public static bool TryOpenSdCard(out SmhcSdCard<DirectMmio, GenericTimerClock, UncachedDma> card)
    {
        uint moduleHz = SmhcClocks<DirectMmio>.EnableSmhc0(H3<DirectMmio>.Ccu);
        SdCardPins<DirectMmio>.ConfigureSmhc0(H3<DirectMmio>.Pio);
        nuint descriptors = DmaBlock.Allocate(SmhcSdCard<DirectMmio, GenericTimerClock, UncachedDma>.DescriptorMemoryLength(SdDescriptors));
        card = new SmhcSdCard<DirectMmio, GenericTimerClock, UncachedDma>(H3<DirectMmio>.Smhc0, descriptors, SdDescriptors, moduleHz);
        SdStatus status = card.Initialize();
        if (status != SdStatus.Ok)
        {
            StatusLine<Board>.Fail("SD card: ");
            ConsoleText<Board>.WriteLine(SdStatusText.Describe(status));
            return false;
        }
        StatusLine<Board>.Ok("SD card ");
        ConsoleText<Board>.Write(card.HighCapacity ? "SDHC " : "SDSC ");
        ConsoleText<Board>.WriteDecimal(card.BlockCount >> 11);
        ConsoleText<Board>.WriteLine(" MiB");
        return true;
    }
}
