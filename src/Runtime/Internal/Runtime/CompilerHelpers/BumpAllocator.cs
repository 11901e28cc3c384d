using System.Runtime;
using Unikernel;

namespace Internal.Runtime.CompilerHelpers;

/// <summary>
/// What stands behind <c>new</c> on bare metal: a bump pointer through the heap region the
/// linker script reserves. Nothing is ever freed (there is no GC): objects are made at
/// start-up and live for ever, as the shared code's rules require. Memory comes back zeroed.
/// </summary>
internal static unsafe class BumpAllocator
{
    private static nuint s_next;
    private static nuint s_end;

    public static void Initialize(nuint start, nuint end)
    {
        s_next = start;
        s_end = end;
    }

    public static nuint Used(nuint heapStart) => s_next - heapStart;

    private static void* Allocate(nuint size)
    {
        nuint alignment = (nuint)(2 * sizeof(nint)); // 8 on ARMv7 (for 64-bit fields), 16 on AArch64
        nuint start = (s_next + alignment - 1) & ~(alignment - 1);
        if (size > s_end - start || start < s_next)
            Kernel.Panic("out of memory in the start-up heap"u8);
        s_next = start + size;
        MemoryHelpers.MemZero((byte*)start, size);
        return (void*)start;
    }

    [RuntimeExport("RhpNewFast")]
    internal static void* NewObject(MethodTable* type)
    {
        void** result = (void**)Allocate(type->BaseSize);
        *result = type;
        return result;
    }

    [RuntimeExport("RhpNewFinalizable")]
    private static void* NewFinalizable(MethodTable* type) => NewObject(type);

    [RuntimeExport("RhpNewFastAlign8")]
    private static void* NewObjectAlign8(MethodTable* type) => NewObject(type);

    [RuntimeExport("RhpNewFastMisalign")]
    private static void* NewObjectMisalign(MethodTable* type) => NewObject(type);

    [RuntimeExport("RhpNewArrayFast")]
    private static void* NewArray(MethodTable* type, int length)
    {
        if (length < 0)
            Kernel.Panic("negative array length"u8);
        ulong size = type->BaseSize + (ulong)(uint)length * type->ComponentSize;
        if (size > (ulong)(s_end - s_next))
            Kernel.Panic("out of memory in the start-up heap"u8);
        void** result = (void**)Allocate((nuint)size);
        *result = type;
        *(int*)(result + 1) = length;
        return result;
    }

    [RuntimeExport("RhpNewPtrArrayFast")]
    private static void* NewPointerArray(MethodTable* type, int length) => NewArray(type, length);

    [RuntimeExport("RhpNewArrayFastAlign8")]
    private static void* NewArrayAlign8(MethodTable* type, int length) => NewArray(type, length);
}
