using System.Runtime;

namespace Internal.Runtime.CompilerHelpers;

/// <summary>
/// The symbols ilc's generated code expects from a runtime. With one core, no GC and no
/// threads, the transitions are empty and the write barriers plain stores. ilc requires the
/// class itself to exist.
/// </summary>
internal static unsafe class StartupCodeHelpers
{
    [RuntimeExport("RhpReversePInvoke")]
    private static void RhpReversePInvoke(nint frame) { }

    [RuntimeExport("RhpReversePInvokeReturn")]
    private static void RhpReversePInvokeReturn(nint frame) { }

    [RuntimeExport("RhpPInvoke")]
    private static void RhpPInvoke(nint frame) { }

    [RuntimeExport("RhpPInvokeReturn")]
    private static void RhpPInvokeReturn(nint frame) { }

    [RuntimeExport("RhpGcPoll")]
    private static void RhpGcPoll() { }

    [RuntimeExport("RhpFallbackFailFast")]
    private static void RhpFallbackFailFast() => Unikernel.Kernel.Panic("runtime fail-fast"u8);

    [RuntimeExport("RhpAssignRef")]
    private static void RhpAssignRef(void** destination, void* value) => *destination = value;

    [RuntimeExport("RhpCheckedAssignRef")]
    private static void RhpCheckedAssignRef(void** destination, void* value) => *destination = value;

    [RuntimeExport("RhpByRefAssignRef")]
    private static void RhpByRefAssignRef(void** destination, void** source) => *destination = *source;

    [RuntimeExport("RhpStelemRef")]
    private static void RhpStelemRef(void** array, nint index, void* value)
    {
        // Element type checks need type hierarchy data we do not keep: only exact reference
        // arrays exist in our code, so the store is a bounds-checked plain store.
        int length = *(int*)(array + 1);
        if ((nuint)index >= (nuint)length)
            ThrowHelpers.ThrowIndexOutOfRangeException();
        ((void**)((byte*)array + 2 * sizeof(nint)))[index] = value;
    }
}
