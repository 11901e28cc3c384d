using Unikernel.Boot.Image;
using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Clocks;
using Unikernel.Drivers.Ethernet;
using Unikernel.Drivers.Interrupts;
using Unikernel.Drivers.Memory;
using Unikernel.Drivers.Uart;
using Unikernel.Hardware;
using Unikernel.Platform;
using BoardFile = Unikernel.Hardware.Boards.OrangepiPc;

namespace Unikernel.Boot;

/// <summary>Xunlong Orange Pi PC: Allwinner H3, Cortex-A7. Console: UART0, a 16550 (hardware/boards/orangepi-pc.yaml).</summary>
internal partial struct Board : IFirstStageBoard
{
    public static ReadOnlySpan<byte> Name => BoardFile.NameUtf8;
    public static ReadOnlySpan<byte> Soc => "Allwinner H3"u8;
    public static ReadOnlySpan<byte> Cpu => "Cortex-A7 (ARMv7-A, Thumb-2)"u8;

    private static Uart16550<DirectMmio> Console => H3<DirectMmio>.Uart0;

    /// <summary>
    /// The generic timer's frequency first (the boot ROM leaves CNTFRQ unset), then the console:
    /// UART0's clock opened and its divisor from the APB2 rate the CCU is set to.
    /// </summary>
    public static void Initialize()
    {
        GenericTimer.SetFrequency(BoardFile.Timer.FrequencyHz);
        uint apb2 = H3UartClock.EnableUart0(H3<DirectMmio>.Ccu);
        Ns16550Uart<DirectMmio>.Initialize(Console, Ns16550Uart<DirectMmio>.Divisor(apb2, BoardFile.Console.Baud));
    }

    public static void Write(ReadOnlySpan<byte> bytes) => Ns16550Uart<DirectMmio>.TryWrite(Console, bytes);

    /// <summary>
    /// The second stage's bring-up: DRAM is up already (the first stage trained it and detected
    /// its size; the controller's configuration says how much there is).
    /// </summary>
    public static bool BringUp(out AddressRange dram)
    {
        ulong size = Dram.ConfiguredSizeBytes();
        dram = new AddressRange(BoardFile.Memory.Dram.Base, size);
        StatusLine<Board>.Ok("DRAM "u8);
        ConsoleText<Board>.WriteDecimal(size >> 20);
        ConsoleText<Board>.WriteLine(" MiB (as the first stage detected it)"u8);
        EnableMmu(size);
        return true;
    }

    /// <summary>
    /// The last section of the bootloader's RAM slice (unused by .bss, heap and stack), mapped
    /// uncached for device DMA: 16-byte EMAC descriptors share 64-byte cache lines, so cleaning one
    /// by address could write stale neighbours over what the DMA wrote.
    /// </summary>
    public static nuint DmaRegion => (Kernel.Image.RamEnd - (nuint)Mmu.Granule) & ~(nuint)(Mmu.Granule - 1);

    /// <summary>Identity map: SRAM and DRAM cacheable (write-back), the DMA section uncached, everything else device memory.</summary>
    private static void EnableMmu(ulong dramSize)
    {
        if (DmaRegion < Kernel.Image.StackTop)
            Kernel.Panic("the bootloader's RAM slice leaves no section for DMA"u8);
        Span<MemoryRegion> regions = stackalloc MemoryRegion[3];
        // The first section holds only SRAM (A1, A2, C) and the boot ROM (H3 manual 4.1): all of it normal memory.
        regions[0] = new MemoryRegion(BoardFile.Memory.SramA1.Base, Mmu.Granule, MemoryKind.Normal);
        regions[1] = new MemoryRegion(BoardFile.Memory.Dram.Base, dramSize, MemoryKind.Normal);
        regions[2] = new MemoryRegion(DmaRegion, Mmu.Granule, MemoryKind.NormalUncached);
        BoardMmu.Enable(regions);
    }

    /// <summary>The main loop's periodic duty: none here (QEMU 7.2's H3 has no watchdog model to feed).</summary>
    public static void Service()
    {
    }

    /// <summary>Never: <see cref="Service"/> has nothing to do.</summary>
    public static long ServiceDueAt => long.MaxValue;

    /// <summary>The H3's GIC-400 (hardware/h3.yaml).</summary>
    public static GicV2<DirectMmio> Gic => new(H3<DirectMmio>.Gicd, H3<DirectMmio>.Gicc);

    /// <summary>After a failed bring-up step (its status line printed): halt, so the line stays on the console.</summary>
    public static void AfterFatalError()
    {
    }

    /// <summary>Writes the caches back and turns the MMU off (Linux's boot protocol), and jumps to a loaded kernel (the Ethernet DMA stopped by the caller).</summary>
    public static void StartKernel(nuint load, nuint length, nuint entry)
    {
        Mmu.DisableAndClean();
        ConsoleText<Board>.Write("netboot: starting the kernel at 0x"u8);
        ConsoleText<Board>.WriteHex(entry, 8);
        ConsoleText<Board>.WriteLine();
        LoadedProgram.Jump(entry);
    }
}
