using System.Runtime;
using System.Runtime.CompilerServices;

namespace Unikernel.Platform;

/// <summary>
/// Turning the MMU and caches on and off: the system-register writes, in assembly
/// (src/Platform/Entry). The tables and the register values are built in C#
/// (<c>Unikernel.Drivers.Memory.Mmu</c>).
/// </summary>
public static class TranslationRegisters
{
    /// <summary>
    /// Cleans and invalidates the data caches by set/way, loads the registers, invalidates the TLBs
    /// and the I-cache, then sets SCTLR's M, C and I (and Z on ARMv7).
    /// ARMv7: <paramref name="tableBase"/> = TTBR0, <paramref name="attributes"/> = DACR, <paramref name="control"/> = TTBCR.
    /// AArch64 EL3: TTBR0_EL3, MAIR_EL3, TCR_EL3.
    /// </summary>
    public static void Enable(nuint tableBase, nuint attributes, nuint control) => EnableMmu(tableBase, attributes, control);

    /// <summary>Data cache off, every dirty line written back, MMU and I-cache off, TLBs and I-cache emptied.</summary>
    public static void DisableAndClean() => DisableMmu();

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_mmu_enable")]
    private static extern void EnableMmu(nuint tableBase, nuint attributes, nuint control);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_mmu_disable")]
    private static extern void DisableMmu();
}
