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
/// the GIC, raises its wake-up flag; the core sleeps in wfi between. Between "runtime probe: begin" and "runtime probe: end" the
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
        var scheduler = SchedulerDemo<Board, GenericTimerClock, TimerIdle>.Start(Core, DeadlineTimer.InterruptId);
        nuint before = Kernel.HeapUsed;
        ConsoleText<Board>.WriteLine("runtime probe: begin");
        SchedulerDemo<Board, GenericTimerClock, TimerIdle>.Run(scheduler);
        ConsoleText<Board>.WriteLine("runtime probe: end");
        ConsoleText<Board>.Write("heap used by the run ");
        ConsoleText<Board>.WriteDecimal(Kernel.HeapUsed - before);
        ConsoleText<Board>.WriteLine();
    }

    /// <summary>
    /// The physical timer becomes the idle hook's one-shot deadline timer (<see cref="DeadlineTimer"/>,
    /// which stops the board's tick), the GIC set up afresh with its dispatch as the IRQ handler
    /// (the dispatch raises each interrupt's wake-up flag), and IRQs on.
    /// </summary>
    private static void TakeTimer()
    {
        Interrupts.Disable();
        GicV2<DirectMmio> gic = Gic;
        gic.Initialize();
        if (!DeadlineTimer.Start(gic))
            Kernel.Panic("scheduler probe: the GIC does not manage the timer's interrupt"u8);
        Interrupts.SetHandler(&DispatchInterrupts);
        Interrupts.Enable();
    }

    private static void DispatchInterrupts() => Gic.DispatchPending();

    /// <summary>
    /// Sleeps in <c>wfi</c> until the deadline or an interrupt, with IRQs masked while it decides:
    /// if the core's raise count moved since the scheduler looked, an interrupt came in between
    /// and it returns at once.
    /// </summary>
    private struct TimerIdle : IIdle
    {
        public static void Sleep(int core, long deadline, uint raised)
        {
            Interrupts.Disable();
            if (InterruptWakeups.Raised(core) == raised)
                DeadlineTimer.Sleep(deadline); // the scheduler's NoDeadline is long.MaxValue, DeadlineTimer's "none" too
            Interrupts.Enable();
        }
    }
}
