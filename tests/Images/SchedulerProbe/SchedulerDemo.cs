using Unikernel.Platform;
using Unikernel.Platform.Scheduling;

namespace Unikernel.Tests.Images;

/// <summary>
/// Five tasks on one core's scheduler, printing what they do: ping and pong take turns (yield),
/// ping raises a signal a consumer waits for, a sleeper waits 20 ms, and a waiter waits for the
/// timer's interrupt, which the idle hook arms for the sleeper's deadline. The order of the
/// lines is the scheduler's: the same on the board (SchedulerProbe, a real timer interrupt) and
/// on the host (a simulated clock and timer), and the tests check it.
/// </summary>
internal static unsafe class SchedulerDemo<TConsole, TClock, TIdle>
    where TConsole : IConsole
    where TClock : IMonotonicClock
    where TIdle : IIdle
{
    /// <summary>How long the sleeper sleeps.</summary>
    public const long SleepMilliseconds = 20;

    private const int Rounds = 3;
    private const nuint Ping = 0;
    private const nuint Pong = 1;

    private static Signal s_signal = null!;
    private static uint s_timerInterrupt;
    private static int s_pingRound;
    private static int s_pongRound;
    private static long s_sleeperDeadline;
    private static bool s_waiterWaiting;
    private static bool s_consumerWaiting;

    /// <summary>Allocates the scheduler and the signal (start-up); <see cref="Run"/> then allocates nothing.</summary>
    public static Scheduler<TClock, TIdle> Start(int core, uint timerInterrupt)
    {
        s_signal = new Signal();
        s_timerInterrupt = timerInterrupt;
        s_pingRound = 0;
        s_pongRound = 0;
        s_sleeperDeadline = 0;
        s_waiterWaiting = false;
        s_consumerWaiting = false;
        var scheduler = new Scheduler<TClock, TIdle>(core, 5);
        scheduler.Spawn(&Player, Ping, out _);
        scheduler.Spawn(&Player, Pong, out _);
        scheduler.Spawn(&Sleeper, 0, out _);
        scheduler.Spawn(&Waiter, 0, out _);
        scheduler.Spawn(&Consumer, 0, out _);
        return scheduler;
    }

    public static void Run(Scheduler<TClock, TIdle> scheduler)
    {
        TaskFault fault = scheduler.Run();
        ConsoleText<TConsole>.Write(fault.IsNone ? "scheduler: all tasks done" : "scheduler: task fault ");
        if (!fault.IsNone)
            ConsoleText<TConsole>.WriteDecimal((ulong)fault.Error);
        ConsoleText<TConsole>.WriteLine();
    }

    private static Wait Player(nuint which)
    {
        int round = which == Ping ? ++s_pingRound : ++s_pongRound;
        ConsoleText<TConsole>.Write(which == Ping ? "ping " : "pong ");
        ConsoleText<TConsole>.WriteDecimal((ulong)round);
        ConsoleText<TConsole>.WriteLine();
        if (which == Ping && round == 2)
            s_signal.Raise();
        return round == Rounds ? Wait.Done : Wait.Yield;
    }

    private static Wait Sleeper(nuint unused)
    {
        long now = TClock.Milliseconds;
        if (s_sleeperDeadline == 0)
        {
            s_sleeperDeadline = now + SleepMilliseconds;
            ConsoleText<TConsole>.WriteLine("sleeper sleeps 20 ms");
            return Wait.Until(s_sleeperDeadline);
        }
        ConsoleText<TConsole>.WriteLine(now >= s_sleeperDeadline ? "sleeper woke at its deadline" : "sleeper woke early");
        s_sleeperDeadline = 0;
        return Wait.Done;
    }

    private static Wait Waiter(nuint unused)
    {
        if (!s_waiterWaiting)
        {
            s_waiterWaiting = true;
            ConsoleText<TConsole>.WriteLine("waiter waits for the timer interrupt");
            return Wait.ForInterrupt(s_timerInterrupt);
        }
        ConsoleText<TConsole>.WriteLine("waiter woke for the timer interrupt");
        return Wait.Done;
    }

    private static Wait Consumer(nuint unused)
    {
        // The count first, then the condition: a raise in between still wakes us.
        uint seen = s_signal.Count;
        if (seen == 0)
        {
            if (!s_consumerWaiting)
                ConsoleText<TConsole>.WriteLine("consumer waits for a signal");
            s_consumerWaiting = true;
            return Wait.ForSignal(s_signal, seen);
        }
        ConsoleText<TConsole>.Write("consumer got signal ");
        ConsoleText<TConsole>.WriteDecimal(seen);
        ConsoleText<TConsole>.WriteLine();
        return Wait.Done;
    }
}
