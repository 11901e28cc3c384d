using Unikernel.Boot.Image;
using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Dma;
using Unikernel.Drivers.Power;
using Unikernel.Drivers.Storage;
using Unikernel.Hardware;
using Unikernel.Platform;
using BoardFile = Unikernel.Hardware.Boards.Pine64Plus;

namespace Unikernel.Boot;

/// <summary>What the first stage (src/Loader) asks of the Pine64+.</summary>
internal partial struct Board
{
    public static ulong SecondStageCardOffset => BoardFile.SecondStage.CardOffset;

    /// <summary>
    /// The first stage's DRAM step: the AXP803 first (over RSB: chip ID, the DDR3 rail DCDC5 at
    /// 1.5 V and on, the PHY rail DC1SW on; hardware/boards/pine64-plus.yaml power:), as the
    /// board's DDR3 needs its rail before the controller trains it (Lichtso's Bootloader.cpp:
    /// AXP803::configureDCDC5 before configureDRAM; U-Boot's SPL sets the PMIC in
    /// board_init_f's sunxi_board_init before sunxi_dram_init), then the controller.
    /// </summary>
    public static bool BringUpDram(out AddressRange dram)
    {
        dram = default;
        var pmic = Pine64PlusPmic<DirectMmio, GenericTimerClock>.BringUp();
        if (pmic != Axp803Status.Ok)
        {
            StatusLine<Board>.Fail("PMIC AXP803: "u8);
            Write(Axp803StatusText.Describe(pmic));
            ConsoleText<Board>.WriteLine();
            return false;
        }
        StatusLine<Board>.Ok("PMIC AXP803: DCDC5 (DRAM) 1500 mV, DC1SW (PHY) on"u8);
        ConsoleText<Board>.WriteLine();
        return BringUpDramController(out dram);
    }

    public static bool TryOpenSdCard(out SmhcSdCard<DirectMmio, GenericTimerClock, UncachedDma> card)
    {
        uint moduleHz = SmhcClocks<DirectMmio>.EnableSmhc0(A64<DirectMmio>.Ccu);
        SdCardPins<DirectMmio>.ConfigureSmhc0(A64<DirectMmio>.Pio);
        return BoardSdCard.TryOpen(A64<DirectMmio>.Smhc0, moduleHz, out card);
    }
}
