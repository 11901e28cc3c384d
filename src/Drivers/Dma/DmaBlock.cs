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

    public static unsafe nuint Allocate(nuint length)
    {
        byte[] block = new byte[(int)length + Alignment];
        fixed (byte* start = block)
            return ((nuint)start + Alignment - 1) & ~(nuint)(Alignment - 1);
    }
}
