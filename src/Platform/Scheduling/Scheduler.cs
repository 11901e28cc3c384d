namespace Unikernel.Platform.Scheduling;

/// <summary>
/// A cooperative scheduler for one core, in the spirit of embassy's and RTIC's executors: a
/// task is a function and an argument (its state, or where to find it), polled until it
/// returns what it waits for next (<see cref="Wait"/>): its turn again, a deadline on
/// <typeparamref name="TClock"/>, an interrupt taken on this core (<see cref="InterruptWakeups"/>)
/// or a signal (<see cref="Signal"/>). No task has a stack of its own and nothing switches
/// contexts: a poll runs on the core's stack and returns; a task that never returns stops the
/// core, and that is its bug.
/// <para>Ready tasks run round robin: each poll starts looking at the slot after the last one
/// polled, so no ready task runs twice before every other ready task has run once. With none
/// ready, the core sleeps in <typeparamref name="TIdle"/> until the earliest deadline or an
/// interrupt.</para>
/// <para>The slots are taken once, at start-up (<paramref name="capacity"/>); spawning, polling
/// and waiting allocate nothing. One instance per core, used only by that core; what other
/// cores and interrupt handlers may touch is the signals and the interrupt flags.</para>
/// </summary>
public sealed unsafe class Scheduler<TClock, TIdle>
    where TClock : IMonotonicClock
    where TIdle : IIdle
{
    /// <summary>The most tasks one scheduler holds: each wake-up looks at every slot, so keep it small.</summary>
    public const int MaxCapacity = 64;

    /// <summary>The deadline the idle hook gets when no task waits for one.</summary>
    public const long NoDeadline = long.MaxValue;

    private readonly TaskSlot[] _slots;
    private readonly int _core;
    private int _next;
    private int _count;

    /// <param name="core">The core this scheduler runs on (0 to <see cref="InterruptWakeups.Cores"/> - 1): whose interrupt flags it reads.</param>
    /// <param name="capacity">Tasks at most, 1 to <see cref="MaxCapacity"/>.</param>
    public Scheduler(int core, int capacity)
    {
        if ((uint)core >= InterruptWakeups.Cores)
            Kernel.Panic("scheduler: core beyond InterruptWakeups.Cores"u8);
        if (capacity < 1 || capacity > MaxCapacity)
            Kernel.Panic("scheduler: capacity must be 1 to 64 tasks"u8);
        _core = core;
        _slots = new TaskSlot[capacity];
        InterruptWakeups.Clear(core);
    }

    public int Core => _core;

    public int Capacity => _slots.Length;

    /// <summary>Tasks spawned and not yet done.</summary>
    public int Count => _count;

    /// <summary>
    /// Adds a task, ready to run: <paramref name="poll"/> is called with <paramref name="argument"/>
    /// on each of its turns. <paramref name="task"/> is its slot (-1 if not spawned). A task may
    /// spawn another; a slot is free again once its task returns <see cref="Wait.Done"/>.
    /// </summary>
    public SpawnStatus Spawn(delegate*<nuint, Wait> poll, nuint argument, out int task)
    {
        task = -1;
        if (poll == null)
            return SpawnStatus.NoFunction;
        for (int i = 0; i < _slots.Length; i++)
        {
            ref TaskSlot slot = ref _slots[i];
            if (slot.Poll != null)
                continue;
            slot.Poll = poll;
            slot.Argument = argument;
            slot.Wait = Wait.Yield;
            _count++;
            task = i;
            return SpawnStatus.Spawned;
        }
        return SpawnStatus.Full;
    }

    /// <summary>
    /// Polls tasks until every one has finished (<see cref="TaskFault.IsNone"/>), or one returns
    /// a wait it cannot keep: that task is removed, and the fault names it. Sleeps in
    /// <typeparamref name="TIdle"/> whenever nothing is ready.
    /// </summary>
    public TaskFault Run()
    {
        while (_count > 0)
        {
            // Read before looking at the tasks: a raise after this wakes the idle hook at once.
            uint raised = InterruptWakeups.Raised(_core);
            if (PollNext(out TaskFault fault))
            {
                if (!fault.IsNone)
                    return fault;
                continue;
            }
            TIdle.Sleep(_core, EarliestDeadline(), raised);
        }
        return default;
    }

    /// <summary>
    /// Polls the first ready task after the last one polled, once. False if none is ready. A
    /// fault (the task removed) is in <paramref name="fault"/>.
    /// </summary>
    public bool PollNext(out TaskFault fault)
    {
        fault = default;
        long now = TClock.Milliseconds;
        int capacity = _slots.Length;
        for (int i = 0; i < capacity; i++)
        {
            int index = _next + i;
            if (index >= capacity)
                index -= capacity;
            ref TaskSlot slot = ref _slots[index];
            if (slot.Poll == null || !IsReady(in slot.Wait, now))
                continue;
            _next = index + 1 == capacity ? 0 : index + 1;
            if (slot.Wait.Kind == WaitKind.Interrupt)
                InterruptWakeups.Take(_core, slot.Wait.Interrupt);
            Wait wait = slot.Poll(slot.Argument);
            WaitError error = Check(index, in wait);
            if (error != WaitError.None)
                fault = new TaskFault(index, wait.Kind, error);
            if (error != WaitError.None || wait.Kind == WaitKind.Done)
            {
                slot = default;
                _count--;
                return true;
            }
            slot.Wait = wait;
            return true;
        }
        return false;
    }

    /// <summary>The earliest deadline a task waits for, or <see cref="NoDeadline"/>.</summary>
    public long EarliestDeadline()
    {
        long earliest = NoDeadline;
        for (int i = 0; i < _slots.Length; i++)
        {
            ref TaskSlot slot = ref _slots[i];
            if (slot.Poll != null && slot.Wait.Kind == WaitKind.Until && slot.Wait.Deadline < earliest)
                earliest = slot.Wait.Deadline;
        }
        return earliest;
    }

    private bool IsReady(in Wait wait, long now) => wait.Kind switch
    {
        WaitKind.Yield => true,
        WaitKind.Until => now >= wait.Deadline,
        WaitKind.Interrupt => InterruptWakeups.IsPending(_core, wait.Interrupt),
        WaitKind.Signal => wait.Signal!.Count != wait.Seen,
        _ => false,
    };

    private WaitError Check(int task, in Wait wait)
    {
        switch (wait.Kind)
        {
            case WaitKind.Yield:
            case WaitKind.Until:
            case WaitKind.Done:
                return WaitError.None;
            case WaitKind.Signal:
                return wait.Signal is null ? WaitError.NoSignal : WaitError.None;
            case WaitKind.Interrupt:
                if (wait.Interrupt >= InterruptWakeups.Capacity)
                    return WaitError.InterruptBeyondTable;
                for (int i = 0; i < _slots.Length; i++)
                {
                    ref TaskSlot other = ref _slots[i];
                    if (i != task && other.Poll != null && other.Wait.Kind == WaitKind.Interrupt && other.Wait.Interrupt == wait.Interrupt)
                        return WaitError.InterruptAlreadyAwaited;
                }
                return WaitError.None;
            default:
                return WaitError.NoWait;
        }
    }

    private struct TaskSlot
    {
        public delegate*<nuint, Wait> Poll;
        public nuint Argument;
        public Wait Wait;
    }
}
