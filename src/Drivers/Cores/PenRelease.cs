using Unikernel.Drivers.Bus;
using Unikernel.Hardware;

namespace Unikernel.Drivers.Cores;

/// <summary>
/// Releases a core from the entry code's pen (qemu-virt started with -bios, where every core
/// starts at once and cores 1-3 wait in WFI with their own GIC bank set to take SGI 0): the
/// distributor's group 0 forwarding on, then SGI 0 to that core alone (GICD_SGIR, IHI 0048B
/// 4.3.15). The entry code set the core's entry before, so the woken core leaves the pen.
/// </summary>
public static class PenRelease<TBus> where TBus : IMmio
{
    /// <summary>The SGI the pen's cores are woken with.</summary>
    public const uint WakeSgi = 0;

    /// <summary>Cores the pen holds: GICv2 targets at most eight CPU interfaces.</summary>
    public const int MaxCores = 8;

    /// <summary>Wakes <paramref name="core"/> (1-7); false for core 0 or beyond, with nothing written.</summary>
    public static bool Release(Gic400Distributor<TBus> distributor, int core)
    {
        if (core <= 0 || core >= MaxCores)
            return false;
        var control = distributor.GicdCtlr.Read();
        if (!control.EnableGrp0)
            distributor.GicdCtlr.Write(control.WithEnableGrp0(true));
        distributor.GicdSgir.Write(Gic400Distributor.GicdSgir.Zero
            .WithSgiIntId(WakeSgi)
            .WithCpuTargetList(1u << core)
            .WithTargetListFilter(Gic400Distributor.GicdSgir.TargetListFilterValue.List));
        return true;
    }
}
