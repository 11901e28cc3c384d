using System.Diagnostics.CodeAnalysis;
using System.Runtime;
using System.Runtime.CompilerServices;

namespace Unikernel.Platform;

/// <summary>
/// The resident secure monitor that gives Linux PSCI 1.0 (Arm DEN0022D) on boards that start in
/// the Secure world: src/Platform/Entry/monitor-armv7.inc and monitor-aarch64.inc, where the
/// design is written. Only the netboot program of a board whose tool build passes the GIC to the
/// entry code has it (orangepi-pc, qemu-virt); the linker drops it everywhere else.
/// <para>The order of a Linux boot: the MMU off and the caches cleaned, <see cref="Install"/>
/// into memory Linux never owns, every other core released into <see cref="Install"/>'s park
/// entry (the board's PowerOnCore), <see cref="WaitParked"/>, the GIC's shared interrupts put in
/// group 1 for the normal world, then <see cref="EnterLinux"/>.</para>
/// </summary>
public static class SecureMonitor
{
    /// <summary>A core's state as the monitor keeps it (AFFINITY_INFO's values, and one of ours).</summary>
    public enum CoreState : uint
    {
        On = 0,
        Off = 1,
        OnPending = 2,
        /// <summary>Never reached the park: CPU_ON for it fails.</summary>
        Absent = 3,
    }

    /// <summary>Bytes the copy takes.</summary>
    public static nuint Size => MonitorSize();

    /// <summary>
    /// Copies the monitor to <paramref name="destination"/> (2 KiB aligned, <see cref="Size"/>
    /// bytes, memory the kernel never owns, written with the MMU off): core 0 on, the others
    /// absent until they park. Returns where the other cores are to be started (they start in
    /// the Secure world with the MMU off, as from reset or from the entry code's park).
    /// </summary>
    public static nuint Install(nuint destination) => MonitorInstall(destination);

    /// <summary>The state of <paramref name="core"/> in the copy at <paramref name="monitor"/>.</summary>
    public static CoreState StateOf(nuint monitor, int core) => (CoreState)MonitorCoreState(monitor, (uint)core);

    /// <summary>Waits until <paramref name="core"/> says it is parked, at most <paramref name="milliseconds"/>; false if it did not (it stays absent).</summary>
    public static bool WaitParked(nuint monitor, int core, long milliseconds)
    {
        long deadline = GenericTimer.Milliseconds + milliseconds;
        while (StateOf(monitor, core) != CoreState.Off)
        {
            if (GenericTimer.Milliseconds > deadline)
                return false;
        }
        return true;
    }

    /// <summary>
    /// A write that PSCI SYSTEM_RESET makes (<paramref name="index"/> 0, then 1): the board's
    /// watchdog, say. None set: SYSTEM_RESET halts the calling core.
    /// </summary>
    public static void SetResetWrite(nuint monitor, int index, nuint address, uint value) =>
        MonitorSetResetWrite(monitor, (uint)index, address, value);

    /// <summary>
    /// Core 0 enters Linux through the copy at <paramref name="monitor"/>: in the normal world at
    /// HYP (ARMv7) or EL2 (AArch64, EL1 without EL2), with r0 = 0, r1 = ~0, r2 = <paramref name="deviceTree"/>
    /// (ARM booting.rst) or x0 = <paramref name="deviceTree"/> (arm64 booting.rst). The MMU must be off and the caches clean. Never returns.
    /// </summary>
    [DoesNotReturn]
    public static void EnterLinux(nuint monitor, nuint entry, nuint deviceTree) => MonitorEnterLinux(monitor, entry, deviceTree);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_monitor_size")]
    private static extern nuint MonitorSize();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_monitor_install")]
    private static extern nuint MonitorInstall(nuint destination);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_monitor_core_state")]
    private static extern uint MonitorCoreState(nuint monitor, uint core);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_monitor_set_reset_write")]
    private static extern void MonitorSetResetWrite(nuint monitor, uint index, nuint address, uint value);

    [DoesNotReturn, MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_monitor_enter_linux")]
    private static extern void MonitorEnterLinux(nuint monitor, nuint entry, nuint deviceTree);
}
