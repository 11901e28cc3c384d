using Unikernel.Drivers.Clocks;
using Unikernel.Hardware;

namespace Unikernel.Tests.Drivers;

/// <summary>UART0's clock on the H3: gate and reset opened, the baud divisor's input read from APB2_CFG as the CCU is set.</summary>
[Collection("RecordingBus")]
public sealed class H3UartClockTests
{
    private static readonly CcuH3<RecordingBus> Ccu = new(H3.Ccu.Base);

    [Fact]
    public void Uart0_gate_and_reset_open_and_apb2_at_its_reset_value_is_the_24_MHz_oscillator()
    {
        RecordingBus.Reset();
        RecordingBus.Registers[H3.Ccu.Base + 0x58] = 0x0100_0000;   // APB2_CFG reset value (H3 manual 4.3.5.11)
        Assert.Equal(24_000_000u, H3UartClock.EnableUart0(Ccu));
        Assert.Equal(1u << 16, RecordingBus.Registers[H3.Ccu.Base + 0x6C] & (1u << 16));   // BUS_CLK_GATING3.UART0
        Assert.Equal(1u << 16, RecordingBus.Registers[H3.Ccu.Base + 0x2D8] & (1u << 16));  // BUS_SOFT_RST4.UART0
    }

    [Theory]
    [InlineData(0x0000_0000u, 32_768u)]                 // LOSC
    [InlineData(0x0101_0001u, 6_000_000u)]              // OSC24M / 2 / 2
    [InlineData(0x0200_0004u, 120_000_000u)]            // PLL_PERIPH0 (600 MHz) / 5
    [InlineData(0x0203_0000u, 75_000_000u)]             // PLL_PERIPH0 / 8
    public void Apb2_rate_follows_source_and_dividers(uint apb2, uint expected)
    {
        RecordingBus.Reset();
        RecordingBus.Registers[H3.Ccu.Base + 0x58] = apb2;
        RecordingBus.Registers[H3.Ccu.Base + 0x28] = 0x9000_1811;   // PLL_PERIPH0: N = 25, K = 2 -> 600 MHz (its reset factors)
        Assert.Equal(expected, H3UartClock.Apb2Hz(Ccu));
    }
}
