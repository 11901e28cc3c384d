using Unikernel.Drivers.Memory;
using Unikernel.Hardware.Boards;
using Unikernel.Platform;

namespace Unikernel.Tests.Cpu;

/// <summary>The MMU's identity-map tables for the boards' region lists, both formats, descriptor by descriptor.</summary>
public sealed class TranslationTableTests
{
    // ARMv7 short-descriptor sections (ARMv7 ARM B3.5.1): AP = 11, TEX/C/B by kind.
    private const uint SectionNormal = 0x0001_1C0E;   // TEX 001 C B, S, AP 11, section
    private const uint SectionUncached = 0x0001_1C02; // TEX 001, S, AP 11, section
    private const uint SectionDevice = 0x0000_0C12;   // strongly ordered, XN, AP 11, section

    // AArch64 block descriptors (ARMv8 ARM D5.3): AttrIndx, SH, AF, XN.
    private const ulong BlockNormal = 0x705;                 // AttrIndx 1, inner shareable, AF, block
    private const ulong BlockUncached = 0x709;               // AttrIndx 2
    private const ulong BlockDevice = 0x0040_0000_0000_0401; // AttrIndx 0, AF, XN

    private static MemoryRegion[] OrangePiPc(ulong granule) =>
    [
        new MemoryRegion(OrangepiPc.Memory.SramA1.Base, OrangepiPc.Memory.SramA1.Size, MemoryKind.Normal).RoundedOut(granule),
        new MemoryRegion(OrangepiPc.Memory.Dram.Base, OrangepiPc.Memory.Dram.Size, MemoryKind.Normal),
        new MemoryRegion(0x4800_0000, 0x20_0000, MemoryKind.NormalUncached),
        new MemoryRegion(0x4900_0000, 0x10_0000, MemoryKind.Fault),
    ];

    [Fact]
    public void Armv7_sections_map_sram_and_dram_cacheable_one_area_uncached_and_the_rest_strongly_ordered()
    {
        var table = new uint[SectionTable.Entries];
        Assert.Equal(MmuStatus.Ok, SectionTable.Build(table, OrangePiPc(SectionTable.SectionSize), MemoryKind.Device));

        Assert.Equal(0x0000_0000u | SectionNormal, table[0x000]);       // SRAM A1, its megabyte
        Assert.Equal(0x0010_0000u | SectionDevice, table[0x001]);
        Assert.Equal(0x01C0_0000u | SectionDevice, table[0x01C]);       // CCU, UART, EMAC, GIC, ...
        Assert.Equal(0x4000_0000u | SectionNormal, table[0x400]);       // DRAM
        Assert.Equal(0x4800_0000u | SectionUncached, table[0x480]);     // the uncached area overrides DRAM
        Assert.Equal(0x4810_0000u | SectionUncached, table[0x481]);
        Assert.Equal(0x4820_0000u | SectionNormal, table[0x482]);
        Assert.Equal(0u, table[0x490]);                                 // fault
        Assert.Equal(0x7FF0_0000u | SectionNormal, table[0x7FF]);       // DRAM's last megabyte
        Assert.Equal(0x8000_0000u | SectionDevice, table[0x800]);
        Assert.Equal(0xFFF0_0000u | SectionDevice, table[0xFFF]);
        Assert.Equal(1 + 1024 - 2 - 1, table.Count(d => (d & 0xFFFFF) == SectionNormal));
    }

    [Theory]
    [InlineData(0x4000_8000UL, 0x10_0000UL, MmuStatus.RegionMisaligned)]
    [InlineData(0x4000_0000UL, 0x8_0000UL, MmuStatus.RegionMisaligned)]
    [InlineData(0xFFF0_0000UL, 0x20_0000UL, MmuStatus.RegionOutOfRange)]
    [InlineData(0x1_0000_0000UL, 0x10_0000UL, MmuStatus.RegionOutOfRange)]
    public void Armv7_regions_must_be_whole_sections_inside_4_GiB(ulong start, ulong size, MmuStatus expected)
    {
        var table = new uint[SectionTable.Entries];
        Assert.Equal(expected, SectionTable.Build(table, [new MemoryRegion(start, size, MemoryKind.Normal)], MemoryKind.Device));
        Assert.Equal(MmuStatus.TableMemoryTooSmall, SectionTable.Build(new uint[SectionTable.Entries - 1], [], MemoryKind.Device));
    }

    [Fact]
    public void Aarch64_qemu_virt_gets_level2_tables_for_its_first_two_gigabytes_and_device_blocks_above()
    {
        const ulong at = 0x4010_0000;
        var tables = new ulong[BlockTable.MaximumTables * BlockTable.EntriesPerTable];
        MemoryRegion[] regions =
        [
            new(QemuVirt.Memory.Flash.Base, QemuVirt.Memory.Flash.Size, MemoryKind.Normal),
            new(QemuVirt.Memory.Ram.Base, QemuVirt.Memory.Ram.Size, MemoryKind.Normal),
            new(0x4060_0000, 0x20_0000, MemoryKind.NormalUncached),
        ];
        Assert.Equal(MmuStatus.Ok, BlockTable.Build(tables, at, regions, MemoryKind.Device, out int used));

        Assert.Equal(3, used);
        Assert.Equal(at + 0x1000 | 0b11, tables[0]);                 // table descriptors
        Assert.Equal(at + 0x2000 | 0b11, tables[1]);
        Assert.Equal(0x8000_0000 | BlockDevice, tables[2]);          // 1 GiB blocks
        Assert.Equal(0xC000_0000 | BlockDevice, tables[3]);
        Assert.All(tables[4..512], d => Assert.Equal(0ul, d));

        ulong[] first = tables[512..1024];                           // 0-1 GiB, 2 MiB blocks
        Assert.Equal(0x0000_0000 | BlockNormal, first[0]);           // flash, where the image runs
        Assert.Equal(0x03E0_0000 | BlockNormal, first[31]);
        Assert.Equal(0x0400_0000 | BlockDevice, first[32]);
        Assert.Equal(0x0800_0000 | BlockDevice, first[64]);          // the GIC
        Assert.Equal(0x3FE0_0000 | BlockDevice, first[511]);

        ulong[] second = tables[1024..1536];                         // 1-2 GiB
        Assert.Equal(0x4000_0000 | BlockNormal, second[0]);
        Assert.Equal(0x4060_0000 | BlockUncached, second[3]);
        Assert.Equal(0x5FE0_0000 | BlockNormal, second[255]);
        Assert.Equal(0x6000_0000 | BlockDevice, second[256]);
    }

    [Fact]
    public void Aarch64_pine64_dram_takes_1_GiB_blocks()
    {
        const ulong at = 0x4000_0000;
        var tables = new ulong[2 * BlockTable.EntriesPerTable];
        MemoryRegion[] regions =
        [
            new MemoryRegion(Pine64Plus.Memory.SramA2.Base, Pine64Plus.Memory.SramA2.Size, MemoryKind.Normal).RoundedOut(BlockTable.Level2Block),
            new(Pine64Plus.Memory.Dram.Base, Pine64Plus.Memory.Dram.Size, MemoryKind.Normal),
        ];
        Assert.Equal(MmuStatus.Ok, BlockTable.Build(tables, at, regions, MemoryKind.Device, out int used));
        Assert.Equal(2, used);
        Assert.Equal(at + 0x1000 | 0b11, tables[0]);
        Assert.Equal(0x4000_0000 | BlockNormal, tables[1]);
        Assert.Equal(0x8000_0000 | BlockNormal, tables[2]);
        Assert.Equal(0xC000_0000 | BlockDevice, tables[3]);
        Assert.Equal(0x0000_0000 | BlockNormal, tables[512]);       // the SRAMs' 2 MiB
        Assert.Equal(0x0020_0000 | BlockDevice, tables[513]);

        Assert.Equal(MmuStatus.TableMemoryTooSmall, BlockTable.Build(new ulong[BlockTable.EntriesPerTable], at, regions, MemoryKind.Device, out _));
        Assert.Equal(MmuStatus.TableMemoryTooSmall, BlockTable.Build(tables, at + 8, regions, MemoryKind.Device, out _));
        Assert.Equal(MmuStatus.RegionMisaligned, BlockTable.Build(tables, at, [new(0x4010_0000, 0x20_0000, MemoryKind.Normal)], MemoryKind.Device, out _));
    }

    [Fact]
    public void Aarch64_register_values_match_the_descriptors()
    {
        // MAIR: index 0 Device-nGnRnE, 1 normal write-back, 2 normal non-cacheable.
        Assert.Equal(0x44_FF_00ul, BlockTable.MemoryAttributes);
        // TCR_EL3: T0SZ 32, walks WBWA inner shareable, 4 KiB granule, PS 32 bits, RES1 bits.
        Assert.Equal(0x8080_3520ul, BlockTable.TranslationControl);
    }

    [Fact]
    public unsafe void Mmu_aligns_the_tables_inside_the_memory_given_and_loads_the_registers()
    {
        // The host is 64-bit: the AArch64 format.
        var memory = new byte[Mmu.TableMemoryLength];
        fixed (byte* start = memory)
        {
            MemoryRegion[] regions = [new(0x4000_0000, 0x4000_0000, MemoryKind.Normal)];
            Assert.Equal(MmuStatus.TableMemoryTooSmall, Mmu.Enable(memory.AsSpan(0, 100), regions));
            Assert.Equal(MmuStatus.Ok, Mmu.Enable(memory, regions));
            (nuint tableBase, nuint attributes, nuint control) = TranslationRegisters.Loaded;
            Assert.Equal(0u, tableBase % BlockTable.Alignment);
            Assert.InRange(tableBase, (nuint)start, (nuint)start + (nuint)BlockTable.Alignment);
            Assert.Equal(0x4000_0000 | BlockNormal, *(ulong*)(tableBase + 8));
            Assert.Equal((nuint)BlockTable.MemoryAttributes, attributes);
            Assert.Equal((nuint)BlockTable.TranslationControl, control);
            Assert.True(Mmu.On);
            Mmu.DisableAndClean();
            Assert.False(Mmu.On);
        }
    }
}
