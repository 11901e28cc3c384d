using Unikernel.Drivers.Bus;
using Unikernel.Hardware;

namespace Unikernel.Drivers.Storage;

/// <summary>
/// SMHC0's clocks in the CCU: reset released, bus clock gate open, module clock from the 24 MHz
/// oscillator undivided (no PLL needed: the first stage runs before anything sets PLL_PERIPH0).
/// The card clock is divided from it in the controller (<see cref="SmhcSdCard{TBus, TClock, TDma}"/>).
/// Each method returns the module clock the controller sees.
/// Read then Write rather than Modify: this runs in the first stage, where a lambda brings in
/// the delegate machinery (method tables, delegate objects, thunks) for no gain.
/// </summary>
public static class SmhcClocks<TBus>
    where TBus : IMmio
{
    private const uint OscillatorHz = 24_000_000;

    /// <summary>
    /// H3: 24 MHz; output delay 0 and sample delay 5, U-Boot's mmc_set_mod_clk values for a card
    /// clock up to 25 MHz (at 400 kHz the delay is a negligible part of a card clock period).
    /// </summary>
    public static uint EnableSmhc0(CcuH3<TBus> ccu)
    {
        ccu.BusSoftRst0.Write(ccu.BusSoftRst0.Read().WithMmc0Rst(true));
        ccu.BusClkGating0.Write(ccu.BusClkGating0.Read().WithMmc0Gating(true));
        ccu.Sdmmc0Clk.Write(CcuH3.Sdmmc0Clk.Zero.WithClkSrcSel(CcuH3.MmcSrc.Osc24m).WithClkDivRatioN(CcuH3.Pow2Div.Div1)
            .WithSampleClkPhaseCtr(5).WithSclkGating(true));
        return OscillatorHz;
    }

    /// <summary>
    /// A64: 12 MHz, because the A64's MMC clocks have a hidden /2 after the M and N dividers
    /// (Linux ccu-sun50i-a64.c, "MMC clocks ... have a 2x post divider"). Not tested on hardware.
    /// </summary>
    public static uint EnableSmhc0(CcuA64<TBus> ccu)
    {
        ccu.BusSoftRst0.Write(ccu.BusSoftRst0.Read().WithMmc0Rst(true));
        ccu.BusClkGating0.Write(ccu.BusClkGating0.Read().WithMmc0Gating(true));
        ccu.Sdmmc0Clk.Write(CcuA64.Sdmmc0Clk.Zero.WithClkSrcSel(CcuA64.MmcSrc.Osc24m).WithClkDivRatioN(CcuA64.Pow2Div.Div1)
            .WithSclkGating(true));
        return OscillatorHz / 2;
    }
}
