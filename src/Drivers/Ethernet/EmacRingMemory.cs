namespace Unikernel.Drivers.Ethernet;

/// <summary>
/// The memory the EMAC's rings live in, given by the caller at start-up: on the board a block of
/// RAM (its physical address is the pointer), in host tests a pinned array. Laid out as the RX
/// descriptors, the TX descriptors, then one buffer per descriptor, each on a cache line.
/// </summary>
public readonly struct EmacRingMemory
{
    /// <summary>Bytes of one descriptor: four 32-bit words (hardware/blocks/emac-sun8i-desc.yaml).</summary>
    public const int DescriptorSize = 16;

    /// <summary>Bytes between buffers; U-Boot's CONFIG_ETH_BUFSIZE.</summary>
    public const int BufferStride = 2048;

    /// <summary>Usable bytes of a buffer: U-Boot's CONFIG_ETH_RXSIZE, the most the DMA handles reliably.</summary>
    public const int BufferSize = 2044;

    /// <summary>The alignment of the block: a cache line (64 bytes on Cortex-A53 and A7), so maintenance never touches a neighbour.</summary>
    public const int Alignment = 64;

    public EmacRingMemory(nuint address, nuint length, int receiveCount, int transmitCount)
    {
        Address = address;
        Length = length;
        ReceiveCount = receiveCount;
        TransmitCount = transmitCount;
    }

    public nuint Address { get; }

    public nuint Length { get; }

    public int ReceiveCount { get; }

    public int TransmitCount { get; }

    /// <summary>The bytes a block for these ring sizes needs.</summary>
    public static nuint RequiredLength(int receiveCount, int transmitCount) =>
        DescriptorsLength(receiveCount, transmitCount) + (nuint)(receiveCount + transmitCount) * BufferStride;

    internal static nuint DescriptorsLength(int receiveCount, int transmitCount) =>
        ((nuint)(receiveCount + transmitCount) * DescriptorSize + Alignment - 1) & ~(nuint)(Alignment - 1);

    internal bool IsValid =>
        ReceiveCount >= 2 && TransmitCount >= 2 && Address % Alignment == 0 && Address != 0
        && Length >= RequiredLength(ReceiveCount, TransmitCount);

    internal nuint ReceiveDescriptor(int index) => Address + (nuint)index * DescriptorSize;

    internal nuint TransmitDescriptor(int index) => Address + (nuint)(ReceiveCount + index) * DescriptorSize;

    internal nuint ReceiveBuffer(int index) => Address + DescriptorsLength(ReceiveCount, TransmitCount) + (nuint)index * BufferStride;

    internal nuint TransmitBuffer(int index) => ReceiveBuffer(ReceiveCount + index);
}
