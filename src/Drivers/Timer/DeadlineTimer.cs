using System.Threading;
using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Interrupts;
using Unikernel.Platform;

namespace Unikernel.Drivers.Timer;

/// <summary>
/// A one-shot deadline on the generic timer's physical timer of our security state
/// (<see cref="PhysicalTimer"/>), tickless: armed for the one moment something is due, it
/// interrupts once and turns itself off. With <see cref="Sleep"/>, a main loop sleeps until its
/// next deadline or any other interrupt. It shares the timer with <see cref="TickTimer"/>: a
/// program uses one or the other.
/// </summary>
public static unsafe class DeadlineTimer
{
    private static uint s_expirations;

    /// <summary>The timer's PPI, as for <see cref="TickTimer"/>: we run secure on both architectures.</summary>
    public static uint InterruptId => TickTimer.SecurePhysicalTimerId;

    /// <summary>Deadlines that came (the interrupt taken) since <see cref="Start"/>.</summary>
    public static uint Expirations => Volatile.Read(ref s_expirations);

    /// <summary>
    /// Timer off, handler registered, its PPI enabled at the GIC. Interrupts must be enabled
    /// (or <see cref="Sleep"/> used) for a deadline to be taken. False if the GIC does not manage the PPI.
    /// </summary>
    public static bool Start<TBus>(GicV2<TBus> gic) where TBus : IMmio
    {
        PhysicalTimer.SetControl(0);
        s_expirations = 0;
        if (!InterruptHandlers.Register(InterruptId, &OnExpired))
            return false;
        return gic.Enable(InterruptId);
    }

    /// <summary>The counter value at which <see cref="GenericTimer.Milliseconds"/> reaches <paramref name="milliseconds"/>.</summary>
    public static ulong CounterAt(long milliseconds) => (ulong)milliseconds * (GenericTimer.Frequency / 1000);

    /// <summary>Interrupts once when the counter reaches <paramref name="counter"/> (at once if it has); replaces an armed deadline.</summary>
    public static void Arm(ulong counter)
    {
        PhysicalTimer.SetCompare(counter);
        PhysicalTimer.SetControl(PhysicalTimer.Enabled);
    }

    /// <summary>No deadline: the timer off, its interrupt (level, from the timer) dropped.</summary>
    public static void Cancel() => PhysicalTimer.SetControl(0);

    /// <summary>
    /// With IRQs masked: sleeps (WFI) until an interrupt is pending or the clock reaches
    /// <paramref name="milliseconds"/> (<see cref="long.MaxValue"/>: no deadline), then unmasks
    /// for a moment so the handlers take whatever woke it, and masks again. The caller looked
    /// for work with IRQs masked and armed its devices' interrupts first, so an event after the
    /// look wakes the sleep instead of being missed. Returns early on any interrupt: the
    /// caller looks again.
    /// </summary>
    public static void Sleep(long milliseconds)
    {
        if (milliseconds != long.MaxValue)
            Arm(CounterAt(milliseconds));
        Platform.Interrupts.Wait();
        Platform.Interrupts.Enable();
        Platform.Interrupts.Disable();
        Cancel();
    }

    private static void OnExpired(uint id)
    {
        s_expirations++;
        // Off, so the level-triggered interrupt drops before the GIC's end of interrupt.
        PhysicalTimer.SetControl(0);
    }
}
