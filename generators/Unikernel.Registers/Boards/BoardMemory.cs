namespace Unikernel.Registers.Boards
{
    /// <summary>A memory region of a board's map (<c>memory:</c>).</summary>
    public sealed record MemoryRegion(string Name, ulong Base, ulong Size)
    {
        public ulong End => Base + Size;
    }

    /// <summary>A place inside a region: where an image loads, or where its RAM sections go.</summary>
    public sealed record RegionSlice(MemoryRegion Region, ulong Offset, ulong Size)
    {
        public ulong Address => Region.Base + Offset;
    }

    /// <summary>
    /// Where a program other than the first stage links and runs: the second stage the first stage
    /// loads from the SD card, or a kernel the bootloader takes over the network.
    /// </summary>
    public sealed record ProgramLayout(RegionSlice Load, RegionSlice Ram, ulong HeapSize, ulong StackSize);

    /// <summary>
    /// Where <c>unikernel upload --linux</c> places Linux's parts by default (<c>linux:</c>): offsets
    /// into <paramref name="Region"/>. A missing device tree or initrd offset means "after the part
    /// before it" (the kernel's room, then the device tree's), at the next 2 MiB boundary.
    /// <paramref name="DeviceTreeGrowth"/> is the room past the tree's length for the bootloader's edits.
    /// </summary>
    public sealed record LinuxPlacement(MemoryRegion Region, ulong KernelOffset, ulong? DeviceTreeOffset, ulong? InitrdOffset, ulong DeviceTreeGrowth);

    /// <summary>The netboot program on boards whose boot ROM loads too little: read from the SD card at <paramref name="CardOffset"/>.</summary>
    public sealed record SecondStage(ulong CardOffset, ProgramLayout Layout);

    /// <summary>The A64's start in AArch32: where to write the AArch64 reset address, and the stub's size.</summary>
    public sealed record Aarch32Switch(ulong RvbarAddress, ulong StubSize);

    public enum ImageFormat
    {
        /// <summary>Allwinner boot ROM: eGON.BT0 header with checksum; on an SD card at byte 8 KiB.</summary>
        Egon,
        /// <summary>A flat binary, loaded as firmware (QEMU's -bios).</summary>
        Raw,
    }
}
