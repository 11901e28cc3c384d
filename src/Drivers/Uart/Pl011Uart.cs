using Unikernel.Drivers.Bus;
using Unikernel.Hardware;

namespace Unikernel.Drivers.Uart;

/// <summary>
/// ARM's PL011 UART, the console of QEMU's virt machine, through the accessors generated
/// from hardware/blocks/pl011.yaml. Polled output; QEMU needs no set-up. Input polled or by the
/// receive interrupt (UARTIMSC RXIM and RTIM, cleared in UARTICR; PL011 TRM 3.3.10-3.3.13; the
/// interrupt ID is the SoC's, <c>QemuVirt.Uart0.Irq</c>).
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

    /// <summary>Raises the UART's interrupt when the receive FIFO reaches its level (RXIM) or holds data that has waited (RTIM, receive timeout).</summary>
    public static void EnableReceiveInterrupt(Pl011<TBus> uart) =>
        uart.Uartimsc.Write(uart.Uartimsc.Read().WithRxim(true).WithRtim(true));

    /// <summary>No receive interrupt (RXIM and RTIM masked); the other sources as they were.</summary>
    public static void DisableReceiveInterrupt(Pl011<TBus> uart) =>
        uart.Uartimsc.Write(uart.Uartimsc.Read().WithRxim(false).WithRtim(false));

    /// <summary>A received byte, if one is waiting (UARTFR.RXFE clear, then UARTDR).</summary>
    public static bool TryRead(Pl011<TBus> uart, out byte value)
    {
        value = 0;
        if (uart.Uartfr.Read().Rxfe)
            return false;
        value = (byte)uart.Uartdr.Read().Data;
        return true;
    }

    /// <summary>
    /// What the interrupt handler calls: true if a receive interrupt was pending (UARTMIS RXMIS
    /// or RTMIS), which is then cleared in UARTICR. The receive level condition comes back while
    /// the FIFO stays above its level: drain it with <see cref="TryRead"/>.
    /// </summary>
    public static bool AcknowledgeReceiveInterrupt(Pl011<TBus> uart)
    {
        var pending = uart.Uartmis.Read();
        if (!pending.Rxmis && !pending.Rtmis)
            return false;
        uart.Uarticr.Write(Pl011.Uarticr.Zero.WithRxic(pending.Rxmis).WithRtic(pending.Rtmis));
        return true;
    }
}
