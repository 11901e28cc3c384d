using Unikernel.Drivers.Bus;
using Unikernel.Hardware;

namespace Unikernel.Drivers.Uart;

/// <summary>
/// The 16550-compatible UART of Allwinner SoCs (H3, A64), through the accessors generated
/// from hardware/blocks/uart-16550.yaml. Polled output; input polled or by its receive interrupt
/// (H3/A64 user manuals, "UART": IER, IIR; the interrupt ID is the SoC's, e.g. <c>H3.Uart0.Irq</c>).
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

    /// <summary>
    /// Raises the UART's interrupt when received data is waiting (IER.ERBFI; with FIFOs on also
    /// after a character timeout) or a receive error is flagged (IER.ELSI). Call after
    /// <see cref="Initialize"/>: IER shares its address with DLH and is reached only with LCR.DLAB = 0.
    /// </summary>
    public static void EnableReceiveInterrupt(Uart16550<TBus> uart) =>
        uart.Ier.Write(uart.Ier.Read().WithErbfi(true).WithElsi(true));

    /// <summary>No receive interrupt (ERBFI and ELSI off); the other sources as they were.</summary>
    public static void DisableReceiveInterrupt(Uart16550<TBus> uart) =>
        uart.Ier.Write(uart.Ier.Read().WithErbfi(false).WithElsi(false));

    /// <summary>A received byte, if one is waiting (LSR.DR, then RBR).</summary>
    public static bool TryRead(Uart16550<TBus> uart, out byte value)
    {
        value = 0;
        if (!uart.Lsr.Read().Dr)
            return false;
        value = (byte)uart.Rbr.Read().Data;
        return true;
    }

    /// <summary>
    /// What the interrupt handler calls: reads IIR and clears what reading can clear, by the
    /// source it names (the 16550's acknowledge is a read of the right register): a line status
    /// by reading LSR, the DesignWare UART's busy-detect by reading USR (Linux 8250_dw.c). Received
    /// data and a character timeout clear only as the FIFO is drained: the caller reads with
    /// <see cref="TryRead"/> until it returns false. Returns the source, NONE if there was none.
    /// </summary>
    public static Uart16550.Iir.IidValue AcknowledgeInterrupt(Uart16550<TBus> uart)
    {
        var source = uart.Iir.Read().Iid;
        if (source == Uart16550.Iir.IidValue.RxLineStatus)
            uart.Lsr.Read();
        else if (source == Uart16550.Iir.IidValue.BusyDetect)
            uart.Usr.Read();
        return source;
    }
}
