// Helpers ilc's whole-program scanner resolves by name up front, whether or not the program
// uses them. Our code does not cast to interfaces, test types or throw, so none of these
// should ever run: if one does, the panic names it.

namespace System.Runtime
{
    using System.Runtime.CompilerServices;

    internal static class TypeCast
    {
        private static void CheckCastAny() => Unikernel.Kernel.Panic("unsupported runtime helper TypeCast.CheckCastAny"u8);
        private static void CheckCastInterface() => Unikernel.Kernel.Panic("unsupported runtime helper TypeCast.CheckCastInterface"u8);
        private static void CheckCastClass() => Unikernel.Kernel.Panic("unsupported runtime helper TypeCast.CheckCastClass"u8);
        private static void CheckCastClassSpecial() => Unikernel.Kernel.Panic("unsupported runtime helper TypeCast.CheckCastClassSpecial"u8);
        private static void IsInstanceOfAny() => Unikernel.Kernel.Panic("unsupported runtime helper TypeCast.IsInstanceOfAny"u8);
        private static void IsInstanceOfInterface() => Unikernel.Kernel.Panic("unsupported runtime helper TypeCast.IsInstanceOfInterface"u8);
        private static void IsInstanceOfClass() => Unikernel.Kernel.Panic("unsupported runtime helper TypeCast.IsInstanceOfClass"u8);
        private static void IsInstanceOfException() => Unikernel.Kernel.Panic("unsupported runtime helper TypeCast.IsInstanceOfException"u8);

        // A store into an array of a reference type (stelem.ref). The element type check needs
        // type data we do not keep; our code has no covariant array stores (an array of a
        // sealed class, of the exact type made), so it is a bounds-checked plain store.
        private static void StelemRef(object?[] array, nint index, object? value)
        {
            if ((nuint)index >= (nuint)array.Length)
                Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowIndexOutOfRangeException();
            ref object? first = ref Unsafe.As<byte, object?>(ref Unsafe.As<RawArrayData>(array).Data);
            Unsafe.Add(ref first, index) = value;
        }

        // The address of such an element (ldelema of a reference type), as for any other array.
        private static ref object? LdelemaRef(object?[] array, nint index, IntPtr elementType)
        {
            if ((nuint)index >= (nuint)array.Length)
                Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowIndexOutOfRangeException();
            ref object? first = ref Unsafe.As<byte, object?>(ref Unsafe.As<RawArrayData>(array).Data);
            return ref Unsafe.Add(ref first, index);
        }
    }
}

namespace Internal.Runtime.CompilerHelpers
{
    internal static partial class ThrowHelpers
    {
        private static void ThrowFeatureBodyRemoved() => Unikernel.Kernel.Panic("unsupported runtime helper ThrowHelpers.ThrowFeatureBodyRemoved"u8);
    }
}

namespace System.Runtime.InteropServices
{
    internal static class IDynamicInterfaceCastable
    {
        private static void GetDynamicInterfaceImplementation() => Unikernel.Kernel.Panic("unsupported runtime helper IDynamicInterfaceCastable.GetDynamicInterfaceImplementation"u8);
    }
}

namespace Internal.Runtime.CompilerHelpers
{
    // Run-time lookups of ldtoken handles. The JIT expands array initialisers from ldtoken'd
    // data in place, so these are named by the compiler but should never run.
    internal static class LdTokenHelpers
    {
        private static System.RuntimeFieldHandle GetRuntimeFieldHandle(nint handleSignature)
        {
            Unikernel.Kernel.Panic("unsupported runtime helper LdTokenHelpers.GetRuntimeFieldHandle"u8);
            return default;
        }

        private static System.RuntimeTypeHandle GetRuntimeTypeHandle(nint handleSignature)
        {
            Unikernel.Kernel.Panic("unsupported runtime helper LdTokenHelpers.GetRuntimeTypeHandle"u8);
            return default;
        }

        private static System.RuntimeMethodHandle GetRuntimeMethodHandle(nint handleSignature)
        {
            Unikernel.Kernel.Panic("unsupported runtime helper LdTokenHelpers.GetRuntimeMethodHandle"u8);
            return default;
        }
    }
}
