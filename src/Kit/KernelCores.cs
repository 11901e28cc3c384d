using Unikernel.Boot;
using Unikernel.Platform.Scheduling;

namespace Unikernel.Kit;

/// <summary>
/// The board's cores (four on every board): which one runs, starting the others, and a
/// cooperative scheduler per core (docs/scheduler.md). A started core runs its entry on a stack
/// of its own (the kernel layout's stack size), with the MMU and caches as core 0 has them and
/// its GIC CPU interface and deadline timer set, so it can sleep and take interrupts; when the
/// entry returns the core halts (on qemu-virt it goes back to the pen, on orangepi-pc to the
/// entry code's park, where the next program can start it again). Each core starts once.
/// </summary>
public static unsafe class KernelCores
{
    private static EntryTable s_entries;

    /// <summary>The cores the board has (and the entry code has stacks for).</summary>
    public static int Count => Board.CoreCount < Cpu.MaxCores ? Board.CoreCount : Cpu.MaxCores;

    /// <summary>The number of the core running this code (0 boots).</summary>
    public static int Current => Cpu.Core;

    /// <summary>
    /// Starts <paramref name="core"/> (1 to <see cref="Count"/> - 1) running
    /// <paramref name="entry"/>(core), and waits up to a second for it to report.
    /// <see cref="CoreStartStatus.Started"/>, or why not: <c>NoSuchCore</c> (core 0, beyond the
    /// board's, or a null entry), <c>AlreadyStarted</c>, <c>PowerOnFailed</c>, <c>Timeout</c>.
    /// Needs <see cref="Machine.Start"/>. Cost: core 0's data cache written back, then the
    /// board's power-on, about a millisecond.
    /// </summary>
    public static CoreStartStatus Start(int core, delegate*<int, void> entry)
    {
        if (entry == null || core <= 0 || core >= Count)
            return CoreStartStatus.NoSuchCore;
        if (Cpu.IsRunning(core))
            return CoreStartStatus.AlreadyStarted;
        s_entries.Entries[core] = (nuint)entry;
        return Cpu.Start<Board>(core, &Run);
    }

    /// <summary>True once <paramref name="core"/> has started (core 0 always).</summary>
    public static bool IsRunning(int core) => core == 0 || Cpu.IsRunning(core);

    /// <summary>
    /// A scheduler of up to <paramref name="capacity"/> (1-64) polled tasks for the calling core
    /// (docs/scheduler.md), idling in <c>wfi</c> until the earliest deadline or an interrupt
    /// (<see cref="KernelIdle"/>). Allocates its slots once; spawning and running allocate nothing.
    /// A capacity outside 1-64 panics.
    /// </summary>
    public static Scheduler<GenericTimerClock, KernelIdle> NewScheduler(int capacity) =>
        new Scheduler<GenericTimerClock, KernelIdle>(Cpu.Core, capacity);

    /// <summary>The new core: its interrupts set up, then the kernel's entry.</summary>
    private static void Run(int core)
    {
        KernelInterrupts.StartOnThisCore();
        var entry = (delegate*<int, void>)(nuint)s_entries.Entries[core];
        entry(core);
    }

    private struct EntryTable
    {
        public fixed ulong Entries[Cpu.MaxCores];
    }
}
