namespace Unikernel.Drivers.Memory;

/// <summary>
/// The ARMv7 short-descriptor first-level table of 1 MiB sections: 4096 words, 16 KiB, 16 KiB
/// aligned, mapping 4 GiB one to one (ARMv7 ARM, "Short-descriptor translation table
/// format descriptors" and "C, B, and TEX[2:0] encodings" with TEX remap off, SCTLR.TRE = 0).
/// </summary>
public static class SectionTable
{
    public const int Entries = 4096;
    public const int Length = Entries * sizeof(uint);
    public const int Alignment = Length;
    public const uint SectionSize = 1u << 20;

    /// <summary>The address space the table maps: 4096 sections.</summary>
    public const ulong Limit = (ulong)Entries * SectionSize;

    // Section descriptor fields (ARMv7 ARM, short-descriptor first-level section format).
    private const uint TypeSection = 0b10;
    private const uint Bufferable = 1u << 2;
    private const uint Cacheable = 1u << 3;
    private const uint ExecuteNever = 1u << 4;
    private const uint AccessFull = 0b11u << 10;        // AP[1:0] = 11 with AP[2] = 0: read/write at every level
    private const uint TypeExtension1 = 0b001u << 12;   // TEX = 001
    private const uint Shareable = 1u << 16;

    /// <summary>TTBR0's table-walk attributes (ARMv7 ARM, TTBR0 with the Multiprocessing Extensions):
    /// inner write-back write-allocate (IRGN = 01: bit 6 set, bit 0 clear), outer the same (RGN = 01, bits 4:3).</summary>
    public const uint WalkAttributes = (1u << 6) | (0b01u << 3);

    /// <summary>DACR: all 16 domains client (01), so the descriptors' AP bits are checked (ARMv7 ARM, DACR).</summary>
    public const uint DomainsAllClient = 0x5555_5555;

    /// <summary>TTBCR = 0: TTBR0 translates every address, short descriptors (ARMv7 ARM, TTBCR).</summary>
    public const uint ControlTtbr0Only = 0;

    /// <summary>The section descriptor mapping the 1 MiB at <paramref name="address"/> onto itself as <paramref name="kind"/>.</summary>
    public static uint Descriptor(uint address, MemoryKind kind)
    {
        uint section = address & ~(SectionSize - 1);
        return kind switch
        {
            // Strongly ordered: TEX 000, C 0, B 0 (table B3-10); no speculative fetches from devices.
            MemoryKind.Device => section | TypeSection | AccessFull | ExecuteNever,
            // Normal, outer and inner write-back write-allocate: TEX 001, C 1, B 1.
            MemoryKind.Normal => section | TypeSection | AccessFull | TypeExtension1 | Cacheable | Bufferable | Shareable,
            // Normal, outer and inner non-cacheable: TEX 001, C 0, B 0.
            MemoryKind.NormalUncached => section | TypeSection | AccessFull | TypeExtension1 | Shareable,
            _ => 0, // fault
        };
    }

    /// <summary>
    /// Fills <paramref name="table"/> (at least <see cref="Entries"/> words): each section takes the
    /// kind of the last region holding it, <paramref name="rest"/> where none does.
    /// </summary>
    public static MmuStatus Build(Span<uint> table, ReadOnlySpan<MemoryRegion> regions, MemoryKind rest)
    {
        if (table.Length < Entries)
            return MmuStatus.TableMemoryTooSmall;
        MmuStatus status = MemoryRegion.Check(regions, SectionSize, Limit);
        if (status != MmuStatus.Ok)
            return status;
        for (int i = 0; i < Entries; i++)
        {
            uint address = (uint)i * SectionSize;
            table[i] = Descriptor(address, MemoryRegion.KindAt(regions, address, rest));
        }
        return MmuStatus.Ok;
    }
}
