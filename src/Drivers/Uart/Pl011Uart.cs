using Unikernel.Drivers.Bus;

namespace Unikernel.Drivers.Uart;

/// <summary>
/// ARM's PL011 UART, the console of QEMU's virt machine (0x09000000). Polled output only;
/// QEMU needs no set-up. (ARM PrimeCell UART (PL011) TRM, section 3.3.)
/// </summary>
public static class Pl011Uart<TBus> where TBus : IMmio
{
    private const nuint Data = 0x00;                // UARTDR
    private const nuint Flags = 0x18;               // UARTFR
    private const uint FlagsTransmitFull = 1u << 5; // TXFF
    private const int TransmitTimeoutPolls = 1_000_000;

    public static bool TryWrite(nuint @base, byte value)
    {
        for (int poll = 0; poll < TransmitTimeoutPolls; poll++)
        {
            if ((TBus.Read32(@base + Flags) & FlagsTransmitFull) == 0)
            {
                TBus.Write32(@base + Data, value);
                return true;
            }
        }
        return false;
    }
}
