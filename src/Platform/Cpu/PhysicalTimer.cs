using System.Runtime;
using System.Runtime.CompilerServices;

namespace Unikernel.Platform;

/// <summary>
/// The generic timer's physical timer of the security state we run in: CNTP_* in secure SVC on
/// ARMv7 (ARMv7 ARM, "Generic Timer"; with the Security Extensions the secure instance), CNTPS_*_EL1 at EL3 on
/// AArch64 (ARMv8 ARM, "The AArch64 view of the Generic Timer"). It raises its interrupt while the counter
/// (<see cref="GenericTimer.Counter"/>) is at or past the compare value, enabled and not masked.
/// </summary>
public static class PhysicalTimer
{
    /// <summary>CNTP_CTL.ENABLE (bit 0).</summary>
    public const uint Enabled = 1u << 0;

    /// <summary>CNTP_CTL.IMASK (bit 1): the condition is met but no interrupt is raised.</summary>
    public const uint Masked = 1u << 1;

    /// <summary>CNTP_CVAL / CNTPS_CVAL_EL1: the counter value to fire at.</summary>
    public static void SetCompare(ulong counter) => WriteCompare(counter);

    /// <summary>CNTP_CTL / CNTPS_CTL_EL1: <see cref="Enabled"/>, <see cref="Masked"/>.</summary>
    public static void SetControl(uint control) => WriteControl(control);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_timer_set_compare")]
    private static extern void WriteCompare(ulong counter);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_timer_set_control")]
    private static extern void WriteControl(uint control);
}
