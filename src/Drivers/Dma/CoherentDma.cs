namespace Unikernel.Drivers.Dma;

/// <summary>
/// DMA memory in cacheable RAM of a device that sees the CPU's caches: no maintenance is needed,
/// only ordering. Virtio devices are that (virtio spec 1.1 2.6: the rings are plain shared memory
/// with memory barriers; a device that is not coherent must say so with VIRTIO_F_ACCESS_PLATFORM),
/// and on QEMU the device model reads and writes guest RAM through the host's memory while TCG
/// models no caches at all. Unlike <see cref="UncachedDma"/>, the memory here is cacheable.
/// </summary>
public struct CoherentDma : IDmaMemory
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
