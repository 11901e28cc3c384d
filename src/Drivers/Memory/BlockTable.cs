namespace Unikernel.Drivers.Memory;

/// <summary>
/// AArch64 stage-1 tables for EL3 with the 4 KiB granule and a 32-bit (4 GiB) address space,
/// T0SZ = 32, so the walk starts at level 1 (ARMv8 ARM, "Translation table walks" with the 4KB granule): a level-1 table of
/// four 1 GiB entries, and for a gigabyte whose 2 MiB blocks differ, a level-2 table of 512
/// blocks (ARMv8 ARM, "VMSAv8-64 translation table descriptor formats" and "Memory attribute fields"). Each table is 4 KiB, 4 KiB
/// aligned; table 0 of the memory given is the level-1 table, tables 1 to 4 the level-2 ones.
/// </summary>
public static class BlockTable
{
    public const int EntriesPerTable = 512;
    public const int TableLength = EntriesPerTable * sizeof(ulong);
    public const int Alignment = TableLength;
    public const int Level1Entries = 4;
    public const ulong Level1Block = 1ul << 30;
    public const ulong Level2Block = 1ul << 21;

    /// <summary>The level-1 table and one level-2 table per gigabyte: the most <see cref="Build"/> uses.</summary>
    public const int MaximumTables = 1 + Level1Entries;

    /// <summary>The address space the tables map.</summary>
    public const ulong Limit = Level1Entries * Level1Block;

    // MAIR_EL3 attribute indices (ARMv8 ARM, MAIR_EL3): each 8-bit field says what AttrIndx n means.
    private const ulong DeviceIndex = 0;          // 0x00: Device-nGnRnE
    private const ulong NormalIndex = 1;          // 0xFF: Normal, inner and outer write-back non-transient, read/write-allocate
    private const ulong NormalUncachedIndex = 2;  // 0x44: Normal, inner and outer non-cacheable

    /// <summary>MAIR_EL3 for the three attribute indices the descriptors use.</summary>
    public const ulong MemoryAttributes = (0x00ul << (8 * (int)DeviceIndex)) | (0xFFul << (8 * (int)NormalIndex)) | (0x44ul << (8 * (int)NormalUncachedIndex));

    /// <summary>
    /// TCR_EL3 (ARMv8 ARM, TCR_EL3): T0SZ = 32 (bits 5:0), walks inner and outer write-back write-allocate
    /// (IRGN0 = ORGN0 = 01, bits 9:8 and 11:10), inner shareable (SH0 = 11, bits 13:12), 4 KiB
    /// granule (TG0 = 00), 32-bit physical addresses (PS = 000), RES1 bits 31 and 23.
    /// </summary>
    public const ulong TranslationControl = 32ul | (0b01ul << 8) | (0b01ul << 10) | (0b11ul << 12) | (1ul << 23) | (1ul << 31);

    // Block and table descriptor fields (ARMv8 ARM, VMSAv8-64 descriptor formats).
    private const ulong TypeBlock = 0b01;
    private const ulong TypeTable = 0b11;
    private const int AttrIndxShift = 2;
    private const ulong InnerShareable = 0b11ul << 8;
    private const ulong AccessFlag = 1ul << 10;
    private const ulong ExecuteNever = 1ul << 54;  // XN: the EL3 regime has one execute-never bit

    /// <summary>The block descriptor (level 1 or 2) mapping the block at <paramref name="address"/> onto itself as <paramref name="kind"/>.</summary>
    public static ulong Block(ulong address, MemoryKind kind) => kind switch
    {
        MemoryKind.Device => address | TypeBlock | (DeviceIndex << AttrIndxShift) | AccessFlag | ExecuteNever,
        MemoryKind.Normal => address | TypeBlock | (NormalIndex << AttrIndxShift) | InnerShareable | AccessFlag,
        MemoryKind.NormalUncached => address | TypeBlock | (NormalUncachedIndex << AttrIndxShift) | InnerShareable | AccessFlag,
        _ => 0, // fault
    };

    /// <summary>The table descriptor pointing at a next-level table.</summary>
    public static ulong Table(ulong tableAddress) => tableAddress | TypeTable;

    /// <summary>
    /// Fills the tables in <paramref name="tables"/> (4 KiB each, the first at
    /// <paramref name="tablesAddress"/>, 4 KiB aligned): a gigabyte of one kind is one level-1
    /// block, any other gets a level-2 table of 2 MiB blocks. Each block takes the kind of the
    /// last region holding it, <paramref name="rest"/> where none does.
    /// </summary>
    /// <param name="tablesUsed">How many 4 KiB tables were written, level 1 included.</param>
    public static MmuStatus Build(Span<ulong> tables, ulong tablesAddress, ReadOnlySpan<MemoryRegion> regions, MemoryKind rest, out int tablesUsed)
    {
        tablesUsed = 0;
        if (tables.Length < EntriesPerTable || tablesAddress % Alignment != 0)
            return MmuStatus.TableMemoryTooSmall;
        MmuStatus status = MemoryRegion.Check(regions, Level2Block, Limit);
        if (status != MmuStatus.Ok)
            return status;
        Span<ulong> level1 = tables.Slice(0, EntriesPerTable);
        level1.Clear();
        tablesUsed = 1;
        for (int gigabyte = 0; gigabyte < Level1Entries; gigabyte++)
        {
            ulong start = (ulong)gigabyte * Level1Block;
            MemoryKind first = MemoryRegion.KindAt(regions, start, rest);
            if (IsUniform(regions, start, first, rest))
            {
                level1[gigabyte] = Block(start, first);
                continue;
            }
            if (tables.Length < (tablesUsed + 1) * EntriesPerTable)
                return MmuStatus.TableMemoryTooSmall;
            Span<ulong> level2 = tables.Slice(tablesUsed * EntriesPerTable, EntriesPerTable);
            for (int i = 0; i < EntriesPerTable; i++)
            {
                ulong address = start + (ulong)i * Level2Block;
                level2[i] = Block(address, MemoryRegion.KindAt(regions, address, rest));
            }
            level1[gigabyte] = Table(tablesAddress + (ulong)(tablesUsed * TableLength));
            tablesUsed++;
        }
        return MmuStatus.Ok;
    }

    private static bool IsUniform(ReadOnlySpan<MemoryRegion> regions, ulong start, MemoryKind kind, MemoryKind rest)
    {
        for (ulong offset = Level2Block; offset < Level1Block; offset += Level2Block)
        {
            if (MemoryRegion.KindAt(regions, start + offset, rest) != kind)
                return false;
        }
        return true;
    }
}
