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
    private static Registers s_coreZero;

    /// <summary>True once core 0 turned its MMU on with <see cref="Enable"/> (and not off since).</summary>
    public static bool CoreZeroEnabled => s_coreZero.Enabled;

    /// <summary>
    /// Cleans and invalidates the data caches by set/way, loads the registers, invalidates the TLBs
    /// and the I-cache, then sets SCTLR's M, C and I (and Z on ARMv7).
    /// ARMv7: <paramref name="tableBase"/> = TTBR0, <paramref name="attributes"/> = DACR, <paramref name="control"/> = TTBCR.
    /// AArch64 EL3: TTBR0_EL3, MAIR_EL3, TCR_EL3. Core 0's call: the values are kept for <see cref="EnableAsCoreZero"/>.
    /// </summary>
    public static void Enable(nuint tableBase, nuint attributes, nuint control)
    {
        EnableMmu(tableBase, attributes, control);
        s_coreZero = new Registers { TableBase = tableBase, Attributes = attributes, Control = control, Enabled = true };
    }

    /// <summary>
    /// On another core, right after its start: the MMU and caches on with core 0's tables and
    /// registers, so both cores see the same memory through caches kept coherent (the secondary
    /// start set the SMP bit; the tables map normal memory shareable, write-back). Only this
    /// core's L1 is invalidated, not the shared levels core 0 uses (the entry code's
    /// __unikernel_mmu_enable_secondary). False when core 0's MMU is off: this core stays uncached too.
    /// Core 0 must have written its caches back first (<see cref="Cpu.Start{TBoard}"/> does), since
    /// until now this core reads memory past them.
    /// </summary>
    public static bool EnableAsCoreZero()
    {
        Registers core0 = s_coreZero;
        if (!core0.Enabled || Cpu.Core == 0)
            return false;
        EnableMmuSecondary(core0.TableBase, core0.Attributes, core0.Control);
        return true;
    }

    /// <summary>Data cache off, every dirty line written back, MMU and I-cache off, TLBs and I-cache emptied.</summary>
    public static void DisableAndClean()
    {
        DisableMmu();
        if (Cpu.Core == 0)
            s_coreZero.Enabled = false;
    }

    private struct Registers
    {
        public nuint TableBase;
        public nuint Attributes;
        public nuint Control;
        public bool Enabled;
    }

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_mmu_enable_secondary")]
    private static extern void EnableMmuSecondary(nuint tableBase, nuint attributes, nuint control);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_mmu_enable")]
    private static extern void EnableMmu(nuint tableBase, nuint attributes, nuint control);

    [MethodImpl(MethodImplOptions.InternalCall), RuntimeImport("*", "__unikernel_mmu_disable")]
    private static extern void DisableMmu();
}
