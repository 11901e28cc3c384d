using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Console;
using Unikernel.Drivers.Uart;

namespace Unikernel.Boot;

/// <summary>
/// Pine64+: Allwinner A64, four Cortex-A53 (AArch64 after the boot ROM's AArch32 start).
/// The console is UART0, a 16550 at 0x01C28000 clocked from the 24 MHz oscillator (address
/// written by hand until the register generator supplies it from hardware/a64.yaml).
/// </summary>
internal struct Board : IConsole
{
    public const string Name = "pine64-plus";
    public const string Soc = "Allwinner A64";
    public const string Cpu = "Cortex-A53 (AArch64, EL3)";
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
