using System.Runtime.CompilerServices;

namespace System;

public static class MemoryExtensions
{
    public static bool SequenceEqual<T>(this Span<T> span, ReadOnlySpan<T> other) where T : IEquatable<T> =>
        SequenceEqual((ReadOnlySpan<T>)span, other);

    public static bool SequenceEqual<T>(this ReadOnlySpan<T> span, ReadOnlySpan<T> other) where T : IEquatable<T>
    {
        if (span.Length != other.Length)
            return false;
        for (nint i = 0; i < span.Length; i++)
        {
            if (!Unsafe.Add(ref span._reference, i).Equals(Unsafe.Add(ref other._reference, i)))
                return false;
        }
        return true;
    }

    public static int IndexOf<T>(this ReadOnlySpan<T> span, T value) where T : IEquatable<T>
    {
        for (int i = 0; i < span.Length; i++)
        {
            if (Unsafe.Add(ref span._reference, (nint)i).Equals(value))
                return i;
        }
        return -1;
    }

    public static int IndexOf<T>(this Span<T> span, T value) where T : IEquatable<T> =>
        IndexOf((ReadOnlySpan<T>)span, value);

    public static Span<T> AsSpan<T>(this T[]? array) => new Span<T>(array);

    public static Span<T> AsSpan<T>(this T[]? array, int start, int length) => new Span<T>(array, start, length);

    public static ReadOnlySpan<char> AsSpan(this string? text) => text;
}
