using Unikernel.Net.Tests;
using Unikernel.Platform;
using Unikernel.Platform.Scheduling;

namespace Unikernel.Tests.Scheduling;

/// <summary>
/// The cooperative scheduler (src/Platform/Scheduling) on a simulated clock and idle hook: turn
/// order, deadlines, interrupt and signal wake-ups, capacity and wait errors, and no allocation
/// once started. Tasks are static functions; what they do is logged as "task:event@time".
/// </summary>
[Collection("Scheduler")]
public sealed unsafe class SchedulerTests : IDisposable
{
    private const int Core = SimulatedIdle.Core;
    private const uint DeviceInterrupt = 40;

    private static readonly List<string> s_log = [];
    private static readonly int[] s_turns = new int[8];
    private static readonly int[] s_rounds = new int[8];
    private static Signal s_signal = new();
    private static Wait s_nextWait;

    public SchedulerTests()
    {
        SimulatedIdle.Reset();
        s_log.Clear();
        Array.Clear(s_turns);
        Array.Clear(s_rounds);
        s_signal = new Signal();
        s_nextWait = default;
    }

    public void Dispose() => SimulatedIdle.Reset();

    private static Scheduler<SimulatedClock, SimulatedIdle> NewScheduler(int capacity = 8) => new(Core, capacity);

    private static void Log(nuint task, string what) => s_log.Add($"{task}:{what}@{SimulatedClock.Now}");

    /// <summary>Yields until it has had <see cref="s_rounds"/> turns.</summary>
    private static Wait Yielder(nuint task)
    {
        Log(task, "turn");
        return ++s_turns[task] >= s_rounds[task] ? Wait.Done : Wait.Yield;
    }

    private static void SpawnYielder(Scheduler<SimulatedClock, SimulatedIdle> scheduler, nuint task, int rounds)
    {
        s_rounds[task] = rounds;
        Assert.Equal(SpawnStatus.Spawned, scheduler.Spawn(&Yielder, task, out _));
    }

    [Fact]
    public void Ready_tasks_take_turns_round_robin_and_a_finished_task_drops_out()
    {
        var scheduler = NewScheduler();
        SpawnYielder(scheduler, 0, 3);
        SpawnYielder(scheduler, 1, 1);
        SpawnYielder(scheduler, 2, 2);

        Assert.True(scheduler.Run().IsNone);

        Assert.Equal(["0:turn@0", "1:turn@0", "2:turn@0", "0:turn@0", "2:turn@0", "0:turn@0"], s_log);
        Assert.Equal(0, scheduler.Count);
        Assert.Equal(0, SimulatedIdle.Sleeps);
    }

    /// <summary>Sleeps 100 ms from its first turn, then logs when it woke.</summary>
    private static Wait Sleeper(nuint task)
    {
        Log(task, s_turns[task] == 0 ? "sleep" : "woke");
        return s_turns[task]++ == 0 ? Wait.Until(SimulatedClock.Now + 100) : Wait.Done;
    }

    [Fact]
    public void A_sleeper_wakes_at_its_deadline_not_before_while_others_run()
    {
        var scheduler = NewScheduler();
        Assert.Equal(SpawnStatus.Spawned, scheduler.Spawn(&Sleeper, 0, out _));
        SpawnYielder(scheduler, 1, 2);
        // The idle hook moves the clock 30 ms at most per sleep: three early returns.
        SimulatedIdle.Step = 30;

        Assert.True(scheduler.Run().IsNone);

        Assert.Equal(["0:sleep@0", "1:turn@0", "1:turn@0", "0:woke@100"], s_log);
        Assert.Equal([100, 100, 100, 100], SimulatedIdle.Deadlines[..SimulatedIdle.Sleeps]);
    }

    [Fact]
    public void The_idle_hook_gets_the_earliest_deadline()
    {
        var scheduler = NewScheduler();
        s_nextWait = Wait.Until(250);
        Assert.Equal(SpawnStatus.Spawned, scheduler.Spawn(&Returner, 0, out _));
        Assert.Equal(SpawnStatus.Spawned, scheduler.Spawn(&Sleeper, 1, out _));
        Assert.True(scheduler.PollNext(out _));
        Assert.True(scheduler.PollNext(out _));
        Assert.Equal(100, scheduler.EarliestDeadline());
    }

    /// <summary>Waits for <see cref="DeviceInterrupt"/>, twice, logging each wake and whether the flag was still set.</summary>
    private static Wait DeviceTask(nuint task)
    {
        Log(task, s_turns[task] == 0 ? "wait" : InterruptWakeups.IsPending(Core, DeviceInterrupt) ? "woke, still pending" : "woke");
        return s_turns[task]++ < 2 ? Wait.ForInterrupt(DeviceInterrupt) : Wait.Done;
    }

    [Fact]
    public void An_interrupt_wakes_its_task_and_is_taken_before_the_task_runs()
    {
        var scheduler = NewScheduler();
        Assert.Equal(SpawnStatus.Spawned, scheduler.Spawn(&DeviceTask, 0, out _));
        Assert.True(scheduler.PollNext(out _));
        Assert.False(scheduler.PollNext(out _));

        // Raised while the task was not running (an IRQ): it runs, with the flag cleared.
        SimulatedIdle.ScheduleInterrupt(70, DeviceInterrupt);
        Assert.Equal(Scheduler<SimulatedClock, SimulatedIdle>.NoDeadline, scheduler.EarliestDeadline());
        uint raised = InterruptWakeups.Raised(Core);
        SimulatedIdle.Sleep(Core, scheduler.EarliestDeadline(), raised);
        Assert.True(scheduler.PollNext(out _));
        Assert.Equal(["0:wait@0", "0:woke@70"], s_log);

        // Another interrupt ID does not wake it; its own does.
        InterruptWakeups.Raise(Core, DeviceInterrupt + 1);
        Assert.False(scheduler.PollNext(out _));
        InterruptWakeups.Raise(Core, DeviceInterrupt);
        Assert.True(scheduler.PollNext(out _));
        Assert.Equal(0, scheduler.Count);
    }

    [Fact]
    public void An_interrupt_taken_on_another_core_does_not_wake_this_cores_task()
    {
        var scheduler = NewScheduler();
        Assert.Equal(SpawnStatus.Spawned, scheduler.Spawn(&DeviceTask, 0, out _));
        Assert.True(scheduler.PollNext(out _));
        uint raised = InterruptWakeups.Raised(Core);

        InterruptWakeups.Raise(Core + 1, DeviceInterrupt);
        InterruptWakeups.Raise(InterruptWakeups.Cores, DeviceInterrupt);
        InterruptWakeups.Raise(Core, InterruptWakeups.Capacity);

        Assert.False(scheduler.PollNext(out _));
        Assert.Equal(raised, InterruptWakeups.Raised(Core));
        // A scheduler starts with its core's flags clear: leave core 2 as it was.
        _ = new Scheduler<SimulatedClock, SimulatedIdle>(Core + 1, 1);
        Assert.False(InterruptWakeups.IsPending(Core + 1, DeviceInterrupt));
    }

    /// <summary>Waits for <see cref="DeviceInterrupt"/> and, as if the IRQ came during its own poll, raises it first.</summary>
    private static Wait RaisedDuringPoll(nuint task)
    {
        Log(task, "turn");
        if (s_turns[task]++ > 0)
            return Wait.Done;
        InterruptWakeups.Raise(Core, DeviceInterrupt);
        return Wait.ForInterrupt(DeviceInterrupt);
    }

    [Fact]
    public void An_interrupt_taken_during_the_poll_that_then_waits_for_it_is_not_lost()
    {
        var scheduler = NewScheduler();
        Assert.Equal(SpawnStatus.Spawned, scheduler.Spawn(&RaisedDuringPoll, 0, out _));

        Assert.True(scheduler.Run().IsNone);

        Assert.Equal(["0:turn@0", "0:turn@0"], s_log);
        Assert.Equal(0, SimulatedIdle.Sleeps);
    }

    /// <summary>Reads the signal's count, then finds its "ring" (the count itself) empty or not; three items.</summary>
    private static Wait Consumer(nuint task)
    {
        uint seen = s_signal.Count;
        if ((int)seen > s_turns[task])
        {
            s_turns[task] = (int)seen;
            Log(task, $"got {seen}");
        }
        return seen == 3 ? Wait.Done : Wait.ForSignal(s_signal, seen);
    }

    /// <summary>Sleeps 10 ms, then raises the signal; three times.</summary>
    private static Wait Producer(nuint task)
    {
        if (s_turns[task] > 0)
        {
            s_signal.Raise();
            Log(task, "raise");
        }
        return s_turns[task]++ == 3 ? Wait.Done : Wait.Until(SimulatedClock.Now + 10);
    }

    private static SpscRing<int> s_ring = new(4);

    /// <summary>Takes what the ring holds; waits on its Written signal, read before the ring is found empty.</summary>
    private static Wait RingReader(nuint task)
    {
        uint seen = s_ring.Written.Count;
        while (s_ring.TryRead(out int item))
            Log(task, $"read {item}");
        return s_turns[task]++ >= 2 && s_ring.Count == 0 && seen == 3 ? Wait.Done : Wait.ForSignal(s_ring.Written, seen);
    }

    /// <summary>Writes 1, 2, 3 into the ring, 10 ms apart.</summary>
    private static Wait RingWriter(nuint task)
    {
        if (s_turns[task] > 0)
        {
            s_ring.TryWrite(s_turns[task]);
            Log(task, $"wrote {s_turns[task]}");
        }
        return ++s_turns[task] > 3 ? Wait.Done : Wait.Until(SimulatedClock.Now + 10);
    }

    [Fact]
    public void A_task_waiting_on_a_ring_wakes_for_each_item_the_producer_writes()
    {
        s_ring = new SpscRing<int>(4);
        var scheduler = NewScheduler();
        Assert.Equal(SpawnStatus.Spawned, scheduler.Spawn(&RingReader, 0, out _));
        Assert.Equal(SpawnStatus.Spawned, scheduler.Spawn(&RingWriter, 1, out _));

        Assert.True(scheduler.Run().IsNone);
        Assert.Equal(["1:wrote 1@10", "0:read 1@10", "1:wrote 2@20", "0:read 2@20", "1:wrote 3@30", "0:read 3@30"], s_log);
        Assert.Equal(3u, s_ring.Taken.Count);
    }

    [Fact]
    public void A_signal_wakes_its_waiter_once_per_raise_and_not_before()
    {
        var scheduler = NewScheduler();
        Assert.Equal(SpawnStatus.Spawned, scheduler.Spawn(&Consumer, 0, out _));
        Assert.Equal(SpawnStatus.Spawned, scheduler.Spawn(&Producer, 1, out _));

        Assert.True(scheduler.Run().IsNone);

        Assert.Equal(["1:raise@10", "0:got 1@10", "1:raise@20", "0:got 2@20", "1:raise@30", "0:got 3@30"], s_log);
        Assert.Equal(3, SimulatedIdle.Sleeps);
    }

    [Fact]
    public void Spawning_past_the_capacity_is_refused_until_a_task_finishes()
    {
        var scheduler = NewScheduler(capacity: 2);
        SpawnYielder(scheduler, 0, 1);
        SpawnYielder(scheduler, 1, 2);

        Assert.Equal(SpawnStatus.Full, scheduler.Spawn(&Yielder, 2, out int refused));
        Assert.Equal(-1, refused);
        Assert.Equal(SpawnStatus.NoFunction, scheduler.Spawn(null, 2, out _));
        Assert.True(scheduler.PollNext(out _));
        Assert.Equal(SpawnStatus.Spawned, scheduler.Spawn(&Yielder, 2, out int task));
        Assert.Equal(0, task);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(Scheduler<SimulatedClock, SimulatedIdle>.MaxCapacity + 1)]
    public void A_capacity_out_of_range_panics_with_the_range(int capacity)
    {
        var panic = Assert.Throws<PanicException>(() => NewScheduler(capacity));
        Assert.Equal("scheduler: capacity must be 1 to 64 tasks", panic.Reason);
    }

    [Fact]
    public void A_core_without_interrupt_flags_panics()
    {
        var panic = Assert.Throws<PanicException>(() => new Scheduler<SimulatedClock, SimulatedIdle>(InterruptWakeups.Cores, 1));
        Assert.Equal("scheduler: core beyond InterruptWakeups.Cores", panic.Reason);
    }

    /// <summary>Returns <see cref="s_nextWait"/>.</summary>
    private static Wait Returner(nuint task) => s_nextWait;

    public static TheoryData<string> InvalidWaits => ["default", "interrupt 160", "null signal"];

    [Theory]
    [MemberData(nameof(InvalidWaits))]
    public void A_task_returning_an_invalid_wait_is_removed_and_reported(string which)
    {
        (s_nextWait, WaitKind kind, WaitError error) = which switch
        {
            "default" => (default(Wait), WaitKind.None, WaitError.NoWait),
            "interrupt 160" => (Wait.ForInterrupt(InterruptWakeups.Capacity), WaitKind.Interrupt, WaitError.InterruptBeyondTable),
            _ => (Wait.ForSignal(null!, 0), WaitKind.Signal, WaitError.NoSignal),
        };
        var scheduler = NewScheduler();
        SpawnYielder(scheduler, 0, 5);
        Assert.Equal(SpawnStatus.Spawned, scheduler.Spawn(&Returner, 1, out _));

        TaskFault fault = scheduler.Run();

        Assert.Equal((1, kind, error), (fault.Task, fault.Kind, fault.Error));
        Assert.Equal(1, scheduler.Count);
        // The others go on.
        Assert.True(scheduler.Run().IsNone);
        Assert.Equal(5, s_turns[0]);
    }

    [Fact]
    public void A_second_task_waiting_for_the_same_interrupt_is_reported()
    {
        var scheduler = NewScheduler();
        Assert.Equal(SpawnStatus.Spawned, scheduler.Spawn(&DeviceTask, 0, out _));
        s_nextWait = Wait.ForInterrupt(DeviceInterrupt);
        Assert.Equal(SpawnStatus.Spawned, scheduler.Spawn(&Returner, 1, out _));

        Assert.True(scheduler.PollNext(out TaskFault first));
        Assert.True(first.IsNone);
        Assert.True(scheduler.PollNext(out TaskFault second));

        Assert.Equal((1, WaitError.InterruptAlreadyAwaited), (second.Task, second.Error));
    }

    /// <summary>A task of each kind, counting without logging: yields, sleeps 5 ms, waits for the device interrupt or the signal, many turns.</summary>
    private static Wait Counter(nuint task)
    {
        int turn = ++s_turns[task];
        if (turn >= s_rounds[task])
            return Wait.Done;
        switch (task)
        {
            case 0:
                if (turn % 4 == 0)
                    s_signal.Raise();
                return Wait.Yield;
            case 1:
                return Wait.Until(SimulatedClock.Now + 5);
            case 2:
                return Wait.ForInterrupt(DeviceInterrupt);
            default:
                return Wait.ForSignal(s_signal, s_signal.Count);
        }
    }

    [Fact]
    public void Running_allocates_nothing_once_started()
    {
        // Start-up, for each of the meter's three runs: the schedulers and their slots.
        var schedulers = new Scheduler<SimulatedClock, SimulatedIdle>[3];
        for (int i = 0; i < schedulers.Length; i++)
        {
            schedulers[i] = NewScheduler(4);
            for (nuint task = 0; task < 4; task++)
                schedulers[i].Spawn(&Counter, task, out _);
        }
        s_rounds[0] = 1000; // yields, raising the signal every fourth turn
        s_rounds[1] = 1000; // sleeps 5 ms each turn
        s_rounds[2] = 2;    // waits once for the interrupt the simulated timer raises
        s_rounds[3] = 200;  // waits for the signal
        SimulatedIdle.DeadlineInterrupt = DeviceInterrupt;

        long allocated = AllocationMeter.LeastOfThree(attempt =>
        {
            Array.Clear(s_turns);
            Assert.True(schedulers[attempt].Run().IsNone);
        });

        Assert.Equal(0, allocated);
        Assert.Equal([1000, 1000, 2, 200], s_turns[..4]);
    }
}

[CollectionDefinition("Scheduler")]
public sealed class SchedulerCollection;
