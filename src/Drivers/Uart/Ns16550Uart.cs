using Unikernel.Drivers.Bus;

namespace Unikernel.Drivers.Uart;

/// <summary>
/// The 16550-compatible UART of Allwinner SoCs (H3, A64: UART0 at 0x01C28000), registers
/// 4 bytes apart. Polled output only. Offsets and bits are written by hand until the
/// register generator supplies them (Allwinner H3 user manual, section 8.4 "UART").
/// </summary>
public static class Ns16550Uart<TBus> where TBus : IMmio
{
    private const nuint TransmitHolding = 0x00;      // THR (DLAB = 0)
    private const nuint DivisorLatchLow = 0x00;      // DLL (DLAB = 1)
    private const nuint DivisorLatchHigh = 0x04;     // DLH (DLAB = 1)
    private const nuint FifoControl = 0x08;          // FCR
    private const nuint LineControl = 0x0C;          // LCR
    private const nuint LineStatus = 0x14;           // LSR
    private const uint LineControlDivisorLatch = 1u << 7;
    private const uint LineControlEightBits = 0b11;
    private const uint FifoEnableAndReset = 0b111;
    private const uint LineStatusTransmitEmpty = 1u << 5; // THRE
    private const int TransmitTimeoutPolls = 1_000_000;

    /// <summary>8N1 at the divisor's rate (clock / 16 / divisor), FIFOs on.</summary>
    public static void Initialize(nuint @base, uint divisor)
    {
        TBus.Write32(@base + LineControl, LineControlDivisorLatch | LineControlEightBits);
        TBus.Write32(@base + DivisorLatchLow, divisor & 0xFF);
        TBus.Write32(@base + DivisorLatchHigh, (divisor >> 8) & 0xFF);
        TBus.Write32(@base + LineControl, LineControlEightBits);
        TBus.Write32(@base + FifoControl, FifoEnableAndReset);
    }

    /// <summary>Waits for room in the transmitter, with a bound: a dead UART must not hang us.</summary>
    public static bool TryWrite(nuint @base, byte value)
    {
        for (int poll = 0; poll < TransmitTimeoutPolls; poll++)
        {
            if ((TBus.Read32(@base + LineStatus) & LineStatusTransmitEmpty) != 0)
            {
                TBus.Write32(@base + TransmitHolding, value);
                return true;
            }
        }
        return false;
    }
}
