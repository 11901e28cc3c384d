namespace Unikernel.Drivers.Memory;

/// <summary>Why a translation table could not be built or the MMU not turned on.</summary>
public enum MmuStatus : byte
{
    Ok,

    /// <summary>A region does not start and end on a section (ARMv7, 1 MiB) or block (AArch64, 2 MiB) boundary.</summary>
    RegionMisaligned,

    /// <summary>A region reaches beyond the 4 GiB the identity map covers.</summary>
    RegionOutOfRange,

    /// <summary>The memory given for the tables is too small once aligned.</summary>
    TableMemoryTooSmall,
}
