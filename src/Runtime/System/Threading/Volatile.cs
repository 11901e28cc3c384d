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

    public static byte Read(ref readonly byte location) => Unsafe.As<byte, Box8>(ref Unsafe.AsRef(in location)).Value;
    public static ushort Read(ref readonly ushort location) => Unsafe.As<ushort, Box16>(ref Unsafe.AsRef(in location)).Value;
    public static uint Read(ref readonly uint location) => Unsafe.As<uint, Box32>(ref Unsafe.AsRef(in location)).Value;
    public static int Read(ref readonly int location) => (int)Unsafe.As<int, Box32>(ref Unsafe.AsRef(in location)).Value;
    public static bool Read(ref readonly bool location) => Unsafe.As<bool, Box8>(ref Unsafe.AsRef(in location)).Value != 0;
    public static nuint Read(ref readonly nuint location) => Unsafe.As<nuint, BoxNative>(ref Unsafe.AsRef(in location)).Value;

    public static void Write(ref byte location, byte value) => Unsafe.As<byte, Box8>(ref location).Value = value;
    public static void Write(ref ushort location, ushort value) => Unsafe.As<ushort, Box16>(ref location).Value = value;
    public static void Write(ref uint location, uint value) => Unsafe.As<uint, Box32>(ref location).Value = value;
    public static void Write(ref int location, int value) => Unsafe.As<int, Box32>(ref location).Value = (uint)value;
    public static void Write(ref bool location, bool value) => Unsafe.As<bool, Box8>(ref location).Value = value ? (byte)1 : (byte)0;
    public static void Write(ref nuint location, nuint value) => Unsafe.As<nuint, BoxNative>(ref location).Value = value;
}
