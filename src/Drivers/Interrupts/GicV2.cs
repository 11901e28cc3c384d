using Unikernel.Drivers.Bus;
using Unikernel.Hardware;

namespace Unikernel.Drivers.Interrupts;

/// <summary>
/// A GICv2 interrupt controller (the GIC-400 of the H3 and A64, QEMU virt's GICv2) through the
/// accessors generated from hardware/blocks/gic-400-*.yaml, driven from the secure world we run
/// in: every interrupt in group 0, signalled as IRQ (GICC_CTLR.FIQ_EN = 0), one priority,
/// SPIs level-triggered and sent to CPU 0. Sources: ARM IHI 0048B (GICv2 architecture) 4.3 and
/// 4.4, and the order Linux drivers/irqchip/irq-gic.c (gic_dist_init, gic_cpu_init) uses.
/// </summary>
public readonly struct GicV2<TBus> where TBus : IMmio
{
    /// <summary>IAR's ID when nothing is pending (IHI 0048B 3.2.5); 1020-1022 are special too, never ended.</summary>
    public const uint Spurious = 1023;

    /// <summary>The first ID that is not an interrupt but a special value.</summary>
    public const uint FirstSpecialId = 1020;

    /// <summary>IDs 0-15 are SGIs, 16-31 PPIs (private to each CPU), 32 and up SPIs (IHI 0048B 2.2.1).</summary>
    public const uint FirstSharedId = 32;

    /// <summary>Every interrupt's priority: Linux's GICD_INT_DEF_PRI (include/linux/irqchip/arm-gic.h).</summary>
    public const uint DefaultPriority = 0xA0;

    /// <summary>GICC_PMR: priorities numerically below this are signalled; Linux's GICC_INT_PRI_THRESHOLD.</summary>
    public const uint PriorityThreshold = 0xF0;

    /// <summary>Interrupts taken per <see cref="DispatchPending"/> at most, so a storm cannot keep us in the handler.</summary>
    public const int DispatchLimit = 16;

    private const uint Cpu0 = 1u << 0;

    private readonly Gic400Distributor<TBus> _distributor;
    private readonly Gic400CpuInterface<TBus> _cpu;

    public GicV2(Gic400Distributor<TBus> distributor, Gic400CpuInterface<TBus> cpu)
    {
        _distributor = distributor;
        _cpu = cpu;
    }

    /// <summary>Interrupt IDs the distributor implements (GICD_TYPER: 32 * (ITLinesNumber + 1)).</summary>
    public uint ImplementedLines => 32 * (_distributor.GicdTyper.Read().ItLinesNumber + 1);

    /// <summary>The IDs this driver manages: the implemented ones the handler table and register arrays cover.</summary>
    public uint Lines => Math.Min(ImplementedLines, (uint)InterruptHandlers.Capacity);

    /// <summary>
    /// Distributor off; every managed interrupt disabled, not pending, not active, group 0, at
    /// <see cref="DefaultPriority"/>; SPIs to CPU 0 and level-triggered; then distributor and
    /// CPU interface on, group 0 only. Returns the number of IDs managed.
    /// </summary>
    public uint Initialize()
    {
        _distributor.GicdCtlr.Write(Gic400Distributor.GicdCtlr.Zero);
        uint lines = Lines;
        for (int n = 0; n < (int)(lines / 32); n++)
        {
            _distributor.GicdIcenabler(n).Write(new Gic400Distributor.GicdIcenabler(uint.MaxValue));
            _distributor.GicdIcpendr(n).Write(new Gic400Distributor.GicdIcpendr(uint.MaxValue));
            _distributor.GicdIcactiver(n).Write(new Gic400Distributor.GicdIcactiver(uint.MaxValue));
            _distributor.GicdIgroupr(n).Write(Gic400Distributor.GicdIgroupr.Zero);
        }
        var priorities = Gic400Distributor.GicdIpriorityr.Zero
            .WithPriority0(DefaultPriority).WithPriority1(DefaultPriority).WithPriority2(DefaultPriority).WithPriority3(DefaultPriority);
        var toCpu0 = Gic400Distributor.GicdItargetsr.Zero
            .WithCpuTargets0(Cpu0).WithCpuTargets1(Cpu0).WithCpuTargets2(Cpu0).WithCpuTargets3(Cpu0);
        for (int n = 0; n < (int)(lines / 4); n++)
        {
            _distributor.GicdIpriorityr(n).Write(priorities);
            // ITARGETSR0-7 (IDs 0-31) are read-only: SGIs and PPIs go to their own CPU.
            if (n >= (int)(FirstSharedId / 4))
                _distributor.GicdItargetsr(n).Write(toCpu0);
        }
        // ICFGR0 (SGIs) is read-only and ICFGR1 (PPIs) implementation defined: SPIs only, all level.
        for (int n = (int)(FirstSharedId / 16); n < (int)(lines / 16); n++)
            _distributor.GicdIcfgr(n).Write(Gic400Distributor.GicdIcfgr.Zero);
        _distributor.GicdCtlr.Write(Gic400Distributor.GicdCtlr.Zero.WithEnableGrp0(true));

        _cpu.GiccPmr.Write(Gic400CpuInterface.GiccPmr.Zero.WithPriority(PriorityThreshold));
        _cpu.GiccCtlr.Write(Gic400CpuInterface.GiccCtlr.Zero.WithEnableGrp0(true));
        return lines;
    }

    /// <summary>Lets <paramref name="id"/> through (GICD_ISENABLER); false if the driver does not manage it.</summary>
    public bool Enable(uint id)
    {
        if (id >= Lines)
            return false;
        _distributor.GicdIsenabler((int)(id / 32)).Write(new Gic400Distributor.GicdIsenabler(1u << (int)(id % 32)));
        return true;
    }

    /// <summary>Stops <paramref name="id"/> (GICD_ICENABLER).</summary>
    public bool Disable(uint id)
    {
        if (id >= Lines)
            return false;
        _distributor.GicdIcenabler((int)(id / 32)).Write(new Gic400Distributor.GicdIcenabler(1u << (int)(id % 32)));
        return true;
    }

    /// <summary>
    /// An SPI's trigger (GICD_ICFGR bit 2k+1: edge); change it only while the interrupt is
    /// disabled (IHI 0048B 4.3.13). SGIs and PPIs are fixed: false.
    /// </summary>
    public bool SetEdgeTriggered(uint id, bool edge)
    {
        if (id < FirstSharedId || id >= Lines)
            return false;
        uint bit = 1u << (int)(2 * (id % 16) + 1);
        var config = _distributor.GicdIcfgr((int)(id / 16));
        uint value = config.Read().Raw;
        config.Write(new Gic400Distributor.GicdIcfgr(edge ? value | bit : value & ~bit));
        return true;
    }

    /// <summary>Reads GICC_IAR: the highest pending interrupt is now active. Keep the raw value for <see cref="End"/>.</summary>
    public uint Acknowledge() => _cpu.GiccIar.Read().Raw;

    /// <summary>Writes back what <see cref="Acknowledge"/> returned (GICC_EOIR): priority dropped, interrupt deactivated.</summary>
    public void End(uint acknowledged) => _cpu.GiccEoir.Write(new Gic400CpuInterface.GiccEoir(acknowledged));

    /// <summary>
    /// What the IRQ handler does: acknowledge, call the ID's handler (<see cref="InterruptHandlers"/>),
    /// end; again until IAR says spurious, at most <see cref="DispatchLimit"/> times. An interrupt
    /// with no handler is disabled, so a level-triggered one cannot come back for ever.
    /// Returns how many interrupts were taken.
    /// </summary>
    public int DispatchPending()
    {
        int taken = 0;
        while (taken < DispatchLimit)
        {
            uint acknowledged = Acknowledge();
            uint id = new Gic400CpuInterface.GiccIar(acknowledged).InterruptId;
            if (id >= FirstSpecialId)
                break;
            taken++;
            if (!InterruptHandlers.Dispatch(id))
                Disable(id);
            End(acknowledged);
        }
        return taken;
    }
}
