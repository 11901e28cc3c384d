using System.Runtime.CompilerServices;

namespace Unikernel.Drivers.Bus;

/// <summary>Real memory-mapped I/O: a volatile load or store of the register's width at its physical address.</summary>
public struct DirectMmio : IMmio
{
    // A volatile field is what makes ilc emit a single, ordered access (ldar/stlr on AArch64).
    private struct Register8 { public volatile byte Value; }
    private struct Register16 { public volatile ushort Value; }
    private struct Register32 { public volatile uint Value; }
    private struct Register64 { public ulong Value; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe byte Read8(nuint address) => ((Register8*)address)->Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Write8(nuint address, byte value) => ((Register8*)address)->Value = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe ushort Read16(nuint address) => ((Register16*)address)->Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Write16(nuint address, ushort value) => ((Register16*)address)->Value = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe uint Read32(nuint address) => ((Register32*)address)->Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Write32(nuint address, uint value) => ((Register32*)address)->Value = value;

    // C# has no volatile 64-bit fields; 64-bit registers are read with Volatile semantics.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe ulong Read64(nuint address) => System.Threading.Volatile.Read(ref ((Register64*)address)->Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Write64(nuint address, ulong value) => System.Threading.Volatile.Write(ref ((Register64*)address)->Value, value);
}
