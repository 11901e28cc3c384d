using System.Diagnostics.CodeAnalysis;
using System.Runtime;
using System.Runtime.CompilerServices;

namespace Internal.Runtime.CompilerHelpers;

/// <summary>
/// Where ilc sends every failed runtime check (bounds, null, divide by zero, checked overflow,
/// ...), and where the corelib's own checks go. There are no exceptions on bare metal: each is
/// a trampoline in the entry assembly (src/Platform/Entry/runtime-checks.inc) that takes the
/// return address, then panics naming the check and the failing method's address
/// (<see cref="Unikernel.RuntimeCheck"/>).
/// </summary>
internal static partial class ThrowHelpers
{
    [DoesNotReturn, MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_check_index")]
    public static extern void ThrowIndexOutOfRangeException();

    [DoesNotReturn, MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_check_null")]
    public static extern void ThrowNullReferenceException();

    [DoesNotReturn, MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_check_divide_by_zero")]
    public static extern void ThrowDivideByZeroException();

    [DoesNotReturn, MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_check_overflow")]
    public static extern void ThrowOverflowException();

    [DoesNotReturn, MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_check_argument_range")]
    public static extern void ThrowArgumentOutOfRangeException();

    [DoesNotReturn, MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_check_argument")]
    public static extern void ThrowArgumentException();

    [DoesNotReturn, MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_check_destination")]
    public static extern void ThrowArgumentException_DestinationTooShort();

    [DoesNotReturn, MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_check_array_type")]
    public static extern void ThrowArrayTypeMismatchException();

    [DoesNotReturn, MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_check_platform")]
    public static extern void ThrowPlatformNotSupportedException();

    [DoesNotReturn, MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_check_not_implemented")]
    public static extern void ThrowNotImplementedException();

    [DoesNotReturn, MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_check_not_supported")]
    public static extern void ThrowNotSupportedException();

    [DoesNotReturn, MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_check_invalid_program")]
    public static extern void ThrowInvalidProgramException();

    [DoesNotReturn, MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_check_type_load")]
    public static extern void ThrowTypeLoadException();

    [DoesNotReturn, MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_check_bad_image")]
    public static extern void ThrowBadImageFormatException();
}
