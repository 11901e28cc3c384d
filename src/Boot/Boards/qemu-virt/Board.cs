using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Console;
using Unikernel.Drivers.Uart;

namespace Unikernel.Boot;

/// <summary>
/// QEMU's virt machine with a Cortex-A53 started at EL3 (<c>-M virt,secure=on -bios</c>).
/// The console is the PL011 at 0x09000000 (address written by hand until the register
/// generator supplies it from hardware/qemu-virt.yaml).
/// </summary>
internal struct Board : IConsole
{
    public const string Name = "qemu-virt";
    public const string Soc = "QEMU virt";
    public const string Cpu = "Cortex-A53 (AArch64, EL3)";
    private const nuint ConsoleUart = 0x09000000;

    public static void Initialize() { }

    public static void Write(ReadOnlySpan<byte> bytes)
    {
        foreach (byte value in bytes)
        {
            if (!Pl011Uart<DirectMmio>.TryWrite(ConsoleUart, value))
                return;
        }
    }
}
