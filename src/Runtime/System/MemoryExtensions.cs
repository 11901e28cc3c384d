using System.Runtime.CompilerServices;

namespace System;

public static class MemoryExtensions
{
    public static bool SequenceEqual<T>(this Span<T> span, ReadOnlySpan<T> other) where T : IEquatable<T> =>
        SequenceEqual((ReadOnlySpan<T>)span, other);

    // The element types that implement IEquatable<T> here are the integer primitives, whose
    // equality is bitwise: comparing bytes spares ilc the interface call (which it compiles
    // with a box for primitives, and boxing would allocate).
    public static bool SequenceEqual<T>(this ReadOnlySpan<T> span, ReadOnlySpan<T> other) where T : IEquatable<T>
    {
        if (span.Length != other.Length)
            return false;
        nint bytes = (nint)span.Length * Unsafe.SizeOf<T>();
        ref byte left = ref Unsafe.As<T, byte>(ref span._reference);
        ref byte right = ref Unsafe.As<T, byte>(ref other._reference);
        for (nint i = 0; i < bytes; i++)
        {
            if (Unsafe.Add(ref left, i) != Unsafe.Add(ref right, i))
                return false;
        }
        return true;
    }

    public static int IndexOf<T>(this ReadOnlySpan<T> span, T value) where T : IEquatable<T>
    {
        int size = Unsafe.SizeOf<T>();
        ref byte wanted = ref Unsafe.As<T, byte>(ref value);
        for (int i = 0; i < span.Length; i++)
        {
            ref byte element = ref Unsafe.As<T, byte>(ref Unsafe.Add(ref span._reference, (nint)i));
            int matched = 0;
            while (matched < size && Unsafe.Add(ref element, (nint)matched) == Unsafe.Add(ref wanted, (nint)matched))
                matched++;
            if (matched == size)
                return i;
        }
        return -1;
    }

    public static int IndexOf<T>(this Span<T> span, T value) where T : IEquatable<T> =>
        IndexOf((ReadOnlySpan<T>)span, value);

    public static Span<T> AsSpan<T>(this T[]? array) => new Span<T>(array);

    public static Span<T> AsSpan<T>(this T[]? array, int start, int length) => new Span<T>(array, start, length);

    public static Span<T> AsSpan<T>(this T[]? array, int start) => new Span<T>(array).Slice(start);

    public static ReadOnlySpan<char> AsSpan(this string? text) => text;
}
