using System.Runtime;
using System.Threading;
using Unikernel.Boot;
using Unikernel.Drivers.Interrupts;
using Unikernel.Drivers.Timer;
using Unikernel.Platform;

namespace Unikernel.Tests.Images;

/// <summary>
/// Interrupt latency, deadline to handler: the generic timer's physical timer is armed
/// <see cref="Samples"/> times a short way ahead (one-shot, <see cref="PhysicalTimer"/>), and
/// its handler, reached through the IRQ vector and the GIC's dispatch, records the counter
/// minus the compare value: how long after the deadline the handler ran. Once with the core
/// asleep in WFI, once spinning with IRQs on; then the board's SoC timer where it has one
/// (<see cref="LatencyProbeBoard.MeasureSocTimer"/>). Prints one line a measurement
/// (<see cref="LatencySamples.Report"/>).
/// <para>Sleeping follows the one pattern that loses no wake-up: IRQs masked, check, WFI
/// (which wakes on a pending interrupt even while masked), unmask to take it, mask, check
/// again.</para>
/// </summary>
internal static unsafe class Program
{
    public const int Samples = 1000;

    /// <summary>How far ahead each deadline is set: 200 µs, so the probe waits, not only dispatches.</summary>
    private const uint DeadlineMicroseconds = 200;

    private static ulong s_compare;
    private static uint s_latency;
    private static uint s_fired;

    [RuntimeExport("__unikernel_main")]
    private static void Main()
    {
        Board.Initialize();
        ConsoleText<Board>.WriteLine("latency probe: begin");
        var gic = LatencyProbeBoard.Gic;
        ProbeLines<Board>.Line("gic-lines", gic.Initialize());
        Interrupts.SetHandler(&Dispatch);
        // qemu-virt's Board.Initialize runs the demo tick on this timer: its handler is replaced
        // here, and each deadline below rewrites the compare value, so the tick stops.
        InterruptHandlers.Register(TickTimer.SecurePhysicalTimerId, &OnDeadline);
        gic.Enable(TickTimer.SecurePhysicalTimerId);

        Span<uint> samples = stackalloc uint[Samples];
        uint hertz = GenericTimer.Frequency;
        MeasureGenericTimer(samples, hertz, sleep: true);
        LatencySamples.Report("generic-timer-wfi", samples, hertz);
        MeasureGenericTimer(samples, hertz, sleep: false);
        LatencySamples.Report("generic-timer-spin", samples, hertz);
        LatencyProbeBoard.MeasureSocTimer(gic, samples);
        ProbeLines<Board>.Line("unhandled", InterruptHandlers.Unhandled);
        ConsoleText<Board>.WriteLine("latency probe: end");
    }

    private static void Dispatch() => LatencyProbeBoard.Gic.DispatchPending();

    private static void MeasureGenericTimer(Span<uint> samples, uint hertz, bool sleep)
    {
        ulong ahead = (ulong)hertz * DeadlineMicroseconds / 1_000_000;
        for (int i = 0; i < samples.Length; i++)
        {
            Interrupts.Disable();
            uint fired = Volatile.Read(ref s_fired);
            s_compare = GenericTimer.Counter + ahead;
            PhysicalTimer.SetCompare(s_compare);
            PhysicalTimer.SetControl(PhysicalTimer.Enabled);
            if (sleep)
            {
                WaitWithInterruptsMasked(ref s_fired, fired);
            }
            else
            {
                Interrupts.Enable();
                while (Volatile.Read(ref s_fired) == fired)
                {
                }
            }
            Interrupts.Disable();
            samples[i] = s_latency;
        }
        Interrupts.Enable();
    }

    /// <summary>Sleeps until <paramref name="counter"/> moves from <paramref name="seen"/>; returns with IRQs masked.</summary>
    public static void WaitWithInterruptsMasked(ref uint counter, uint seen)
    {
        while (Volatile.Read(ref counter) == seen)
        {
            Interrupts.Wait();
            Interrupts.Enable();
            Interrupts.Disable();
        }
    }

    /// <summary>The deadline's handler: how late it runs, then the timer off (its level drops).</summary>
    private static void OnDeadline(uint id)
    {
        ulong now = GenericTimer.Counter;
        PhysicalTimer.SetControl(0);
        s_latency = (uint)(now - s_compare);
        Volatile.Write(ref s_fired, s_fired + 1);
    }
}
