using System.Runtime;

namespace Internal.Runtime.CompilerHelpers;

/// <summary>
/// Block copy and fill that ilc emits calls to (struct copies, stackalloc zeroing,
/// InitBlock/CopyBlock). Byte loops: correct at any alignment, which matters while the MMU
/// is off. The exported names also serve the assembly start-up code.
/// </summary>
internal static unsafe class MemoryHelpers
{
    [RuntimeExport("RhSpanHelpers_MemCopy")]
    public static void MemCopy(byte* destination, byte* source, nuint count)
    {
        if (destination <= source || destination >= source + count)
        {
            for (nuint i = 0; i < count; i++)
                destination[i] = source[i];
        }
        else
        {
            for (nuint i = count; i > 0; i--)
                destination[i - 1] = source[i - 1];
        }
    }

    [RuntimeExport("RhSpanHelpers_MemSet")]
    public static void MemSet(byte* destination, byte value, nuint count)
    {
        for (nuint i = 0; i < count; i++)
            destination[i] = value;
    }

    [RuntimeExport("RhSpanHelpers_MemZero")]
    public static void MemZero(byte* destination, nuint count)
    {
        for (nuint i = 0; i < count; i++)
            destination[i] = 0;
    }

    [RuntimeExport("memset")]
    public static byte* CMemSet(byte* destination, int value, nuint count)
    {
        MemSet(destination, (byte)value, count);
        return destination;
    }

    [RuntimeExport("memcpy")]
    public static byte* CMemCpy(byte* destination, byte* source, nuint count)
    {
        MemCopy(destination, source, count);
        return destination;
    }

    [RuntimeExport("memmove")]
    public static byte* CMemMove(byte* destination, byte* source, nuint count)
    {
        MemCopy(destination, source, count);
        return destination;
    }
}
