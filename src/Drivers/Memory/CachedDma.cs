using Unikernel.Drivers.Ethernet;

using Unikernel.Drivers.Dma;

namespace Unikernel.Drivers.Memory;

/// <summary>
/// DMA memory in cacheable RAM with the MMU's identity map: the device address is the CPU
/// address, and the hand-overs clean or invalidate the data cache by range to the point of
/// coherency (<see cref="DataCache"/>). Descriptors that share a cache line with others the
/// device writes need an uncached region instead (<see cref="MemoryKind.NormalUncached"/>) or
/// line-sized descriptors: cleaning one line writes back its neighbours too.
/// </summary>
public struct CachedDma : IDmaMemory
{
    public static uint DeviceAddress(nuint cpuAddress)
    {
        if (cpuAddress > uint.MaxValue)
            Kernel.Panic("DMA memory above 4 GiB"u8);
        return (uint)cpuAddress;
    }

    public static void CleanForDevice(nuint address, nuint length) => DataCache.Clean(address, length);

    public static void InvalidateForCpu(nuint address, nuint length) => DataCache.Invalidate(address, length);
}
