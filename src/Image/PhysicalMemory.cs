namespace Unikernel.Boot.Image;

/// <summary>
/// The payload written straight to its load address: the bootloader's destination. The header
/// check (<see cref="KernelImage.CheckFixedHeader"/>) has already kept the range inside DRAM and
/// off the loader; on the host, tests give memory they own.
/// </summary>
public readonly unsafe struct PhysicalMemory : IPayloadDestination
{
    public void Write(ulong address, ReadOnlySpan<byte> piece) =>
        piece.CopyTo(new Span<byte>((void*)(nuint)address, piece.Length));

    public Span<byte> Placed(ulong address, int length) => new((void*)(nuint)address, length);
}
