using Unikernel.Platform;

namespace Unikernel.Drivers.Memory;

/// <summary>
/// Data cache maintenance by address range to the point of coherency, for memory a DMA master
/// shares with the CPU: arbitrary ranges rounded to whole lines (<see cref="CacheLineRange"/>),
/// then the line operations of <see cref="Caches"/>. Harmless with the caches off.
/// </summary>
public static class DataCache
{
    private static nuint s_lineSize;

    /// <summary>The smallest data cache line (CTR), read once.</summary>
    public static nuint LineSize
    {
        get
        {
            if (s_lineSize == 0)
                s_lineSize = Caches.DataLineSize;
            return s_lineSize;
        }
    }

    /// <summary>Before a device reads [address, address + length): dirty lines written back.</summary>
    public static void Clean(nuint address, nuint length)
    {
        var lines = new CacheLineRange(address, length, LineSize);
        if (!lines.IsEmpty)
            Caches.CleanLines(lines.Start, lines.End, lines.LineSize);
    }

    /// <summary>Written back and dropped: before a device writes memory the CPU also wrote.</summary>
    public static void CleanInvalidate(nuint address, nuint length)
    {
        var lines = new CacheLineRange(address, length, LineSize);
        if (!lines.IsEmpty)
            Caches.CleanInvalidateLines(lines.Start, lines.End, lines.LineSize);
    }

    /// <summary>
    /// Before the CPU reads what a device wrote to [address, address + length): stale lines
    /// dropped. A first or last line that also holds bytes outside the range is cleaned as well
    /// as invalidated, so the CPU's writes next to the buffer survive.
    /// </summary>
    public static void Invalidate(nuint address, nuint length)
    {
        var lines = new CacheLineRange(address, length, LineSize);
        nuint start = lines.Start;
        nuint end = lines.End;
        if (lines.SharedHead)
        {
            Caches.CleanInvalidateLines(start, start + lines.LineSize, lines.LineSize);
            start += lines.LineSize;
        }
        if (lines.SharedTail && end > start)
        {
            Caches.CleanInvalidateLines(end - lines.LineSize, end, lines.LineSize);
            end -= lines.LineSize;
        }
        if (end > start)
            Caches.InvalidateLines(start, end, lines.LineSize);
    }
}
