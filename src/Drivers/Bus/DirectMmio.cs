using System.Runtime.CompilerServices;

namespace Unikernel.Drivers.Bus;

/// <summary>Real memory-mapped I/O: a volatile 32-bit load or store at the physical address.</summary>
public struct DirectMmio : IMmio
{
    private struct Register
    {
        public volatile uint Value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe uint Read32(nuint address) => ((Register*)address)->Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Write32(nuint address, uint value) => ((Register*)address)->Value = value;
}
