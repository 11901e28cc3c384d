using System.Runtime;
using System.Runtime.CompilerServices;

namespace Unikernel.Platform;

/// <summary>
/// The CPU's cache maintenance instructions (ARMv7 ARM, "Cache and branch predictor maintenance operations"; ARMv8 ARM, DC and IC), each an
/// assembly helper in the entry code. The range operations take whole lines: [start, end)
/// with start aligned to <see cref="DataLineSize"/>; <c>Unikernel.Drivers.Memory.DataCache</c>
/// rounds arbitrary ranges. Each ends with a DSB, so a DMA started afterwards sees the memory.
/// </summary>
public static class Caches
{
    /// <summary>The smallest data cache line of any level, in bytes (CTR DminLine).</summary>
    public static uint DataLineSize => (uint)LineSize();

    /// <summary>Writes dirty lines in [start, end) back to the point of coherency (DCCMVAC, DC CVAC).</summary>
    public static void CleanLines(nuint start, nuint end, nuint lineSize) => Clean(start, end, lineSize);

    /// <summary>Drops the lines in [start, end) without writing them back (DCIMVAC, DC IVAC).</summary>
    public static void InvalidateLines(nuint start, nuint end, nuint lineSize) => Invalidate(start, end, lineSize);

    /// <summary>Writes back, then drops, the lines in [start, end) (DCCIMVAC, DC CIVAC).</summary>
    public static void CleanInvalidateLines(nuint start, nuint end, nuint lineSize) => CleanInvalidate(start, end, lineSize);

    /// <summary>Every data cache level up to the level of coherency, by set/way: written back and emptied.</summary>
    public static void CleanInvalidateAllData() => CleanInvalidateAll();

    /// <summary>Empties the instruction cache (and, on ARMv7, the branch predictor): after writing code.</summary>
    public static void InvalidateInstructions() => InvalidateInstructionCache();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_dcache_line_size")]
    private static extern nuint LineSize();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_dcache_clean_lines")]
    private static extern void Clean(nuint start, nuint end, nuint lineSize);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_dcache_invalidate_lines")]
    private static extern void Invalidate(nuint start, nuint end, nuint lineSize);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_dcache_clean_invalidate_lines")]
    private static extern void CleanInvalidate(nuint start, nuint end, nuint lineSize);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_dcache_clean_invalidate_all")]
    private static extern void CleanInvalidateAll();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_icache_invalidate")]
    private static extern void InvalidateInstructionCache();
}
