namespace Unikernel.Drivers.Memory;

/// <summary>How the MMU maps a region of the identity map.</summary>
public enum MemoryKind : byte
{
    /// <summary>Not mapped: an access faults (translation fault).</summary>
    Fault,

    /// <summary>Peripherals: strongly ordered (ARMv7) or Device-nGnRnE (AArch64), never executed.</summary>
    Device,

    /// <summary>RAM and ROM: normal memory, write-back cacheable, read- and write-allocate.</summary>
    Normal,

    /// <summary>Normal memory the caches do not hold: DMA buffers that need no maintenance.</summary>
    NormalUncached,
}
