using System.Runtime.CompilerServices;

namespace System.Threading;

/// <summary>
/// Acquire reads and release writes, as in the BCL. A field marked <c>volatile</c> gives ilc
/// exactly that (ldar/stlr on AArch64, a dmb on ARMv7), so each call goes through one.
/// </summary>
public static class Volatile
{
    // C# allows volatile only on fields of at most pointer size, one struct per width.
    private struct Box8 { public volatile byte Value; }
    private struct Box16 { public volatile ushort Value; }
    private struct Box32 { public volatile uint Value; }
    private struct BoxNative { public volatile nuint Value; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe ulong Read(ref readonly ulong location)
    {
        // 64-bit targets: one acquire load; 32-bit: two, low word first.
        if (sizeof(nuint) == 8)
            return Unsafe.As<ulong, BoxNative>(ref Unsafe.AsRef(in location)).Value;
        ref uint low = ref Unsafe.As<ulong, uint>(ref Unsafe.AsRef(in location));
        return Read(ref low) | (ulong)Read(ref Unsafe.Add(ref low, 1)) << 32;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Write(ref ulong location, ulong value)
    {
        if (sizeof(nuint) == 8)
        {
            Unsafe.As<ulong, BoxNative>(ref location).Value = (nuint)value;
            return;
        }
        ref uint low = ref Unsafe.As<ulong, uint>(ref location);
        Write(ref low, (uint)value);
        Write(ref Unsafe.Add(ref low, 1), (uint)(value >> 32));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte Read(ref readonly byte location) => Unsafe.As<byte, Box8>(ref Unsafe.AsRef(in location)).Value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort Read(ref readonly ushort location) => Unsafe.As<ushort, Box16>(ref Unsafe.AsRef(in location)).Value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Read(ref readonly uint location) => Unsafe.As<uint, Box32>(ref Unsafe.AsRef(in location)).Value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Read(ref readonly int location) => (int)Unsafe.As<int, Box32>(ref Unsafe.AsRef(in location)).Value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Read(ref readonly bool location) => Unsafe.As<bool, Box8>(ref Unsafe.AsRef(in location)).Value != 0;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nuint Read(ref readonly nuint location) => Unsafe.As<nuint, BoxNative>(ref Unsafe.AsRef(in location)).Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(ref byte location, byte value) => Unsafe.As<byte, Box8>(ref location).Value = value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(ref ushort location, ushort value) => Unsafe.As<ushort, Box16>(ref location).Value = value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(ref uint location, uint value) => Unsafe.As<uint, Box32>(ref location).Value = value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(ref int location, int value) => Unsafe.As<int, Box32>(ref location).Value = (uint)value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(ref bool location, bool value) => Unsafe.As<bool, Box8>(ref location).Value = value ? (byte)1 : (byte)0;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(ref nuint location, nuint value) => Unsafe.As<nuint, BoxNative>(ref location).Value = value;
}
