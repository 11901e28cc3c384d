using System.Runtime;
using System.Runtime.CompilerServices;

namespace Unikernel.Platform;

/// <summary>The core itself.</summary>
public static partial class Cpu
{
    /// <summary>
    /// Sleeps until an interrupt is pending (WFI after a DSB, so writes before it are done; ARMv7
    /// ARM B1.8.13 and ARMv8 ARM D1.16.2, "Wait for Interrupt"). It wakes even with IRQs masked,
    /// without taking the interrupt: mask, check for work, then wait, and no wake-up is lost. May
    /// also return for no reason (the architecture allows it): callers check what they wait for.
    /// </summary>
    public static void WaitForInterrupt() => Wait();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_wait_for_interrupt")]
    private static extern void Wait();
}
