using System.Threading;
using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Interrupts;
using Unikernel.Platform;

namespace Unikernel.Drivers.Timer;

/// <summary>
/// A periodic tick from the generic timer's physical timer of our security state
/// (<see cref="PhysicalTimer"/>): the compare value moves on by one period each tick, so ticks
/// do not drift with the handler's latency; a late handler skips the periods it missed.
/// </summary>
public static unsafe class TickTimer
{
    /// <summary>
    /// The GIC IDs of the timers' PPIs, fixed by the cores (Cortex-A7 MPCore and Cortex-A53 TRMs,
    /// generic timer interrupts; Linux sun8i-h3.dtsi and sun50i-a64.dtsi timer nodes: PPI 13 secure
    /// physical, PPI 14 non-secure physical; a PPI's ID is 16 + its number). Measured on QEMU's
    /// orangepi-pc: CNTP_* written in secure SVC raises ID 29, not 30.
    /// </summary>
    public const uint SecurePhysicalTimerId = 29;

    public const uint NonSecurePhysicalTimerId = 30;

    private static ulong s_period;
    private static ulong s_next;
    private static uint s_ticks;

    /// <summary>The timer's interrupt: we run secure on both architectures (secure SVC on ARMv7, EL3 on AArch64).</summary>
    public static uint InterruptId => SecurePhysicalTimerId;

    /// <summary>Ticks since <see cref="Start"/>.</summary>
    public static uint Ticks => Volatile.Read(ref s_ticks);

    /// <summary>Counter ticks per period.</summary>
    public static ulong Period => s_period;

    /// <summary>
    /// Ticks <paramref name="hertz"/> times a second from now: handler registered, timer armed,
    /// its PPI enabled at the GIC. Interrupts must be enabled for ticks to count. False if the
    /// rate is zero or above the counter's, or the GIC does not manage the PPI.
    /// </summary>
    public static bool Start<TBus>(GicV2<TBus> gic, uint hertz) where TBus : IMmio
    {
        uint frequency = GenericTimer.Frequency;
        if (hertz == 0 || hertz > frequency)
            return false;
        s_period = frequency / hertz;
        s_ticks = 0;
        if (!InterruptHandlers.Register(InterruptId, &OnTick))
            return false;
        s_next = GenericTimer.Counter + s_period;
        PhysicalTimer.SetCompare(s_next);
        PhysicalTimer.SetControl(PhysicalTimer.Enabled);
        return gic.Enable(InterruptId);
    }

    /// <summary>Timer off, PPI disabled, handler removed.</summary>
    public static void Stop<TBus>(GicV2<TBus> gic) where TBus : IMmio
    {
        PhysicalTimer.SetControl(0);
        gic.Disable(InterruptId);
        InterruptHandlers.Unregister(InterruptId);
    }

    private static void OnTick(uint id)
    {
        s_ticks++;
        s_next += s_period;
        ulong now = GenericTimer.Counter;
        if (s_next <= now)
            s_next = now + s_period;
        // A compare value in the future drops the timer's level-triggered interrupt.
        PhysicalTimer.SetCompare(s_next);
    }
}
