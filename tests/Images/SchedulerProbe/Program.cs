using System.Runtime;
using Unikernel.Boot;
using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Interrupts;
using Unikernel.Drivers.Timer;
using Unikernel.Hardware;
using Unikernel.Platform;
using Unikernel.Platform.Scheduling;

namespace Unikernel.Tests.Images;

/// <summary>
/// The scheduler on qemu-virt's core 0 (SchedulerDemo.cs): the idle hook arms the generic
/// timer's physical timer for the earliest deadline, and the timer's interrupt, taken through
/// the GIC, raises its wake-up flag. Between "runtime probe: begin" and "runtime probe: end" the
/// lines must be those the host prints; after them, the heap used before and after the run.
/// </summary>
internal static unsafe class Program
{
    /// <summary>The only core this probe runs on: the boot core.</summary>
    private const int Core = 0;

    private static GicV2<DirectMmio> Gic => new(QemuVirt<DirectMmio>.Gicd, QemuVirt<DirectMmio>.Gicc);

    [RuntimeExport("__unikernel_main")]
    private static void Main()
    {
        Board.Initialize();
        TakeTimer();
        var scheduler = SchedulerDemo<Board, GenericTimerClock, TimerIdle>.Start(Core, TickTimer.InterruptId);
        nuint before = Kernel.HeapUsed;
        ConsoleText<Board>.WriteLine("runtime probe: begin");
        SchedulerDemo<Board, GenericTimerClock, TimerIdle>.Run(scheduler);
        ConsoleText<Board>.WriteLine("runtime probe: end");
        ConsoleText<Board>.Write("heap used by the run ");
        ConsoleText<Board>.WriteDecimal(Kernel.HeapUsed - before);
        ConsoleText<Board>.WriteLine();
    }

    /// <summary>
    /// The physical timer becomes the idle hook's one-shot deadline timer: stopped (the board's
    /// tick used it), its PPI sent to <see cref="OnTimer"/>, the GIC set up afresh and IRQs on.
    /// </summary>
    private static void TakeTimer()
    {
        Interrupts.Disable();
        PhysicalTimer.SetControl(0);
        GicV2<DirectMmio> gic = Gic;
        gic.Initialize();
        InterruptHandlers.Register(TickTimer.InterruptId, &OnTimer);
        gic.Enable(TickTimer.InterruptId);
        Interrupts.SetHandler(&DispatchInterrupts);
        Interrupts.Enable();
    }

    private static void DispatchInterrupts() => Gic.DispatchPending();

    /// <summary>The deadline passed: timer off (its level-triggered interrupt drops), the wake-up raised.</summary>
    private static void OnTimer(uint id)
    {
        PhysicalTimer.SetControl(0);
        InterruptWakeups.Raise(Core, id);
    }

    /// <summary>
    /// Sleeps until the deadline or an interrupt. No <c>wfi</c> yet (the idle primitive is
    /// another branch's): it waits with IRQs unmasked until the core's raise count moves, which
    /// also covers an interrupt taken after the scheduler looked.
    /// </summary>
    private struct TimerIdle : IIdle
    {
        public static void Sleep(int core, long deadline, uint raised)
        {
            if (deadline != Scheduler<GenericTimerClock, TimerIdle>.NoDeadline)
            {
                PhysicalTimer.SetCompare((ulong)deadline * (GenericTimer.Frequency / 1000));
                PhysicalTimer.SetControl(PhysicalTimer.Enabled);
            }
            while (InterruptWakeups.Raised(core) == raised)
            {
            }
        }
    }
}
