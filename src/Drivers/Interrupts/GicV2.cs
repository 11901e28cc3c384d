using Unikernel.Drivers.Bus;
using Unikernel.Hardware;
using Unikernel.Platform;
using Unikernel.Platform.Scheduling;

namespace Unikernel.Drivers.Interrupts;

/// <summary>
/// A GICv2 interrupt controller (the GIC-400 of the H3 and A64, QEMU virt's GICv2) through the
/// accessors generated from hardware/blocks/gic-400-*.yaml, driven from the secure world we run
/// in: every interrupt in group 0, signalled as IRQ (GICC_CTLR.FIQ_EN = 0), SPIs level-triggered
/// and sent to CPU 0 until told otherwise. Sources: ARM IHI 0048B (GICv2 architecture) 4.3 and
/// 4.4, and the order Linux drivers/irqchip/irq-gic.c uses (gic_dist_init once, gic_cpu_init on
/// every core).
/// <para>Two halves: the distributor's shared state (SPIs) is set up once, by one core
/// (<see cref="InitializeDistributor"/>); each core then sets up its own view
/// (<see cref="InitializeCpuInterface"/>): the SGI and PPI registers of the distributor are
/// banked per core (IHI 0048B 4.3.2, "banked registers") and so is the whole CPU interface.
/// Changing one SPI's priority or target is a read-modify-write of a register shared with three
/// other SPIs: do it from one core, or under a lock.</para>
/// </summary>
public readonly struct GicV2<TBus> where TBus : IMmio
{
    /// <summary>IAR's ID when nothing is pending (IHI 0048B 3.2.5); 1020-1022 are special too, never ended.</summary>
    public const uint Spurious = 1023;

    /// <summary>The first ID that is not an interrupt but a special value.</summary>
    public const uint FirstSpecialId = 1020;

    /// <summary>IDs 0-15 are SGIs (IHI 0048B 2.2.1).</summary>
    public const uint SgiCount = 16;

    /// <summary>IDs 0-15 are SGIs, 16-31 PPIs (private to each CPU), 32 and up SPIs (IHI 0048B 2.2.1).</summary>
    public const uint FirstSharedId = 32;

    /// <summary>Eight CPU interfaces at most (GICD_ITARGETSR and GICD_SGIR carry one bit per interface).</summary>
    public const int MaxCpuInterfaces = 8;

    /// <summary>Every interrupt's priority until set: Linux's GICD_INT_DEF_PRI (include/linux/irqchip/arm-gic.h).</summary>
    public const uint DefaultPriority = 0xA0;

    /// <summary>GICC_PMR: priorities numerically below this are signalled; Linux's GICC_INT_PRI_THRESHOLD.</summary>
    public const uint PriorityThreshold = 0xF0;

    /// <summary>
    /// The priority bits every GICv2 implements: at least the top four of the byte for the
    /// secure world (IHI 0048B 3.3, "Priority"; the GIC-400 implements five, bits 7:3).
    /// <see cref="SetPriority"/> refuses values that would lose bits on a four-bit GIC.
    /// </summary>
    public const uint ImplementedPriorityMask = 0xF0;

    /// <summary>Interrupts taken per <see cref="DispatchPending"/> at most, so a storm cannot keep us in the handler.</summary>
    public const int DispatchLimit = 16;

    private const uint Cpu0 = 1u << 0;

    /// <summary>GICD_ICENABLER0 / ISENABLER0 halves: PPIs off, SGIs on (Linux GICD_INT_EN_CLR_PPI, GICD_INT_EN_SET_SGI).</summary>
    private const uint PpiBits = 0xFFFF0000;
    private const uint SgiBits = 0x0000FFFF;

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

    /// <summary>CPU interfaces the distributor serves (GICD_TYPER.CPUNumber + 1).</summary>
    public int CpuInterfaces => (int)_distributor.GicdTyper.Read().CpuNumber + 1;

    /// <summary>
    /// The calling core's CPU interface as a one-bit mask, what <see cref="SetTarget"/> and
    /// <see cref="SendSgi"/> take: GICD_ITARGETSR0-7 read, on every core, as that core's own bit
    /// (IHI 0048B 4.3.12). Its number need not equal MPIDR's, so it is read, not assumed (Linux
    /// gic_get_cpumask). Zero on a uniprocessor GIC, where the registers read as zero.
    /// </summary>
    public uint CurrentCpuMask
    {
        get
        {
            uint mask = 0;
            for (int n = 0; n < (int)(FirstSharedId / 4) && mask == 0; n++)
            {
                uint word = _distributor.GicdItargetsr(n).Read().Raw;
                mask = (word | word >> 8 | word >> 16 | word >> 24) & 0xFF;
            }
            return mask;
        }
    }

    /// <summary>Distributor and this core's CPU interface: <see cref="InitializeDistributor"/>, then <see cref="InitializeCpuInterface"/>. Returns the number of IDs managed.</summary>
    public uint Initialize()
    {
        uint lines = InitializeDistributor();
        InitializeCpuInterface();
        return lines;
    }

    /// <summary>
    /// Once, by one core, before any other core calls <see cref="InitializeCpuInterface"/>:
    /// distributor off; every managed SPI disabled, not pending, not active, group 0, at
    /// <see cref="DefaultPriority"/>, to CPU 0, level-triggered; distributor on, group 0 only.
    /// SGIs and PPIs are each core's: left to <see cref="InitializeCpuInterface"/>. Returns the
    /// number of IDs managed.
    /// </summary>
    public uint InitializeDistributor()
    {
        _distributor.GicdCtlr.Write(Gic400Distributor.GicdCtlr.Zero);
        uint lines = Lines;
        for (int n = (int)(FirstSharedId / 32); n < (int)(lines / 32); n++)
        {
            _distributor.GicdIcenabler(n).Write(new Gic400Distributor.GicdIcenabler(uint.MaxValue));
            _distributor.GicdIcpendr(n).Write(new Gic400Distributor.GicdIcpendr(uint.MaxValue));
            _distributor.GicdIcactiver(n).Write(new Gic400Distributor.GicdIcactiver(uint.MaxValue));
            _distributor.GicdIgroupr(n).Write(Gic400Distributor.GicdIgroupr.Zero);
        }
        var toCpu0 = Gic400Distributor.GicdItargetsr.Zero
            .WithCpuTargets0(Cpu0).WithCpuTargets1(Cpu0).WithCpuTargets2(Cpu0).WithCpuTargets3(Cpu0);
        for (int n = (int)(FirstSharedId / 4); n < (int)(lines / 4); n++)
        {
            _distributor.GicdIpriorityr(n).Write(DefaultPriorities);
            _distributor.GicdItargetsr(n).Write(toCpu0);
        }
        // ICFGR0 (SGIs) is read-only and ICFGR1 (PPIs) implementation defined: SPIs only, all level.
        for (int n = (int)(FirstSharedId / 16); n < (int)(lines / 16); n++)
            _distributor.GicdIcfgr(n).Write(Gic400Distributor.GicdIcfgr.Zero);
        _distributor.GicdCtlr.Write(Gic400Distributor.GicdCtlr.Zero.WithEnableGrp0(true));
        return lines;
    }

    /// <summary>
    /// On every core, itself, after <see cref="InitializeDistributor"/>: its banked SGIs and PPIs
    /// (GICD_*R0, IPRIORITYR0-7) deactivated, not pending, group 0, at
    /// <see cref="DefaultPriority"/>, PPIs off and SGIs on (Linux gic_cpu_config and
    /// gic_cpu_init); then its CPU interface: priority mask <see cref="PriorityThreshold"/>,
    /// group 0 signalled as IRQ (Linux gic_cpu_if_up).
    /// </summary>
    public void InitializeCpuInterface()
    {
        _distributor.GicdIcactiver(0).Write(new Gic400Distributor.GicdIcactiver(uint.MaxValue));
        _distributor.GicdIcenabler(0).Write(new Gic400Distributor.GicdIcenabler(PpiBits));
        _distributor.GicdIcpendr(0).Write(new Gic400Distributor.GicdIcpendr(uint.MaxValue));
        _distributor.GicdIgroupr(0).Write(Gic400Distributor.GicdIgroupr.Zero);
        for (int n = 0; n < (int)(FirstSharedId / 4); n++)
            _distributor.GicdIpriorityr(n).Write(DefaultPriorities);
        _distributor.GicdIsenabler(0).Write(new Gic400Distributor.GicdIsenabler(SgiBits));

        _cpu.GiccPmr.Write(Gic400CpuInterface.GiccPmr.Zero.WithPriority(PriorityThreshold));
        _cpu.GiccCtlr.Write(Gic400CpuInterface.GiccCtlr.Zero.WithEnableGrp0(true));
    }

    /// <summary>
    /// Before the jump to a kernel that runs in the normal world (Linux under the secure monitor,
    /// src/Platform/Cpu/SecureMonitor.cs), on a GIC with the Security Extensions: every managed SPI in group 1, which the normal world
    /// owns (IHI 0048B 4.3.4; U-Boot's armv7_init_nonsec does the same), and both groups forwarded,
    /// since the monitor wakes its parked cores with a group-0 SGI. Each core's SGIs and PPIs are
    /// its own to hand over (the monitor does it on each core). Secure accesses only.
    /// </summary>
    public void HandSharedInterruptsToNormalWorld()
    {
        // Without the Security Extensions every access is Secure: the normal world sees the
        // Secure view, enables group 0 only and must find its interrupts there (IHI 0048B 4.3.2;
        // QEMU's H3). Nothing to hand over.
        if (!_distributor.GicdTyper.Read().SecurityExtn)
            return;
        uint lines = Lines;
        for (int n = (int)(FirstSharedId / 32); n < (int)(lines / 32); n++)
            _distributor.GicdIgroupr(n).Write(new Gic400Distributor.GicdIgroupr(uint.MaxValue));
        _distributor.GicdCtlr.Write(Gic400Distributor.GicdCtlr.Zero.WithEnableGrp0(true).WithEnableGrp1(true));
    }

    /// <summary>This core's CPU interface off: nothing more is signalled to it (before it sleeps for good or jumps to a kernel).</summary>
    public void DisableCpuInterface() => _cpu.GiccCtlr.Write(Gic400CpuInterface.GiccCtlr.Zero);

    private static Gic400Distributor.GicdIpriorityr DefaultPriorities =>
        Gic400Distributor.GicdIpriorityr.Zero
            .WithPriority0(DefaultPriority).WithPriority1(DefaultPriority).WithPriority2(DefaultPriority).WithPriority3(DefaultPriority);

    /// <summary>Lets <paramref name="id"/> through (GICD_ISENABLER); false if the driver does not manage it. An SGI or PPI: on the calling core only.</summary>
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
    /// The priority of <paramref name="id"/>, one byte of GICD_IPRIORITYR (lower is more
    /// urgent; IHI 0048B 4.3.11). Only values with the low four bits clear are taken (see
    /// <see cref="ImplementedPriorityMask"/>), and only below <see cref="PriorityThreshold"/>,
    /// or it would never be signalled. An SGI or PPI: the calling core's.
    /// </summary>
    public bool SetPriority(uint id, uint priority)
    {
        if (id >= Lines || (priority & ~ImplementedPriorityMask) != 0 || priority >= PriorityThreshold)
            return false;
        var register = _distributor.GicdIpriorityr((int)(id / 4));
        register.Write(new Gic400Distributor.GicdIpriorityr(WithByte(register.Read().Raw, id % 4, priority)));
        return true;
    }

    /// <summary>The priority of <paramref name="id"/> as the distributor keeps it (unimplemented low bits read as zero).</summary>
    public uint Priority(uint id) => id >= Lines ? 0 : ByteOf(_distributor.GicdIpriorityr((int)(id / 4)).Read().Raw, id % 4);

    /// <summary>
    /// The CPU interfaces an SPI is sent to (a mask, bit c for interface c; one bit for one core,
    /// several and the first to acknowledge takes it; IHI 0048B 4.3.12). SGIs and PPIs have
    /// fixed targets, and a target outside the implemented interfaces is refused: false.
    /// </summary>
    public bool SetTarget(uint id, uint cpuMask)
    {
        if (id < FirstSharedId || id >= Lines || cpuMask == 0 || cpuMask >> CpuInterfaces != 0)
            return false;
        var register = _distributor.GicdItargetsr((int)(id / 4));
        register.Write(new Gic400Distributor.GicdItargetsr(WithByte(register.Read().Raw, id % 4, cpuMask)));
        return true;
    }

    /// <summary>The CPU interfaces <paramref name="id"/> is sent to (for IDs 0-31: the calling core's bit).</summary>
    public uint Target(uint id) => id >= Lines ? 0 : ByteOf(_distributor.GicdItargetsr((int)(id / 4)).Read().Raw, id % 4);

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

    /// <summary>True while <paramref name="id"/> is pending (GICD_ISPENDR; an SGI or PPI: on the calling core).</summary>
    public bool IsPending(uint id) => id < Lines && (_distributor.GicdIspendr((int)(id / 32)).Read().Raw >> (int)(id % 32) & 1) != 0;

    /// <summary>
    /// Raises SGI <paramref name="sgi"/> on the CPU interfaces in <paramref name="cpuMask"/>
    /// (GICD_SGIR, TargetListFilter = list; IHI 0048B 4.3.15). Group 0 (NSATT = 0), as we set
    /// every SGI. What the receiver should read must be written before: the register write is a
    /// release store (<see cref="DirectMmio"/>), so plain memory writes before it are seen first.
    /// False for an ID that is not an SGI or an empty or unimplemented target.
    /// </summary>
    public bool SendSgi(uint sgi, uint cpuMask)
    {
        if (sgi >= SgiCount || cpuMask == 0 || cpuMask >> CpuInterfaces != 0)
            return false;
        _distributor.GicdSgir.Write(Gic400Distributor.GicdSgir.Zero.WithSgiIntId(sgi).WithCpuTargetList(cpuMask)
            .WithTargetListFilter(Gic400Distributor.GicdSgir.TargetListFilterValue.List));
        return true;
    }

    /// <summary>Raises SGI <paramref name="sgi"/> on every core but the caller (TargetListFilter = all but self).</summary>
    public bool SendSgiToOthers(uint sgi) => SendSgiFiltered(sgi, Gic400Distributor.GicdSgir.TargetListFilterValue.AllButSelf);

    /// <summary>Raises SGI <paramref name="sgi"/> on the calling core (TargetListFilter = self).</summary>
    public bool SendSgiToSelf(uint sgi) => SendSgiFiltered(sgi, Gic400Distributor.GicdSgir.TargetListFilterValue.Self);

    private bool SendSgiFiltered(uint sgi, Gic400Distributor.GicdSgir.TargetListFilterValue filter)
    {
        if (sgi >= SgiCount)
            return false;
        _distributor.GicdSgir.Write(Gic400Distributor.GicdSgir.Zero.WithSgiIntId(sgi).WithTargetListFilter(filter));
        return true;
    }

    /// <summary>Reads GICC_IAR: the highest pending interrupt is now active. Keep the raw value for <see cref="End"/> (for an SGI it names the sender).</summary>
    public uint Acknowledge() => _cpu.GiccIar.Read().Raw;

    /// <summary>Writes back what <see cref="Acknowledge"/> returned (GICC_EOIR): priority dropped, interrupt deactivated.</summary>
    public void End(uint acknowledged) => _cpu.GiccEoir.Write(new Gic400CpuInterface.GiccEoir(acknowledged));

    /// <summary>
    /// What the IRQ handler does, on whichever core took the IRQ: acknowledge, call the ID's
    /// handler (<see cref="InterruptHandlers"/>, one table for all cores), end; again until IAR
    /// says spurious, at most <see cref="DispatchLimit"/> times. An interrupt with no handler is
    /// disabled, so a level-triggered one cannot come back for ever. Each one taken also wakes
    /// this core's tasks waiting for it (<see cref="InterruptWakeups"/>, after the handler has
    /// quietened the device). Returns how many interrupts were taken.
    /// </summary>
    public int DispatchPending()
    {
        int core = Cpu.Core;
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
            InterruptWakeups.Raise(core, id);
            End(acknowledged);
        }
        return taken;
    }

    private static uint ByteOf(uint word, uint index) => (word >> (int)(8 * index)) & 0xFF;

    private static uint WithByte(uint word, uint index, uint value)
    {
        int shift = (int)(8 * index);
        return (word & ~(0xFFu << shift)) | (value << shift);
    }
}
