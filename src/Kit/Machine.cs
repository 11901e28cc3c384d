using Unikernel.Boot;
using Unikernel.Boot.Image;

namespace Unikernel.Kit;

/// <summary>
/// The kernel's first call: the board set up as the bootloader sets it up (its console, timer,
/// RAM, MMU and caches, and on the Pine64+ its SoC steps, each with a status line), then the
/// interrupt controller and the deadline timer the kit sleeps on, IRQs left masked: handlers run
/// while the kernel waits (<see cref="KernelClock.Sleep"/>, <see cref="KernelInterrupts.Wait"/>,
/// <see cref="KernelNetwork.WaitForWork"/>), never in the middle of its code, unless it unmasks
/// them (<see cref="KernelInterrupts.Unmask"/>).
/// </summary>
public static class Machine
{
    private static bool s_started;
    private static AddressRange s_memory;

    /// <summary>
    /// Brings the board up once (later calls return the first result at once). False after a
    /// failed step, its status line printed (on the Pine64+, the watchdog may then reboot the
    /// board). Cost: the board's bring-up, milliseconds; allocates the MMU tables once.
    /// </summary>
    public static bool Start()
    {
        if (s_started)
            return true;
        // The bootloader left the console set up; a kernel does not rely on it.
        Board.Initialize();
        if (!Board.BringUp(out s_memory))
            return false;
        if (!KernelInterrupts.Start())
            return false;
        s_started = true;
        return true;
    }

    /// <summary>True once <see cref="Start"/> has succeeded.</summary>
    public static bool IsStarted => s_started;

    /// <summary>The board's name as its board file gives it (<c>orangepi-pc</c>), UTF-8.</summary>
    public static ReadOnlySpan<byte> BoardName => Board.Name;

    /// <summary>The address the kernel's image starts at (where the bootloader loaded it).</summary>
    public static nuint ImageStart => Kernel.Image.ImageStart;

    /// <summary>The end of the kernel's own RAM (.bss, heap, stacks): memory from here to <see cref="MemoryEnd"/> is no one's.</summary>
    public static nuint RamEnd => Kernel.Image.RamEnd;

    /// <summary>The first byte of the board's RAM (DRAM on the Allwinner boards), once <see cref="Start"/> has run.</summary>
    public static ulong MemoryStart => s_memory.Start;

    /// <summary>One past the last byte of the board's RAM, once <see cref="Start"/> has run.</summary>
    public static ulong MemoryEnd => s_memory.Start + s_memory.Length;

    /// <summary>Bytes the bump allocator behind <c>new</c> has handed out so far: what the kernel allocated (never freed).</summary>
    public static nuint HeapUsed => Kernel.HeapUsed;
}
