namespace Unikernel.Drivers.Memory;

/// <summary>A physical address range and how to map it (identity map: virtual = physical).</summary>
public readonly struct MemoryRegion(ulong start, ulong size, MemoryKind kind)
{
    public ulong Start { get; } = start;

    public ulong Size { get; } = size;

    public MemoryKind Kind { get; } = kind;

    public ulong End => Start + Size;

    public bool Contains(ulong address) => address >= Start && address - Start < Size;

    /// <summary>
    /// This region grown to whole <paramref name="granule"/>s (<see cref="Mmu.Granule"/>): for small
    /// memories such as the SoCs' SRAMs, which share their first megabytes with other SRAM only.
    /// </summary>
    public MemoryRegion RoundedOut(ulong granule)
    {
        ulong start = Start & ~(granule - 1);
        ulong end = (End + granule - 1) & ~(granule - 1);
        return new MemoryRegion(start, end - start, Kind);
    }

    /// <summary>
    /// The kind of the last region in <paramref name="regions"/> that holds <paramref name="address"/>,
    /// else <paramref name="rest"/>: later regions override earlier ones (an uncached DMA area inside RAM).
    /// </summary>
    public static MemoryKind KindAt(ReadOnlySpan<MemoryRegion> regions, ulong address, MemoryKind rest)
    {
        for (int i = regions.Length - 1; i >= 0; i--)
        {
            if (regions[i].Contains(address))
                return regions[i].Kind;
        }
        return rest;
    }

    /// <summary>Whether every region starts and ends on a <paramref name="granule"/> boundary inside the 4 GiB the tables map.</summary>
    public static MmuStatus Check(ReadOnlySpan<MemoryRegion> regions, ulong granule, ulong limit)
    {
        foreach (MemoryRegion region in regions)
        {
            if (region.Start % granule != 0 || region.Size % granule != 0)
                return MmuStatus.RegionMisaligned;
            if (region.Start >= limit || region.Size > limit - region.Start)
                return MmuStatus.RegionOutOfRange;
        }
        return MmuStatus.Ok;
    }
}
