using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Console;
using Unikernel.Drivers.Uart;

namespace Unikernel.Boot;

/// <summary>
/// Xunlong Orange Pi PC: Allwinner H3, four Cortex-A7 (ARMv7). The console is UART0, a 16550
/// at 0x01C28000 clocked from the 24 MHz oscillator (address written by hand until the
/// register generator supplies it from hardware/h3.yaml).
/// </summary>
internal struct Board : IConsole
{
    public const string Name = "orangepi-pc";
    public const string Soc = "Allwinner H3";
    public const string Cpu = "Cortex-A7 (ARMv7-A, Thumb-2)";
    private const nuint ConsoleUart = 0x01C28000;
    private const uint ConsoleDivisor = 13; // 24 MHz / 16 / 13 = 115384 baud, 0.16% off 115200

    public static void Initialize() => Ns16550Uart<DirectMmio>.Initialize(ConsoleUart, ConsoleDivisor);

    public static void Write(ReadOnlySpan<byte> bytes)
    {
        foreach (byte value in bytes)
        {
            if (!Ns16550Uart<DirectMmio>.TryWrite(ConsoleUart, value))
                return;
        }
    }
}
