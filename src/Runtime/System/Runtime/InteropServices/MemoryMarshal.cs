using System.Runtime.CompilerServices;
using Internal.Runtime.CompilerHelpers;

namespace System.Runtime.InteropServices;

/// <summary>The BCL's MemoryMarshal subset: reinterpreting spans of unmanaged data.</summary>
public static class MemoryMarshal
{
    public static ref T GetReference<T>(Span<T> span) => ref span._reference;

    public static ref T GetReference<T>(ReadOnlySpan<T> span) => ref span._reference;

    public static Span<T> CreateSpan<T>(ref T reference, int length) => new Span<T>(ref reference, length);

    public static ReadOnlySpan<T> CreateReadOnlySpan<T>(ref readonly T reference, int length) =>
        new ReadOnlySpan<T>(ref Unsafe.AsRef(in reference), length);

    public static Span<byte> AsBytes<T>(Span<T> span) where T : unmanaged =>
        new Span<byte>(ref Unsafe.As<T, byte>(ref span._reference), checked(span.Length * Unsafe.SizeOf<T>()));

    public static ReadOnlySpan<byte> AsBytes<T>(ReadOnlySpan<T> span) where T : unmanaged =>
        new ReadOnlySpan<byte>(ref Unsafe.As<T, byte>(ref span._reference), checked(span.Length * Unsafe.SizeOf<T>()));

    public static Span<TTo> Cast<TFrom, TTo>(Span<TFrom> span) where TFrom : unmanaged where TTo : unmanaged =>
        new Span<TTo>(ref Unsafe.As<TFrom, TTo>(ref span._reference),
            (int)((ulong)(uint)span.Length * (ulong)(uint)Unsafe.SizeOf<TFrom>() / (ulong)(uint)Unsafe.SizeOf<TTo>()));

    public static ReadOnlySpan<TTo> Cast<TFrom, TTo>(ReadOnlySpan<TFrom> span) where TFrom : unmanaged where TTo : unmanaged =>
        new ReadOnlySpan<TTo>(ref Unsafe.As<TFrom, TTo>(ref span._reference),
            (int)((ulong)(uint)span.Length * (ulong)(uint)Unsafe.SizeOf<TFrom>() / (ulong)(uint)Unsafe.SizeOf<TTo>()));

    /// <summary>Reads a T from the start of the bytes, unaligned; panics if they are too few.</summary>
    public static T Read<T>(ReadOnlySpan<byte> source) where T : unmanaged
    {
        if (Unsafe.SizeOf<T>() > source.Length)
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        return Unsafe.ReadUnaligned<T>(ref source._reference);
    }

    /// <summary>Writes a T at the start of the bytes, unaligned; panics if they are too few.</summary>
    public static void Write<T>(Span<byte> destination, in T value) where T : unmanaged
    {
        if (Unsafe.SizeOf<T>() > destination.Length)
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        Unsafe.WriteUnaligned(ref destination._reference, value);
    }
}
