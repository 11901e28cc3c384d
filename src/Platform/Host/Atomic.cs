using System.Threading;

namespace Unikernel.Platform;

/// <summary>The host twin of the bare-metal <c>Atomic</c> (src/Platform/Cpu/Atomic.cs): <c>Interlocked</c>, which is a full barrier too.</summary>
public static class Atomic
{
    public static uint CompareExchange(ref uint location, uint value, uint comparand) => Interlocked.CompareExchange(ref location, value, comparand);

    public static uint Exchange(ref uint location, uint value) => Interlocked.Exchange(ref location, value);

    public static uint Add(ref uint location, uint value) => Interlocked.Add(ref location, value);
}
