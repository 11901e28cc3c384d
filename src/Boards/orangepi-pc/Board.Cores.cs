using System.Runtime;
using System.Runtime.CompilerServices;
using System.Threading;
using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Cores;
using Unikernel.Hardware;
using Unikernel.Platform;

namespace Unikernel.Boot;

/// <summary>
/// Cores 1-3 of the H3, started through R_CPUCFG and R_PRCM (src/Drivers/Cores/H3CorePower.cs),
/// or, for a core an earlier program started and whose entry returned (the netboot program's
/// hashing core), released from the entry code's park (armv7.S secondary_park): QEMU's CPUCFG
/// model starts a core only once.
/// </summary>
internal unsafe partial struct Board : ICorePower
{
    /// <summary>What a parked core writes into its slot (the tool's ImageBuilder.ParkMark, "PARK").</summary>
    private const uint ParkMark = 0x5041524B;

    public static int CoreCount => H3CorePower<DirectMmio, GenericTimerClock>.Cores;

    /// <summary>
    /// A parked core: <paramref name="resetAddress"/> into its slot, written back to memory past
    /// our cache (it reads with its MMU off), and SGI 0 to wake it. Any other: the soft entry and
    /// a reset through CPUCFG and PRCM.
    /// </summary>
    public static bool PowerOnCore(int core, nuint resetAddress)
    {
        if (core <= 0 || core >= CoreCount)
            return false;
        uint* slot = (uint*)ParkTable() + core;
        nuint line = Caches.DataLineSize;
        nuint start = (nuint)slot & ~(line - 1);
        // The parked core wrote its mark past our cache: drop any older copy of the line first.
        Caches.InvalidateLines(start, start + line, line);
        if (Volatile.Read(ref *slot) != ParkMark)
            return H3CorePower<DirectMmio, GenericTimerClock>.PowerOn(H3<DirectMmio>.RCpucfg, H3<DirectMmio>.RPrcm, core, (uint)resetAddress);
        Volatile.Write(ref *slot, (uint)resetAddress);
        Caches.CleanInvalidateLines(start, start + line, line);
        return PenRelease<DirectMmio>.Release(H3<DirectMmio>.Gicd, core);
    }

    /// <summary>Starts <paramref name="core"/> running <paramref name="entry"/>(core) (<see cref="Platform.Cpu.Start{TBoard}"/>).</summary>
    public static CoreStartStatus StartCore(int core, delegate*<int, void> entry) => Platform.Cpu.Start<Board>(core, entry);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_park_table")]
    private static extern nuint ParkTable();
}
