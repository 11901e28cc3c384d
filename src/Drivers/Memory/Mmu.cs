using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Unikernel.Platform;

namespace Unikernel.Drivers.Memory;

/// <summary>
/// The MMU with an identity map and the caches: the regions given are mapped as they say,
/// everything else in the 4 GiB as <see cref="MemoryKind.Device"/> (as U-Boot's
/// arch/arm/lib/cache-cp15.c maps all sections uncached before its DRAM banks), so peripherals
/// need no entry. ARMv7: 1 MiB sections (<see cref="SectionTable"/>); AArch64 EL3: 1 GiB and
/// 2 MiB blocks (<see cref="BlockTable"/>). The caller gives the table memory, which must stay
/// untouched while the MMU is on: from the heap, or a reserved area in DRAM.
/// </summary>
public static unsafe class Mmu
{
    /// <summary>Enough table memory for either format, alignment slack included.</summary>
    public static int TableMemoryLength => sizeof(nint) == 8
        ? BlockTable.MaximumTables * BlockTable.TableLength + BlockTable.Alignment
        : SectionTable.Length + SectionTable.Alignment;

    /// <summary>The smallest region the tables map: a 1 MiB section on ARMv7, a 2 MiB block on AArch64.</summary>
    public static ulong Granule => sizeof(nint) == 8 ? BlockTable.Level2Block : SectionTable.SectionSize;

    /// <summary>True between <see cref="Enable"/> and <see cref="DisableAndClean"/>.</summary>
    public static bool On { get; private set; }

    /// <summary>
    /// Builds the tables in <paramref name="tableMemory"/> (aligned inside it) and turns on the
    /// MMU, the data and instruction caches (and branch prediction on ARMv7).
    /// </summary>
    public static MmuStatus Enable(Span<byte> tableMemory, ReadOnlySpan<MemoryRegion> regions)
    {
        nuint address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(tableMemory));
        if (sizeof(nint) == 8)
        {
            nuint aligned = AlignUp(address, BlockTable.Alignment);
            if (tableMemory.IsEmpty || (nuint)tableMemory.Length < aligned - address + BlockTable.TableLength)
                return MmuStatus.TableMemoryTooSmall;
            int usable = tableMemory.Length - (int)(aligned - address);
            var tables = new Span<ulong>((void*)aligned, usable / sizeof(ulong));
            MmuStatus status = BlockTable.Build(tables, aligned, regions, MemoryKind.Device, out _);
            if (status != MmuStatus.Ok)
                return status;
            TranslationRegisters.Enable(aligned, (nuint)BlockTable.MemoryAttributes, (nuint)BlockTable.TranslationControl);
        }
        else
        {
            nuint aligned = AlignUp(address, SectionTable.Alignment);
            if (tableMemory.IsEmpty || (nuint)tableMemory.Length < aligned - address + SectionTable.Length)
                return MmuStatus.TableMemoryTooSmall;
            int usable = tableMemory.Length - (int)(aligned - address);
            var table = new Span<uint>((void*)aligned, SectionTable.Entries);
            MmuStatus status = SectionTable.Build(table, regions, MemoryKind.Device);
            if (status != MmuStatus.Ok)
                return status;
            TranslationRegisters.Enable(aligned | SectionTable.WalkAttributes, SectionTable.DomainsAllClient, SectionTable.ControlTtbr0Only);
        }
        On = true;
        return MmuStatus.Ok;
    }

    /// <summary>
    /// Before jumping to a loaded kernel, which must start with the MMU and data cache off: the
    /// data cache off and written back to memory, the MMU and I-cache off, TLBs emptied.
    /// Interrupts should be masked first.
    /// </summary>
    public static void DisableAndClean()
    {
        TranslationRegisters.DisableAndClean();
        On = false;
    }

    private static nuint AlignUp(nuint value, nuint alignment) => (value + alignment - 1) & ~(alignment - 1);
}
