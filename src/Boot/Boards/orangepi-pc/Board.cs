using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Console;
using Unikernel.Drivers.Uart;
using Unikernel.Hardware;
using BoardFile = Unikernel.Hardware.Boards.OrangepiPc;

namespace Unikernel.Boot;

/// <summary>Xunlong Orange Pi PC: Allwinner H3, Cortex-A7. Console: UART0, a 16550 (hardware/boards/orangepi-pc.yaml).</summary>
internal struct Board : IConsole
{
    public const string Name = BoardFile.Name;
    public const string Soc = "Allwinner H3";
    public const string Cpu = "Cortex-A7 (ARMv7-A, Thumb-2)";

    private static Uart16550<DirectMmio> Console => H3<DirectMmio>.Uart0;

    /// <summary>The generic timer's frequency first (the boot ROM leaves CNTFRQ unset), then the console.</summary>
    public static void Initialize()
    {
        GenericTimer.SetFrequency(BoardFile.Timer.FrequencyHz);
        Ns16550Uart<DirectMmio>.Initialize(Console, Ns16550Uart<DirectMmio>.Divisor(BoardFile.Console.ClockHz, BoardFile.Console.Baud));
    }

    public static void Write(ReadOnlySpan<byte> bytes) => Ns16550Uart<DirectMmio>.TryWrite(Console, bytes);
}
