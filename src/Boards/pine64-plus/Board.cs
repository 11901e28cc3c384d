using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Uart;
using Unikernel.Hardware;
using Unikernel.Platform;
using BoardFile = Unikernel.Hardware.Boards.Pine64Plus;

namespace Unikernel.Boot;

/// <summary>Pine64+: Allwinner A64, Cortex-A53 (AArch64). Console: UART0, a 16550 (hardware/boards/pine64-plus.yaml).</summary>
internal partial struct Board : IFirstStageBoard
{
    public static ReadOnlySpan<byte> Name => BoardFile.NameUtf8;
    public static ReadOnlySpan<byte> Soc => "Allwinner A64"u8;
    public static ReadOnlySpan<byte> Cpu => "Cortex-A53 (AArch64, EL3)"u8;

    private static Uart16550<DirectMmio> Console => A64<DirectMmio>.Uart0;

    /// <summary>The generic timer's frequency first (the boot ROM leaves CNTFRQ unset), then the console.</summary>
    public static void Initialize()
    {
        GenericTimer.SetFrequency(BoardFile.Timer.FrequencyHz);
        Ns16550Uart<DirectMmio>.Initialize(Console, Ns16550Uart<DirectMmio>.Divisor(BoardFile.Console.ClockHz, BoardFile.Console.Baud));
    }

    public static void Write(ReadOnlySpan<byte> bytes) => Ns16550Uart<DirectMmio>.TryWrite(Console, bytes);
}
