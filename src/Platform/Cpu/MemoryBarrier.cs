using System.Runtime;
using System.Runtime.CompilerServices;

namespace Unikernel.Platform;

/// <summary>
/// A full memory barrier (DMB ISH): every load and store before it is observed before any after
/// it, a store followed by a load included. Acquire loads and release stores (volatile) do not
/// order that pair on every implementation that matters here (QEMU's TCG places their barriers
/// before the store and after the load), and shared rings need it: publish an index, then read
/// whether the peer wants to be told (virtio spec 1.1 2.6.13.6, Linux virtio_mb()).
/// </summary>
public static class MemoryBarrier
{
    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_memory_barrier")]
    public static extern void Full();
}
