using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Dma;
using Unikernel.Drivers.Storage;
using Unikernel.Hardware;
using Unikernel.Platform;

namespace Unikernel.Boot;

/// <summary>The SD card in SMHC0 as the first stage opens it on the Allwinner boards (their clocks and pins set up by the board).</summary>
internal static class BoardSdCard
{
    /// <summary>Descriptors for one read command (each moves up to 64 KiB).</summary>
    private const int Descriptors = 4;

    /// <summary>Identifies the card and prints its status line; false (after saying why) if it cannot be used.</summary>
    public static bool TryOpen<TDma>(Smhc<DirectMmio> smhc, uint moduleHz, out SmhcSdCard<DirectMmio, GenericTimerClock, TDma> card)
        where TDma : IDmaMemory =>
        Open(smhc, moduleHz, out card) == SdStatus.Ok;

    /// <summary>Identifies the card and prints its status line; the driver's status (<see cref="SdStatus.Ok"/> if the card can be used).</summary>
    /// <typeparam name="TDma">
    /// <see cref="UncachedDma"/> for the first stage (caches off); a kernel's card uses the cache
    /// maintenance of <c>CachedDma</c>. The descriptors (4 x 16 bytes) fill one cache line of their own.
    /// </typeparam>
    public static SdStatus Open<TDma>(Smhc<DirectMmio> smhc, uint moduleHz, out SmhcSdCard<DirectMmio, GenericTimerClock, TDma> card)
        where TDma : IDmaMemory
    {
        nuint descriptors = DmaBlock.Allocate(SmhcSdCard<DirectMmio, GenericTimerClock, TDma>.DescriptorMemoryLength(Descriptors));
        card = new SmhcSdCard<DirectMmio, GenericTimerClock, TDma>(smhc, descriptors, Descriptors, moduleHz);
        SdStatus status = card.Initialize();
        if (status != SdStatus.Ok)
        {
            StatusLine<Board>.Fail("SD card: "u8);
            Board.Write(SdStatusText.Describe(status));
            ConsoleText<Board>.WriteLine();
            return status;
        }
        StatusLine<Board>.Ok("SD card "u8);
        ConsoleText<Board>.Write(card.HighCapacity ? "SDHC "u8 : "SDSC "u8);
        ConsoleText<Board>.WriteDecimal(card.BlockCount >> 11);
        ConsoleText<Board>.WriteLine(" MiB"u8);
        return SdStatus.Ok;
    }
}
