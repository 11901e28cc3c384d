using Unikernel.Boot;
using Unikernel.Drivers.Timer;
using Unikernel.Platform.Scheduling;

namespace Unikernel.Kit;

/// <summary>
/// Where a kernel's scheduler (<see cref="KernelCores.NewScheduler"/>) goes with no task ready:
/// <c>wfi</c> until the earliest deadline or an interrupt, IRQs masked while it decides and while
/// it sleeps (the handlers run as it wakes), so an interrupt after the scheduler looked is never
/// slept through. On core 0 it also runs the board's periodic duty (the Pine64+'s watchdog).
/// </summary>
public struct KernelIdle : IIdle
{
    /// <summary>Sleeps until <paramref name="deadline"/> (milliseconds; <see cref="long.MaxValue"/>: none) or an interrupt; at once if <paramref name="core"/>'s interrupt count moved from <paramref name="raised"/>.</summary>
    public static void Sleep(int core, long deadline, uint raised)
    {
        if (core == 0)
        {
            Board.Service();
            long due = Board.ServiceDueAt;
            deadline = due < deadline ? due : deadline;
        }
        Interrupts.Disable();
        if (InterruptWakeups.Raised(core) == raised)
            DeadlineTimer.Sleep(deadline);
    }
}
