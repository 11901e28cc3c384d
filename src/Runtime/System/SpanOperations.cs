using System.Runtime.CompilerServices;

namespace System;

/// <summary>
/// Element loops behind Span's Clear, Fill and CopyTo. Kept as plain loops over refs: ilc
/// compiles them to tight code, and nothing here assumes alignment (the MMU may be off, where
/// unaligned accesses fault).
/// </summary>
internal static class SpanOperations
{
    public static void Clear<T>(ref T start, int length)
    {
        for (nint i = 0; i < length; i++)
            Unsafe.Add(ref start, i) = default!;
    }

    public static void Fill<T>(ref T start, int length, T value)
    {
        for (nint i = 0; i < length; i++)
            Unsafe.Add(ref start, i) = value;
    }

    /// <summary>Copies with memmove semantics: overlapping source and destination are safe.</summary>
    public static void Copy<T>(ref T destination, ref T source, int length)
    {
        if (Unsafe.AreSame(ref destination, ref source) || length == 0)
            return;
        // Plain data (bytes above all: frames, TCP buffers, kernels) goes through the block copy,
        // which moves aligned words; ilc resolves this test per T at compile time.
        if (!RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            Buffer.Memmove(ref Unsafe.As<T, byte>(ref destination), ref Unsafe.As<T, byte>(ref source), (nuint)length * (nuint)Unsafe.SizeOf<T>());
            return;
        }
        if (Unsafe.IsAddressLessThan(ref destination, ref source))
        {
            for (nint i = 0; i < length; i++)
                Unsafe.Add(ref destination, i) = Unsafe.Add(ref source, i);
        }
        else
        {
            for (nint i = length - 1; i >= 0; i--)
                Unsafe.Add(ref destination, i) = Unsafe.Add(ref source, i);
        }
    }
}

/// <summary>Gives access to the first element of an array, whatever its element type.</summary>
internal sealed class RawArrayData
{
#pragma warning disable CS0649
    public nuint Length; // the int length, padded to pointer size on 64-bit targets
    public byte Data;
#pragma warning restore CS0649
}
