using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Dma;
using Unikernel.Hardware;
using Unikernel.Platform;

namespace Unikernel.Drivers.Virtio;

/// <summary>
/// One split virtqueue in memory the driver shares with the device (virtio spec 1.1 2.6): the
/// descriptor table, the available ring the driver fills and the used ring the device fills,
/// in the legacy layout of <see cref="VirtioNetMemory"/>. Keeps the driver's two counters: the
/// chains offered so far and the used entries taken so far, both free running over 16 bits as
/// the rings' IDX are, which is why the queue size must be a power of two (spec 2.6: a legacy
/// queue size is one).
/// </summary>
internal struct SplitVirtqueue<TDma>
    where TDma : IDmaMemory
{
    /// <summary>Bytes of a descriptor (hardware/blocks/virtq-desc.yaml).</summary>
    public const int DescriptorSize = 16;

    private readonly nuint _base;
    private readonly int _size;
    private ushort _offered;
    private ushort _taken;

    public SplitVirtqueue(nuint @base, int size)
    {
        _base = @base;
        _size = size;
        _offered = 0;
        _taken = 0;
    }

    /// <summary>Where the queue starts: its page is what QUEUE_PFN gets.</summary>
    public nuint Base => _base;

    public int Size => _size;

    public VirtqDesc<DirectMmio> Descriptor(int index) => new(_base + (nuint)(index * DescriptorSize));

    private VirtqAvail<DirectMmio> Available => new(_base + (nuint)(_size * DescriptorSize));

    private VirtqUsed<DirectMmio> Used => new(_base + VirtioNetMemory.UsedOffset(_size));

    /// <summary>Both rings empty, as the device expects them after a reset (memory may hold a previous run's rings).</summary>
    public void Clear()
    {
        _offered = 0;
        _taken = 0;
        Available.Flags.Write(VirtqAvail.Flags.Zero);
        Available.Idx.Write(VirtqAvail.Idx.Zero);
        Used.Flags.Write(VirtqUsed.Flags.Zero);
        Used.Idx.Write(VirtqUsed.Idx.Zero);
        TDma.CleanForDevice(Available.Base, 4);
        TDma.CleanForDevice(Used.Base, 4);
    }

    /// <summary>Writes a descriptor; the device reads it only once its chain is offered.</summary>
    public void SetDescriptor(int index, uint address, uint length, VirtqDesc.Flags flags, int next)
    {
        var descriptor = Descriptor(index);
        descriptor.Addr.Write(new VirtqDesc.Addr(address));
        descriptor.Len.Write(new VirtqDesc.Len(length));
        descriptor.Flags.Write(flags);
        descriptor.Next.Write(new VirtqDesc.Next((ushort)next));
        TDma.CleanForDevice(descriptor.Base, DescriptorSize);
    }

    /// <summary>Offers the chain starting at descriptor <paramref name="head"/> to the device (spec 2.6.13).</summary>
    public void Offer(int head)
    {
        var entry = Available.Ring(_offered % _size);
        entry.Write(new VirtqAvail.Ring((ushort)head));
        TDma.CleanForDevice(entry.Address, 2);
        _offered++;
        // The entry must be visible before the index that publishes it (spec 2.6.13.6, the write
        // barrier): a volatile store is a release on AArch64 (stlr), so nothing earlier passes it.
        Available.Idx.Write(new VirtqAvail.Idx(_offered));
        TDma.CleanForDevice(Available.Idx.Address, 2);
    }

    /// <summary>
    /// False when the device said it needs no notification now (VIRTQ_USED_F_NO_NOTIFY, spec
    /// 2.6.10.2): QEMU sets it while it is busy with the queue, and clears it, then looks at the
    /// ring once more, before it waits for one.
    /// </summary>
    public bool DeviceWantsNotification()
    {
        // The flag must be read after Offer's index store is visible (spec 2.6.13.6, Linux
        // virtqueue_kick_prepare's virtio_mb): otherwise the device may clear the flag and find
        // the ring empty while this read still sees the flag set, and neither side moves again.
        // (Seen once before this barrier, on a loaded host: a board that booted but never answered.)
        MemoryBarrier.Full();
        TDma.InvalidateForCpu(Used.Base, 2);
        return !Used.Flags.Read().NoNotify;
    }

    /// <summary>The next chain the device has finished with, and how many bytes it wrote into it; false when none.</summary>
    public bool TryTakeUsed(out int head, out uint written)
    {
        TDma.InvalidateForCpu(Used.Idx.Address, 2);
        // A volatile load is an acquire (ldar): the element below is read after the index (the read barrier of spec 2.6.14).
        if (Used.Idx.Read().Raw == _taken)
        {
            head = 0;
            written = 0;
            return false;
        }
        var element = Used.Elem(_taken % _size);
        TDma.InvalidateForCpu(element.Base, 8);
        head = (int)element.Id.Read().Raw;
        written = element.Len.Read().Raw;
        _taken++;
        return true;
    }
}
