using System.Runtime.CompilerServices;
using System.Threading;

namespace Unikernel.Platform.Scheduling;

/// <summary>
/// Which interrupts each core has taken since its tasks last woke for them: one pending flag per
/// interrupt ID and core, and per core a count of every raise (what the idle hook compares, so
/// an interrupt taken between the scheduler's last look and the hook's sleep is not lost). The
/// interrupt dispatch calls <see cref="Raise"/> for each interrupt it takes (after the ID's
/// handler, which quietens the device); the core's scheduler reads and clears the flags.
/// Static, in .bss: the IRQ path reaches it without a pointer, and it costs no allocation.
/// <para>Flags are bytes, not bits: setting one (the IRQ handler) and clearing it (the scheduler)
/// are single stores, with no read-modify-write for the other side to slip into (the corelib has
/// no atomics). One writer per core's count: that core's IRQ handler, which does not nest (the
/// vector runs it with IRQs masked, <see cref="Interrupts"/>). Nothing here is written from
/// another core: an interrupt is taken by the core it wakes.</para>
/// </summary>
public static class InterruptWakeups
{
    /// <summary>Cores with a set of flags: the four of the H3, the A64 and <c>virt -smp 4</c>.</summary>
    public const int Cores = 4;

    /// <summary>IDs per core: 32 SGIs and PPIs and 128 SPIs, as the GIC driver's handler table (InterruptHandlers.Capacity).</summary>
    public const uint Capacity = 160;

    private static PendingFlags s_pending;
    private static RaiseCounts s_raised;

    /// <summary>
    /// Interrupt <paramref name="id"/> was taken on <paramref name="core"/>: its flag set, the
    /// core's count moved on. Call it from that core's IRQ handler (or with IRQs masked); IDs or
    /// cores beyond the table are ignored (the dispatch counts those as unhandled already).
    /// </summary>
    public static void Raise(int core, uint id)
    {
        if ((uint)core >= Cores || id >= Capacity)
            return;
        Volatile.Write(ref s_pending[Index(core, id)], 1);
        ref uint raised = ref s_raised[core];
        Volatile.Write(ref raised, raised + 1);
    }

    /// <summary>Raises on <paramref name="core"/> so far: the idle hook sleeps only while it is still what the scheduler saw.</summary>
    public static uint Raised(int core) => (uint)core < Cores ? Volatile.Read(ref s_raised[core]) : 0;

    /// <summary>True while <paramref name="id"/> has been raised on <paramref name="core"/> and not yet taken.</summary>
    public static bool IsPending(int core, uint id) =>
        (uint)core < Cores && id < Capacity && Volatile.Read(ref s_pending[Index(core, id)]) != 0;

    /// <summary>Clears the flag before the woken task runs, so a raise during its poll wakes it again.</summary>
    internal static void Take(int core, uint id)
    {
        if ((uint)core < Cores && id < Capacity)
            Volatile.Write(ref s_pending[Index(core, id)], 0);
    }

    /// <summary>Every flag of <paramref name="core"/> cleared: a new scheduler starts with nothing pending.</summary>
    internal static void Clear(int core)
    {
        for (uint id = 0; id < Capacity; id++)
            Volatile.Write(ref s_pending[Index(core, id)], 0);
    }

    private static int Index(int core, uint id) => core * (int)Capacity + (int)id;

    [InlineArray(Cores * (int)Capacity)]
    private struct PendingFlags
    {
        private byte _first;
    }

    [InlineArray(Cores)]
    private struct RaiseCounts
    {
        private uint _first;
    }
}
