using System.Runtime;

namespace Internal.Runtime.CompilerHelpers;

/// <summary>
/// Block copy and fill that ilc emits calls to (struct copies, stackalloc zeroing,
/// InitBlock/CopyBlock). Correct at any alignment, which matters while the MMU is off: words only
/// where both sides are aligned, bytes elsewhere. The exported names also serve the assembly start-up code.
/// </summary>
internal static unsafe class MemoryHelpers
{
    [RuntimeExport("RhSpanHelpers_MemCopy")]
    public static void MemCopy(byte* destination, byte* source, nuint count)
    {
        if (destination <= source || destination >= source + count)
        {
            // Forward. When both sides share their alignment, the bulk goes a word at a time
            // (aligned words never fault, MMU on or off); otherwise byte by byte.
            nuint i = 0;
            if (count >= 16 && (((nuint)destination ^ (nuint)source) & (nuint)(sizeof(nuint) - 1)) == 0)
            {
                for (; ((nuint)(destination + i) & (nuint)(sizeof(nuint) - 1)) != 0; i++)
                    destination[i] = source[i];
                for (; i + (nuint)sizeof(nuint) <= count; i += (nuint)sizeof(nuint))
                    *(nuint*)(destination + i) = *(nuint*)(source + i);
            }
            for (; i < count; i++)
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
