using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Unikernel;

namespace Internal.Runtime.CompilerHelpers;

/// <summary>
/// Where ilc sends every failed runtime check (bounds, null, divide by zero, checked overflow,
/// ...). There are no exceptions on bare metal: each becomes a panic naming the check and the
/// address in the method that failed. Kept out of line so the caller's return address is one
/// frame up.
/// </summary>
internal static partial class ThrowHelpers
{
    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowIndexOutOfRangeException() => Kernel.PanicAtCaller("index out of range");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowNullReferenceException() => Kernel.PanicAtCaller("null reference");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowDivideByZeroException() => Kernel.PanicAtCaller("divide by zero");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowOverflowException() => Kernel.PanicAtCaller("arithmetic overflow");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowArgumentOutOfRangeException() => Kernel.PanicAtCaller("argument out of range");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowArgumentException() => Kernel.PanicAtCaller("invalid argument");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowArgumentException_DestinationTooShort() => Kernel.PanicAtCaller("destination too short");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowArrayTypeMismatchException() => Kernel.PanicAtCaller("array type mismatch");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowPlatformNotSupportedException() => Kernel.PanicAtCaller("not supported on this platform");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowNotImplementedException() => Kernel.PanicAtCaller("not implemented");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowNotSupportedException() => Kernel.PanicAtCaller("not supported");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowInvalidProgramException() => Kernel.PanicAtCaller("invalid program");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowTypeLoadException() => Kernel.PanicAtCaller("type load failure");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowBadImageFormatException() => Kernel.PanicAtCaller("bad image format");
}
