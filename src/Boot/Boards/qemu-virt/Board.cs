using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Console;
using Unikernel.Drivers.Uart;
using Unikernel.Hardware;
using BoardFile = Unikernel.Hardware.Boards.QemuVirt;

namespace Unikernel.Boot;

/// <summary>QEMU virt, Cortex-A53 at EL3. Console: the PL011 UART0 (hardware/boards/qemu-virt.yaml).</summary>
internal partial struct Board : IConsole
{
    public const string Name = BoardFile.Name;
    public const string Soc = "QEMU virt";
    public const string Cpu = "Cortex-A53 (AArch64, EL3)";

    private static Pl011<DirectMmio> Console => QemuVirt<DirectMmio>.Uart0;

    public static void Initialize() { }

    public static void Write(ReadOnlySpan<byte> bytes) => Pl011Uart<DirectMmio>.TryWrite(Console, bytes);
}
