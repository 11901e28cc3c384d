namespace Unikernel.Drivers.Dma;

/// <summary>
/// Memory for a device's DMA (descriptor rings, buffers), taken once at start-up from the heap
/// and aligned to a cache line, so cache maintenance on it never touches a neighbour. On the
/// boards the heap never moves, so its address is the one the device gets.
/// </summary>
public static class DmaBlock
{
    /// <summary>A cache line on the Cortex-A7 and A53.</summary>
    public const int Alignment = 64;

    public static nuint Allocate(nuint length) => Allocate(length, Alignment);

    /// <summary>A block aligned to <paramref name="alignment"/> (a power of two, at least a cache line): a page for legacy virtqueues.</summary>
    public static unsafe nuint Allocate(nuint length, nuint alignment)
    {
        byte[] block = new byte[(int)(length + alignment)];
        fixed (byte* start = block)
            return ((nuint)start + alignment - 1) & ~(alignment - 1);
    }
}
