using System.Runtime;
using System.Runtime.CompilerServices;

namespace Unikernel.Platform;

/// <summary>
/// Atomic read-modify-write of a 32-bit word, shared between cores: our corelib has no
/// <c>Interlocked</c>, so each is an assembly helper of the entry code (LDREX/STREX on ARMv7,
/// LDAXR/STLXR on AArch64: the Cortex-A53 is ARMv8.0, without LSE). Each is a full barrier:
/// nothing before it moves after it, nothing after it before it. The host twin
/// (Host/Atomic.cs) is <c>Interlocked</c>.
/// </summary>
public static class Atomic
{
    /// <summary>Writes <paramref name="value"/> if the word equals <paramref name="comparand"/>; returns what it held.</summary>
    public static uint CompareExchange(ref uint location, uint value, uint comparand) => CompareExchangeWord(ref location, value, comparand);

    /// <summary>Writes <paramref name="value"/>; returns what the word held.</summary>
    public static uint Exchange(ref uint location, uint value) => ExchangeWord(ref location, value);

    /// <summary>Adds <paramref name="value"/> (wrapping); returns the sum written.</summary>
    public static uint Add(ref uint location, uint value) => AddWord(ref location, value);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_atomic_compare_exchange")]
    private static extern uint CompareExchangeWord(ref uint location, uint value, uint comparand);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_atomic_exchange")]
    private static extern uint ExchangeWord(ref uint location, uint value);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_atomic_add")]
    private static extern uint AddWord(ref uint location, uint value);
}
