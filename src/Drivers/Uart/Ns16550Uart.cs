using Unikernel.Drivers.Bus;
using Unikernel.Hardware;

namespace Unikernel.Drivers.Uart;

/// <summary>
/// The 16550-compatible UART of Allwinner SoCs (H3, A64), through the accessors generated
/// from hardware/blocks/uart-16550.yaml. Polled output. (H3/A64 user manuals, "UART".)
/// </summary>
public static class Ns16550Uart<TBus> where TBus : IMmio
{
    private const int TransmitTimeoutPolls = 1_000_000;

    /// <summary>Divisor for a baud rate: the UART samples at 16 times the bit rate.</summary>
    public static uint Divisor(uint clockHz, uint baud) => (clockHz + 8 * baud) / (16 * baud);

    /// <summary>8N1 at clock / 16 / divisor, FIFOs on and reset.</summary>
    public static void Initialize(Uart16550<TBus> uart, uint divisor)
    {
        var eightBits = Uart16550.Lcr.Reset.WithDls(Uart16550.Lcr.DlsValue.Bits8);
        uart.Lcr.Write(eightBits.WithDlab(true));
        uart.Dll.Write(Uart16550.Dll.Zero.WithDivLow(divisor & 0xFF));
        uart.Dlh.Write(Uart16550.Dlh.Zero.WithDivHigh((divisor >> 8) & 0xFF));
        uart.Lcr.Write(eightBits);
        uart.Fcr.Write(Uart16550.Fcr.Zero.WithFifoe(true).WithRfifor(true).WithXfifor(true));
    }

    /// <summary>Writes the bytes in order; stops at the first one the UART does not take in time.</summary>
    public static bool TryWrite(Uart16550<TBus> uart, ReadOnlySpan<byte> bytes)
    {
        foreach (byte value in bytes)
        {
            if (!TryWrite(uart, value))
                return false;
        }
        return true;
    }

    /// <summary>Waits for room in the transmitter, with a bound: a dead UART must not hang us.</summary>
    public static bool TryWrite(Uart16550<TBus> uart, byte value)
    {
        for (int poll = 0; poll < TransmitTimeoutPolls; poll++)
        {
            if (uart.Lsr.Read().Thre)
            {
                uart.Thr.Write(Uart16550.Thr.Zero.WithData(value));
                return true;
            }
        }
        return false;
    }
}
