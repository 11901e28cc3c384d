namespace Unikernel.Drivers.Memory;

/// <summary>
/// The whole cache lines covering a byte range, and whether its first and last lines hold bytes
/// outside it: those lines must not be simply invalidated, which would drop a neighbour's writes.
/// </summary>
public readonly struct CacheLineRange
{
    public CacheLineRange(nuint address, nuint length, nuint lineSize)
    {
        if (lineSize == 0 || (lineSize & (lineSize - 1)) != 0)
            Kernel.Panic("cache line size not a power of two"u8);
        nuint mask = lineSize - 1;
        nuint end = address + length;
        LineSize = lineSize;
        Start = address & ~mask;
        End = length == 0 ? Start : (end + mask) & ~mask;
        SharedHead = length != 0 && (address & mask) != 0;
        SharedTail = length != 0 && (end & mask) != 0;
    }

    public nuint LineSize { get; }

    /// <summary>The first line's address.</summary>
    public nuint Start { get; }

    /// <summary>Past the last line.</summary>
    public nuint End { get; }

    /// <summary>The first line also holds bytes before the range.</summary>
    public bool SharedHead { get; }

    /// <summary>The last line also holds bytes after the range.</summary>
    public bool SharedTail { get; }

    public bool IsEmpty => End == Start;

    public nuint Lines => (End - Start) / LineSize;
}
