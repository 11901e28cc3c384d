using Unikernel.Boot;
using Unikernel.Drivers.Interrupts;
using Unikernel.Drivers.Timer;

namespace Unikernel.Kit;

/// <summary>
/// Interrupts through the board's GICv2: a handler per interrupt ID (SGIs 0-15, PPIs 16-31, a
/// device's SPI from 32; the SoC files' <c>irq:</c> entries), called with the ID, IRQs masked,
/// by the GIC's dispatch; it must quieten its device and return promptly. IRQs stay masked while
/// the kernel runs and are let in while it waits (<see cref="Wait"/>, <see cref="WaitUntil"/>,
/// <see cref="KernelClock.Sleep"/>): a handler never cuts into the kernel's code unless the
/// kernel unmasks (<see cref="Unmask"/>). Each taken interrupt also wakes the scheduler task that
/// waits for it (<c>Wait.ForInterrupt</c>, <see cref="KernelCores.NewScheduler"/>).
/// </summary>
public static unsafe class KernelInterrupts
{
    private static bool s_started;

    /// <summary>
    /// The distributor and this core's CPU interface set up, the GIC's dispatch as the IRQ
    /// handler, the deadline timer's interrupt on; IRQs masked. Called by <see cref="Machine.Start"/>;
    /// false if the GIC does not manage the timer's interrupt.
    /// </summary>
    internal static bool Start()
    {
        if (s_started)
            return true;
        Interrupts.Disable();
        var gic = Board.Gic;
        gic.Initialize();
        Interrupts.SetHandler(&Dispatch);
        if (!DeadlineTimer.Start(gic))
        {
            StatusLine<Board>.Fail("interrupts: the GIC does not manage the deadline timer's interrupt"u8);
            ConsoleText<Board>.WriteLine();
            return false;
        }
        // Once unmasked and masked again: on AArch64 this also routes IRQs to EL3 (SCR_EL3.IRQ).
        Interrupts.Enable();
        Interrupts.Disable();
        s_started = true;
        return true;
    }

    /// <summary>
    /// On a core other than 0, by that core: its GIC CPU interface and its own (banked) deadline
    /// timer interrupt, so it can sleep and take SGIs. <see cref="KernelCores.Start"/> does it
    /// before the core's entry.
    /// </summary>
    internal static void StartOnThisCore()
    {
        var gic = Board.Gic;
        gic.InitializeCpuInterface();
        gic.Enable(DeadlineTimer.InterruptId);
    }

    /// <summary>
    /// Calls <paramref name="handler"/>(id) for each interrupt <paramref name="id"/> taken, and
    /// enables the ID at the GIC (a PPI or SGI: for the calling core). A device's SPI goes to core 0
    /// (<see cref="RouteTo"/> to change). False if the GIC does not manage the ID, or the handler is null.
    /// </summary>
    public static bool Register(uint id, delegate*<uint, void> handler)
    {
        if (handler == null || id == DeadlineTimer.InterruptId || id >= Board.Gic.Lines)
            return false;
        return InterruptHandlers.Register(id, handler) && Board.Gic.Enable(id);
    }

    /// <summary>Disables <paramref name="id"/> at the GIC and forgets its handler.</summary>
    public static void Unregister(uint id)
    {
        Board.Gic.Disable(id);
        InterruptHandlers.Unregister(id);
    }

    /// <summary>Lets the GIC signal <paramref name="id"/> (after <see cref="Disable"/>); false for an ID it does not manage.</summary>
    public static bool Enable(uint id) => Board.Gic.Enable(id);

    /// <summary>Stops the GIC signalling <paramref name="id"/>; its handler stays registered. False for an ID it does not manage.</summary>
    public static bool Disable(uint id) => Board.Gic.Disable(id);

    /// <summary>Sends a device interrupt (SPI, 32 and up) to <paramref name="core"/> instead of core 0; false for an SGI, a PPI or an ID the GIC does not manage.</summary>
    public static bool RouteTo(uint id, int core) =>
        id >= GicV2<Drivers.Bus.DirectMmio>.FirstSharedId && (uint)core < (uint)KernelCores.Count && Board.Gic.SetTarget(id, 1u << core);

    /// <summary>
    /// Sends software interrupt <paramref name="sgi"/> (1-15; 0 is qemu-virt's pen release) to
    /// <paramref name="core"/>, waking it from a wait; its handler runs there if registered on
    /// that core. False for SGI 0 or beyond 15, or no such core.
    /// </summary>
    public static bool Send(uint sgi, int core) =>
        sgi != 0 && sgi < GicV2<Drivers.Bus.DirectMmio>.SgiCount && (uint)core < (uint)KernelCores.Count && Board.Gic.SendSgi(sgi, 1u << core);

    /// <summary>
    /// Sleeps in <c>wfi</c> until an interrupt is pending, lets the handlers take it, and returns
    /// (IRQs masked again). May also return for no reason (a pending interrupt of no one's): look again.
    /// </summary>
    public static void Wait() => DeadlineTimer.Sleep(long.MaxValue);

    /// <summary>As <see cref="Wait"/>, but also returns at <paramref name="deadline"/>; at once if it has passed.</summary>
    public static void WaitUntil(Deadline deadline)
    {
        if (!deadline.HasPassed)
            DeadlineTimer.Sleep(deadline.Milliseconds);
    }

    /// <summary>Unmasks IRQs on this core: handlers may now run between any two instructions of the kernel.</summary>
    public static void Unmask() => Interrupts.Enable();

    /// <summary>Masks IRQs on this core again (the kit's default): handlers run only while it waits.</summary>
    public static void Mask() => Interrupts.Disable();

    private static void Dispatch() => Board.Gic.DispatchPending();
}
