using Unikernel.Drivers.Bus;
using Unikernel.Hardware;

namespace Unikernel.Drivers.Uart;

/// <summary>
/// ARM's PL011 UART, the console of QEMU's virt machine, through the accessors generated
/// from hardware/blocks/pl011.yaml. Polled output; QEMU needs no set-up. (PL011 TRM 3.3.)
/// </summary>
public static class Pl011Uart<TBus> where TBus : IMmio
{
    private const int TransmitTimeoutPolls = 1_000_000;

    /// <summary>Writes the bytes in order; stops at the first one the UART does not take in time.</summary>
    public static bool TryWrite(Pl011<TBus> uart, ReadOnlySpan<byte> bytes)
    {
        foreach (byte value in bytes)
        {
            if (!TryWrite(uart, value))
                return false;
        }
        return true;
    }

    /// <summary>Waits for room in the transmit FIFO, with a bound: a dead UART must not hang us.</summary>
    public static bool TryWrite(Pl011<TBus> uart, byte value)
    {
        for (int poll = 0; poll < TransmitTimeoutPolls; poll++)
        {
            if (!uart.Uartfr.Read().Txff)
            {
                uart.Uartdr.Write(Pl011.Uartdr.Zero.WithData(value));
                return true;
            }
        }
        return false;
    }
}
