namespace Unikernel.Drivers.Dma;

/// <summary>
/// How the CPU's view of DMA memory relates to the DMA's: the 32-bit bus address a DMA master
/// (EMAC, SMHC IDMAC) is given for a CPU address, and the cache maintenance around each hand-over. A static abstract,
/// so the calls cost nothing once ilc specialises the driver.
/// </summary>
public interface IDmaMemory
{
    /// <summary>The address the DMA uses for <paramref name="cpuAddress"/>.</summary>
    static abstract uint DeviceAddress(nuint cpuAddress);

    /// <summary>Before the DMA reads [address, address + length): write dirty cache lines back to memory.</summary>
    static abstract void CleanForDevice(nuint address, nuint length);

    /// <summary>Before the CPU reads what the DMA wrote to [address, address + length): drop stale cache lines.</summary>
    static abstract void InvalidateForCpu(nuint address, nuint length);
}

/// <summary>
/// Physical = virtual and no data cache over DMA memory: what the boards run with today (MMU and
/// caches off). When caches come on, the MMU/cache code supplies a type whose hooks clean and
/// invalidate by virtual address to the point of coherency (DC CVAC / DC IVAC, or map the rings
/// uncached and keep these no-ops).
/// </summary>
public struct UncachedDma : IDmaMemory
{
    public static uint DeviceAddress(nuint cpuAddress)
    {
        if (cpuAddress > uint.MaxValue)
            Kernel.Panic("DMA memory above 4 GiB"u8);
        return (uint)cpuAddress;
    }

    public static void CleanForDevice(nuint address, nuint length)
    {
    }

    public static void InvalidateForCpu(nuint address, nuint length)
    {
    }
}
