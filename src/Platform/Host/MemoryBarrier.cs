using System.Threading;

namespace Unikernel.Platform;

/// <summary>The host twin of the bare-metal full barrier (src/Platform/Cpu/MemoryBarrier.cs).</summary>
public static class MemoryBarrier
{
    public static void Full() => Interlocked.MemoryBarrier();
}
