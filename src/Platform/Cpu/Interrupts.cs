using System.Runtime;
using System.Runtime.CompilerServices;

namespace Unikernel.Platform;

/// <summary>
/// The CPU's IRQ mask (CPSR.I on ARMv7, PSTATE.I on AArch64) and the one function the IRQ
/// vector calls. Nothing needs interrupts: they stay masked until a program calls
/// <see cref="Enable"/>, and every driver can still be polled.
/// <para>The vector (src/Platform/Entry) saves what a call may clobber and calls the handler set
/// with <see cref="SetHandler"/> through a pointer of its own (so images that never take an
/// interrupt carry no managed code for it), typically the interrupt controller's dispatch
/// (<c>GicV2.DispatchPending</c>), with IRQs masked; it must return promptly.</para>
/// </summary>
public static unsafe class Interrupts
{
    private static delegate*<void> s_handler;

    /// <summary>Unmasks IRQs (on AArch64 also routes them to EL3, SCR_EL3.IRQ); panics if no handler is set.</summary>
    public static void Enable()
    {
        if (s_handler == null)
            Kernel.Panic("interrupts enabled with no handler"u8);
        EnableIrq();
    }

    /// <summary>Masks IRQs.</summary>
    public static void Disable() => DisableIrq();

    /// <summary>True when IRQs are unmasked.</summary>
    public static bool Enabled => IrqEnabled() != 0;

    /// <summary>
    /// Sleeps (WFI) until an interrupt is pending; returns at once if one is. An interrupt wakes
    /// it even while IRQs are masked, which is what makes sleeping safe: mask, look for work,
    /// <see cref="Wait"/>, then <see cref="Enable"/> to take what woke the CPU (ARMv7 ARM and
    /// ARMv8 ARM, "Wait For Interrupt"). May also return for no reason: callers look again.
    /// </summary>
    public static void Wait() => WaitForInterrupt();

    /// <summary>What the IRQ vector calls (it keeps the pointer itself). Set it before <see cref="Enable"/>; null again only with IRQs masked.</summary>
    public static void SetHandler(delegate*<void> handler)
    {
        s_handler = handler;
        WriteHandler(handler);
    }

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_set_irq_handler")]
    private static extern void WriteHandler(delegate*<void> handler);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_wait_for_interrupt")]
    private static extern void WaitForInterrupt();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_interrupts_enable")]
    private static extern void EnableIrq();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_interrupts_disable")]
    private static extern void DisableIrq();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_interrupts_enabled")]
    private static extern nuint IrqEnabled();
}
