namespace Unikernel.Platform;

/// <summary>
/// Texts numbered from 0, as one UTF-8 literal of NUL-terminated entries
/// (<c>"first\0"u8 + "second\0"u8</c>). For enum-to-text lookups in images that count bytes:
/// each arm of a <c>switch</c> returning a span costs ~16 bytes of code, a table entry costs only
/// its text. Drivers' and the image format's status texts use it; the corelib's panic texts have
/// their own copy (src/Runtime/Unikernel/Kernel.cs), as the corelib uses nothing above it.
/// </summary>
public static class Utf8Table
{
    /// <summary>Entry <paramref name="index"/> of <paramref name="table"/> without its NUL; empty past the end.</summary>
    public static ReadOnlySpan<byte> Entry(ReadOnlySpan<byte> table, int index)
    {
        int start = 0;
        for (int i = 0; i < table.Length; i++)
        {
            if (table[i] != 0)
                continue;
            if (index-- == 0)
                return table.Slice(start, i - start);
            start = i + 1;
        }
        return default;
    }
}
