using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Interrupts;
using Unikernel.Drivers.Memory;
using Unikernel.Drivers.Timer;
using Unikernel.Drivers.Uart;
using Unikernel.Hardware;
using Unikernel.Platform;
using BoardFile = Unikernel.Hardware.Boards.QemuVirt;

namespace Unikernel.Boot;

/// <summary>QEMU virt, Cortex-A53 at EL3. Console: the PL011 UART0 (hardware/boards/qemu-virt.yaml).</summary>
internal unsafe partial struct Board : IBoard
{
    public static ReadOnlySpan<byte> Name => BoardFile.NameUtf8;
    public static ReadOnlySpan<byte> Soc => "QEMU virt"u8;
    public static ReadOnlySpan<byte> Cpu => "Cortex-A53 (AArch64, EL3)"u8;

    /// <summary>The tick rate of the generic timer's interrupt.</summary>
    private const uint TickHertz = 100;

    /// <summary>How long the tick is watched at start-up, to report that it runs.</summary>
    private const long TickCheckMicroseconds = 50_000;

    private static Pl011<DirectMmio> Console => QemuVirt<DirectMmio>.Uart0;

    public static GicV2<DirectMmio> Gic => new(QemuVirt<DirectMmio>.Gicd, QemuVirt<DirectMmio>.Gicc);

    /// <summary>The test bench for the CPU code: MMU and caches, the GICv2 and a timer tick, each reported.</summary>
    public static void Initialize()
    {
        EnableMmu();
        StartTick();
    }

    public static void Write(ReadOnlySpan<byte> bytes) => Pl011Uart<DirectMmio>.TryWrite(Console, bytes);

    /// <summary>
    /// Flash (where the image runs) and RAM cacheable, the rest of the 4 GiB device memory. The
    /// tables go at the top of RAM, far from the image's 4 MiB, so the heap stays the program's.
    /// </summary>
    private static void EnableMmu()
    {
        Span<MemoryRegion> regions = stackalloc MemoryRegion[2];
        regions[0] = new MemoryRegion(BoardFile.Memory.Flash.Base, BoardFile.Memory.Flash.Size, MemoryKind.Normal);
        regions[1] = new MemoryRegion(BoardFile.Memory.Ram.Base, BoardFile.Memory.Ram.Size, MemoryKind.Normal);
        nuint tables = BoardFile.Memory.Ram.Base + (nuint)BoardFile.Memory.Ram.Size - (nuint)Mmu.TableMemoryLength;
        MmuStatus status = Mmu.Enable(new Span<byte>((void*)tables, Mmu.TableMemoryLength), regions);
        if (status == MmuStatus.Ok)
        {
            ConsoleText<Board>.WriteLine("[ OK ] MMU on, caches on"u8);
            return;
        }
        ConsoleText<Board>.Write("[FAIL] MMU: status "u8);
        ConsoleText<Board>.WriteDecimal((ulong)status);
        ConsoleText<Board>.WriteLine();
    }

    /// <summary>GIC set up, IRQs to its dispatch, then the tick started, counted for a moment and stopped.</summary>
    private static void StartTick()
    {
        GicV2<DirectMmio> gic = Gic;
        gic.Initialize();
        ConsoleText<Board>.Write("[ OK ] GICv2 "u8);
        ConsoleText<Board>.WriteDecimal(gic.ImplementedLines);
        ConsoleText<Board>.WriteLine(" interrupts"u8);
        Interrupts.SetHandler(&DispatchInterrupts);
        if (!TickTimer.Start(gic, TickHertz))
        {
            ConsoleText<Board>.WriteLine("[FAIL] timer tick"u8);
            return;
        }
        Interrupts.Enable();
        uint first = TickTimer.Ticks;
        GenericTimer.Delay(TickCheckMicroseconds);
        uint ticks = TickTimer.Ticks - first;
        ConsoleText<Board>.Write(ticks > 0 ? "[ OK ] timer tick " : "[FAIL] timer tick ");
        ConsoleText<Board>.WriteDecimal(TickHertz);
        ConsoleText<Board>.Write(" Hz ("u8);
        ConsoleText<Board>.WriteDecimal(ticks);
        ConsoleText<Board>.Write(" ticks in "u8);
        ConsoleText<Board>.WriteDecimal((ulong)(TickCheckMicroseconds / 1000));
        ConsoleText<Board>.WriteLine(" ms)"u8);
        // Checked; off again, IRQs masked: the timer is the program's (the netboot loop's
        // DeadlineTimer), and an idle board takes no interrupt 100 times a second.
        Interrupts.Disable();
        TickTimer.Stop(gic);
    }

    private static void DispatchInterrupts() => Gic.DispatchPending();
}
