using System.Runtime;
using System.Runtime.CompilerServices;
using System.Threading;
using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Cores;
using Unikernel.Hardware;
using Unikernel.Platform;

namespace Unikernel.Boot;

/// <summary>
/// The cores QEMU gives (-smp, 4 as the tool starts it): all start with core 0 and wait in the
/// entry code's pen (aarch64.S, refs/qemu-h3.md 7) for their slot of the pen's release table to
/// hold an address and an SGI (src/Drivers/Cores/PenRelease.cs). The table is at one address for
/// every program of the board, so a kernel also starts the cores waiting in the bootloader's pen.
/// </summary>
internal unsafe partial struct Board : ICorePower
{
    public static int CoreCount => Platform.Cpu.MaxCores;

    /// <summary>
    /// <paramref name="resetAddress"/> (the entry code's secondary start) into the core's release
    /// slot, written back to memory past our cache (the pen reads it with its MMU off), then the SGI.
    /// </summary>
    public static bool PowerOnCore(int core, nuint resetAddress)
    {
        if (core <= 0 || core >= CoreCount)
            return false;
        ulong* slot = (ulong*)PenReleaseTable() + core;
        Volatile.Write(ref *slot, resetAddress);
        nuint line = Caches.DataLineSize;
        nuint start = (nuint)slot & ~(line - 1);
        Caches.CleanInvalidateLines(start, start + line, line);
        return PenRelease<DirectMmio>.Release(QemuVirt<DirectMmio>.Gicd, core);
    }

    /// <summary>Starts <paramref name="core"/> running <paramref name="entry"/>(core) (<see cref="Platform.Cpu.Start{TBoard}"/>); a core QEMU was not given times out.</summary>
    public static CoreStartStatus StartCore(int core, delegate*<int, void> entry) => Platform.Cpu.Start<Board>(core, entry);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_pen_release_table")]
    private static extern nuint PenReleaseTable();
}
