using Unikernel.Boot.Image;
using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Dram;
using Unikernel.Drivers.Ethernet;
using Unikernel.Drivers.Memory;
using Unikernel.Drivers.Watchdog;
using Unikernel.Hardware;
using Unikernel.Platform;
using BoardFile = Unikernel.Hardware.Boards.Pine64Plus;

namespace Unikernel.Boot;

/// <summary>What the netboot program (src/Boot/Program.cs) asks of this board.</summary>
internal partial struct Board
{
    /// <summary>
    /// The second stage's bring-up: DRAM is up already (the first stage trained it); how much
    /// there is comes from the controller's configuration, then the MMU and caches go on with an
    /// uncached section for the Ethernet rings.
    /// </summary>
    public static bool BringUp(out AddressRange dram)
    {
        ulong size = ConfiguredDramBytes();
        dram = new AddressRange(BoardFile.Memory.Dram.Base, size);
        StatusLine<Board>.Ok("DRAM "u8);
        ConsoleText<Board>.WriteDecimal(size >> 20);
        ConsoleText<Board>.WriteLine(" MiB (as the first stage configured it)"u8);
        EnableMmu(size);
        // The PHY's rail (AXP803 DC1SW) is on since the first stage (Pine64PlusPmic.BringUp).
        BringUpSoc();
        return true;
    }

    /// <summary>
    /// The size MCTL_CR describes: the A64's DRAM controller is the H3's (U-Boot
    /// arch/arm/mach-sunxi/dram_sunxi_dw.c serves both, mctl_set_cr writes one layout), so the H3
    /// driver's reading applies; its clock type parameter is not used by the read. Never more than
    /// the board's DRAM window (hardware/boards/pine64-plus.yaml), which is also the A64's 2 GiB
    /// limit (A64 user manual 3.1).
    /// </summary>
    private static ulong ConfiguredDramBytes()
    {
        var controller = new DramController<DirectMmio, GenericTimerClock, A64DramClock<DirectMmio, GenericTimerClock>>(
            A64<DirectMmio>.Dramcom, A64<DirectMmio>.Dramctl0, A64<DirectMmio>.Sysctl);
        ulong size = controller.ConfiguredSizeBytes();
        return size < BoardFile.Memory.Dram.Size ? size : BoardFile.Memory.Dram.Size;
    }

    /// <summary>
    /// The last 2 MiB block of the second stage's RAM slice (unused by .bss, heap and stack), mapped
    /// uncached for device DMA: 16-byte EMAC descriptors share 64-byte cache lines, so cleaning one
    /// by address could write stale neighbours over what the DMA wrote.
    /// </summary>
    public static nuint DmaRegion => (Kernel.Image.RamEnd - (nuint)Mmu.Granule) & ~(nuint)(Mmu.Granule - 1);

    /// <summary>
    /// Identity map with 2 MiB blocks (src/Drivers/Memory/BlockTable.cs): the first block (boot ROM
    /// and SRAM A1, C, A2; A64 user manual 3.1) and DRAM cacheable, the DMA block uncached,
    /// everything else (peripherals) device memory.
    /// </summary>
    private static void EnableMmu(ulong dramSize)
    {
        if (DmaRegion < Kernel.Image.StackTop)
            Kernel.Panic("the bootloader's RAM slice leaves no block for DMA"u8);
        Span<MemoryRegion> regions = stackalloc MemoryRegion[3];
        regions[0] = new MemoryRegion(BoardFile.Memory.SramA1.Base, BoardFile.Memory.SramA1.Size, MemoryKind.Normal).RoundedOut(Mmu.Granule);
        regions[1] = new MemoryRegion(BoardFile.Memory.Dram.Base, dramSize, MemoryKind.Normal);
        regions[2] = new MemoryRegion(DmaRegion, Mmu.Granule, MemoryKind.NormalUncached);
        BoardMmu.Enable(regions);
    }

    /// <summary>Disarms the watchdog, writes the caches back and turns the MMU off (Linux's boot protocol), and jumps to a loaded kernel (the Ethernet DMA stopped by the caller).</summary>
    public static void StartKernel(nuint load, nuint length, nuint entry)
    {
        // The kernel owns the watchdog from here (Linux's sunxi_wdt starts it disarmed too).
        Sun6iWatchdog<DirectMmio, GenericTimerClock>.Disarm(A64<DirectMmio>.Timer);
        Mmu.DisableAndClean();
        ConsoleText<Board>.Write("netboot: starting the kernel at 0x"u8);
        ConsoleText<Board>.WriteHex(entry, 8);
        ConsoleText<Board>.WriteLine();
        LoadedProgram.Jump(entry);
    }
}
