using Unikernel.Drivers.Bus;
using Unikernel.Hardware;

namespace Unikernel.Drivers.Clocks;

/// <summary>
/// The UARTs' side of the H3 CCU (hardware/blocks/ccu-h3.yaml): UART0's bus gate and reset, and
/// the APB2 rate the 16550 divides for its baud rate, read from how the boot ROM or an earlier
/// stage left APB2_CFG (H3 user manual 4.3.5.11; Linux ccu-sun8i-h3.c apb2_clk).
/// </summary>
public static class H3UartClock
{
    public const uint OscillatorHz = 24_000_000;
    public const uint LowSpeedOscillatorHz = 32_768;

    /// <summary>Opens UART0's gate, releases its reset, and returns APB2's rate in Hz.</summary>
    public static uint EnableUart0<TBus>(CcuH3<TBus> ccu)
        where TBus : IMmio
    {
        ccu.BusClkGating3.Write(ccu.BusClkGating3.Read().WithUart0Gating(true));
        ccu.BusSoftRst4.Write(ccu.BusSoftRst4.Read().WithUart0Rst(true));
        return Apb2Hz(ccu);
    }

    /// <summary>APB2 = source / (M * 2^N); PLL_PERIPH0 = 24 MHz * N * K / 2.</summary>
    public static uint Apb2Hz<TBus>(CcuH3<TBus> ccu)
        where TBus : IMmio
    {
        var apb2 = ccu.Apb2Cfg.Read();
        uint source = apb2.Apb2ClkSrcSel switch
        {
            CcuH3.Apb2Cfg.Apb2ClkSrcSelValue.Losc => LowSpeedOscillatorHz,
            CcuH3.Apb2Cfg.Apb2ClkSrcSelValue.PllPeriph0 => PeriphHz(ccu),
            _ => OscillatorHz,
        };
        return source / (apb2.ClkRatM + 1) >> (int)apb2.ClkRatN;
    }

    private static uint PeriphHz<TBus>(CcuH3<TBus> ccu)
        where TBus : IMmio
    {
        var pll = ccu.PllPeriph0Ctrl.Read();
        return OscillatorHz / 2 * (pll.PllFactorN + 1) * (pll.PllFactorK + 1);
    }
}
