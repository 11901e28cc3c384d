namespace Unikernel.Drivers.Virtio;

/// <summary>
/// The memory a virtio-net device and its driver share, given by the caller at start-up: the
/// receive virtqueue, the transmit virtqueue, then a 16-byte slot per buffer for the virtio-net
/// header, then the buffers, each on a cache line. A buffer is a chain of two descriptors,
/// header then frame, so a frame starts at the start of its buffer and the layout is what the
/// legacy interface asks for when VIRTIO_F_ANY_LAYOUT is not negotiated (spec 1.1 5.1.6.6).
/// <para>Each queue is laid out as the legacy interface wants it (spec 1.1 2.6.2, "Legacy
/// Interfaces: A Note on Virtqueue Layout"): descriptor table, available ring, then the used
/// ring on the next <see cref="PageSize"/> boundary; the queue itself starts on a page, since
/// the device is given its page number (QUEUE_PFN).</para>
/// </summary>
public readonly struct VirtioNetMemory
{
    /// <summary>GUEST_PAGE_SIZE and QUEUE_ALIGN: 4 KiB, what Linux's legacy virtio-mmio uses too.</summary>
    public const int PageSize = 4096;

    /// <summary>Bytes between buffers; a frame (1514 bytes, no VLAN or offloads negotiated) fits with room to spare.</summary>
    public const int BufferStride = 2048;

    /// <summary>Bytes between header slots; the legacy header without MRG_RXBUF is 10 (spec 1.1 5.1.6).</summary>
    public const int HeaderSlot = 16;

    /// <summary>A cache line on the Cortex-A53: buffers never share one, so maintenance never touches a neighbour.</summary>
    public const int CacheLine = 64;

    /// <summary>The most descriptors a queue of QEMU takes (VIRTQUEUE_MAX_SIZE), and what the ring views cover.</summary>
    public const int MaxQueueSize = 1024;

    public VirtioNetMemory(nuint address, nuint length, int receiveBuffers, int transmitBuffers)
    {
        Address = address;
        Length = length;
        ReceiveBuffers = receiveBuffers;
        TransmitBuffers = transmitBuffers;
    }

    public nuint Address { get; }

    public nuint Length { get; }

    public int ReceiveBuffers { get; }

    public int TransmitBuffers { get; }

    /// <summary>The bytes a block for these buffer counts needs.</summary>
    public static nuint RequiredLength(int receiveBuffers, int transmitBuffers) =>
        QueueLength(2 * receiveBuffers) + QueueLength(2 * transmitBuffers) + HeadersLength(receiveBuffers + transmitBuffers)
        + (nuint)(receiveBuffers + transmitBuffers) * BufferStride;

    /// <summary>Bytes of a legacy split virtqueue of <paramref name="size"/> descriptors (spec 1.1 2.6.2, legacy layout).</summary>
    public static nuint QueueLength(int size) =>
        AlignUp((nuint)(16 * size + 6 + 2 * size), PageSize) + AlignUp((nuint)(6 + 8 * size), PageSize);

    /// <summary>Where the used ring of a queue of <paramref name="size"/> starts, from the queue's start.</summary>
    internal static nuint UsedOffset(int size) => AlignUp((nuint)(16 * size + 6 + 2 * size), PageSize);

    internal bool IsValid =>
        ReceiveBuffers >= 1 && TransmitBuffers >= 1
        && 2 * ReceiveBuffers <= MaxQueueSize && 2 * TransmitBuffers <= MaxQueueSize
        && Address != 0 && Address % PageSize == 0
        && Length >= RequiredLength(ReceiveBuffers, TransmitBuffers);

    internal nuint ReceiveQueue => Address;

    internal nuint TransmitQueue => Address + QueueLength(2 * ReceiveBuffers);

    /// <summary>Header slot of buffer <paramref name="index"/>: receive buffers first, then transmit buffers.</summary>
    internal nuint Header(int index) => TransmitQueue + QueueLength(2 * TransmitBuffers) + (nuint)index * HeaderSlot;

    /// <summary>Buffer <paramref name="index"/>: receive buffers first, then transmit buffers.</summary>
    internal nuint Buffer(int index) =>
        TransmitQueue + QueueLength(2 * TransmitBuffers) + HeadersLength(ReceiveBuffers + TransmitBuffers) + (nuint)index * BufferStride;

    private static nuint HeadersLength(int buffers) => AlignUp((nuint)(buffers * HeaderSlot), CacheLine);

    private static nuint AlignUp(nuint value, int alignment) => (value + (nuint)alignment - 1) & ~(nuint)(alignment - 1);
}
