using System.Collections.Generic;

namespace Unikernel.Platform;

/// <summary>
/// The host twin of the cache maintenance helpers (src/Platform/Cpu/Caches.cs): the host's
/// caches are coherent, so nothing is done; each call is logged for tests.
/// </summary>
public static class Caches
{
    /// <summary>The line size the host twin reports: the 64 bytes of Cortex-A7 and Cortex-A53.</summary>
    public static uint DataLineSize { get; set; } = 64;

    /// <summary>Every call, e.g. <c>clean 0x1000..0x1040</c>.</summary>
    public static List<string> Log { get; } = [];

    public static void CleanLines(nuint start, nuint end, nuint lineSize) => Record("clean", start, end, lineSize);

    public static void InvalidateLines(nuint start, nuint end, nuint lineSize) => Record("invalidate", start, end, lineSize);

    public static void CleanInvalidateLines(nuint start, nuint end, nuint lineSize) => Record("clean+invalidate", start, end, lineSize);

    public static void CleanInvalidateAllData() => Log.Add("clean+invalidate all");

    public static void InvalidateInstructions() => Log.Add("invalidate instructions");

    private static void Record(string operation, nuint start, nuint end, nuint lineSize)
    {
        if (start % lineSize != 0 || end <= start)
            Kernel.Panic("cache range not whole lines"u8);
        Log.Add($"{operation} 0x{start:x}..0x{end:x}");
    }
}
