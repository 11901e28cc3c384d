using System.Runtime;
using System.Runtime.CompilerServices;

namespace Unikernel.Platform;

/// <summary>
/// The ARM generic timer's physical counter (ARM ARM D11 for AArch64, B8 for ARMv7): a 64-bit
/// count that only goes up, at CNTFRQ ticks a second. Boot ROMs leave CNTFRQ unset on real
/// boards, so the boot code writes the board's oscillator frequency there first
/// (<see cref="SetFrequency"/>, from the board file); QEMU must be started with the same value.
/// </summary>
public static class GenericTimer
{
    /// <summary>The counter (CNTPCT), read after an ISB so it is not read early.</summary>
    public static ulong Counter => ReadCounter();

    /// <summary>Ticks a second (CNTFRQ).</summary>
    public static uint Frequency => ReadFrequency();

    /// <summary>Writes CNTFRQ: possible only at the highest exception level (EL3, or secure SVC on ARMv7), where we start.</summary>
    public static void SetFrequency(uint hertz) => WriteFrequency(hertz);

    /// <summary>Milliseconds since the counter started (power-on), for the network stack's clock.</summary>
    public static long Milliseconds
    {
        get
        {
            uint perMillisecond = Frequency / 1000;
            return perMillisecond == 0 ? 0 : (long)(Counter / perMillisecond);
        }
    }

    /// <summary>Microseconds since the counter started.</summary>
    public static long Microseconds
    {
        get
        {
            uint perMicrosecond = Frequency / 1_000_000;
            return perMicrosecond == 0 ? 0 : (long)(Counter / perMicrosecond);
        }
    }

    /// <summary>Waits at least <paramref name="microseconds"/>.</summary>
    public static void Delay(long microseconds)
    {
        long end = Microseconds + microseconds;
        while (Microseconds < end)
        {
        }
    }

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_counter")]
    private static extern ulong ReadCounter();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_counter_frequency")]
    private static extern uint ReadFrequency();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_set_counter_frequency")]
    private static extern void WriteFrequency(uint hertz);
}
