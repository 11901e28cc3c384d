using Unikernel.Boot.Image;
using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Dma;
using Unikernel.Drivers.Storage;

namespace Unikernel.Boot;

/// <summary>
/// What the first stage (src/Loader) asks of a board whose boot ROM loads too little for the
/// netboot program (hardware/boards/&lt;board&gt;.yaml, <c>second-stage:</c>): DRAM, then the SD
/// card the second stage is read from.
/// </summary>
internal interface IFirstStageBoard : IBoard
{
    /// <summary>Where on the SD card the tool wrote the second stage, as a kernel image (docs/image-format.md).</summary>
    static abstract ulong SecondStageCardOffset { get; }

    /// <summary>Everything DRAM needs (on the Pine64+ its PMIC rail first), the controller trained and the size detected; one status line.</summary>
    static abstract bool BringUpDram(out AddressRange dram);

    /// <summary>The SD card in SMHC0, identified; one status line. False after printing why not.</summary>
    static abstract bool TryOpenSdCard(out SmhcSdCard<DirectMmio, GenericTimerClock, UncachedDma> card);
}
