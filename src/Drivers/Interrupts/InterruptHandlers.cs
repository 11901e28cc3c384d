using System.Runtime.CompilerServices;
using System.Threading;

namespace Unikernel.Drivers.Interrupts;

/// <summary>
/// One handler per interrupt ID, a plain function pointer (no delegates, no arrays of references
/// on bare metal), in a fixed table. An interrupt with no handler is counted, not fatal.
/// </summary>
public static unsafe class InterruptHandlers
{
    /// <summary>
    /// The IDs the table holds: 32 SGIs and PPIs and 128 SPIs, what the GIC-400 register arrays
    /// in hardware/blocks/gic-400-distributor.yaml cover (QEMU's orangepi-pc builds 160, the A64
    /// uses SPIs up to 124).
    /// </summary>
    public const int Capacity = 160;

    private static HandlerTable s_handlers;
    private static uint s_unhandled;

    /// <summary>Interrupts dispatched with no handler for them.</summary>
    public static uint Unhandled => Volatile.Read(ref s_unhandled);

    /// <summary>The ID of the last interrupt that had no handler.</summary>
    public static uint LastUnhandled { get; private set; }

    /// <summary>Sets the handler of <paramref name="id"/>; false if the ID is beyond the table.</summary>
    public static bool Register(uint id, delegate*<uint, void> handler)
    {
        if (id >= Capacity)
            return false;
        s_handlers[(int)id] = (nint)handler;
        return true;
    }

    public static void Unregister(uint id)
    {
        if (id < Capacity)
            s_handlers[(int)id] = 0;
    }

    public static bool IsRegistered(uint id) => id < Capacity && s_handlers[(int)id] != 0;

    /// <summary>Calls the handler of <paramref name="id"/> with the ID; false (and counted) when there is none.</summary>
    public static bool Dispatch(uint id)
    {
        nint handler = id < Capacity ? s_handlers[(int)id] : 0;
        if (handler == 0)
        {
            s_unhandled++;
            LastUnhandled = id;
            return false;
        }
        ((delegate*<uint, void>)handler)(id);
        return true;
    }

    /// <summary>Every handler removed and the counters zeroed.</summary>
    public static void Clear()
    {
        for (int i = 0; i < Capacity; i++)
            s_handlers[i] = 0;
        s_unhandled = 0;
        LastUnhandled = 0;
    }

    [InlineArray(Capacity)]
    private struct HandlerTable
    {
        private nint _first;
    }
}
