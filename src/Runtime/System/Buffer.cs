using Internal.Runtime.CompilerHelpers;

namespace System;

/// <summary>Block moves ilc's helpers resolve to (struct copies, CopyBlock, InitBlock).</summary>
public static unsafe class Buffer
{
    internal static void Memmove(ref byte destination, ref byte source, nuint count)
    {
        fixed (byte* d = &destination)
        fixed (byte* s = &source)
            MemoryHelpers.MemCopy(d, s, count);
    }

    // No GC, so no write barrier: a reference move is a plain move.
    internal static void BulkMoveWithWriteBarrier(ref byte destination, ref byte source, nuint count) =>
        Memmove(ref destination, ref source, count);

    public static void MemoryCopy(void* source, void* destination, long destinationSizeInBytes, long sourceBytesToCopy)
    {
        if (sourceBytesToCopy > destinationSizeInBytes)
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        MemoryHelpers.MemCopy((byte*)destination, (byte*)source, (nuint)sourceBytesToCopy);
    }
}

internal static unsafe class SpanHelpers
{
    internal static void ClearWithoutReferences(ref byte destination, nuint count)
    {
        fixed (byte* d = &destination)
            MemoryHelpers.MemZero(d, count);
    }

    internal static void ClearWithReferences(ref nint destination, nuint count)
    {
        fixed (nint* d = &destination)
            MemoryHelpers.MemZero((byte*)d, count * (nuint)sizeof(nint));
    }

    internal static void Fill(ref byte destination, nuint count, byte value)
    {
        fixed (byte* d = &destination)
            MemoryHelpers.MemSet(d, value, count);
    }

    internal static void Memmove(ref byte destination, ref byte source, nuint count) =>
        Buffer.Memmove(ref destination, ref source, count);
}
