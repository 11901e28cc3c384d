using Unikernel.Drivers.Interrupts;
using Unikernel.Hardware;
using Unikernel.Tests.Drivers;

namespace Unikernel.Tests.Cpu;

/// <summary>
/// The GICv2 driver with four cores on a simulated GIC (<see cref="GicBus"/>): the distributor
/// once and each core's own interface, priorities, SPI targets, and SGIs from core to core,
/// acknowledged and dispatched on the target.
/// </summary>
// The handler table is static too: one collection with GicV2Tests.
[Collection("RecordingBus")]
public sealed unsafe class GicV2MultiCoreTests : IDisposable
{
    private const uint Sgi = 3;
    private static readonly List<(int Cpu, uint Id)> s_handled = [];

    public GicV2MultiCoreTests()
    {
        GicBus.Reset();
        InterruptHandlers.Clear();
        s_handled.Clear();
    }

    public void Dispose()
    {
        GicBus.Reset();
        InterruptHandlers.Clear();
    }

    private static GicV2<GicBus> Gic => new(new Gic400Distributor<GicBus>(GicBus.Distributor), new Gic400CpuInterface<GicBus>(GicBus.CpuInterface));

    private static void Record(uint id) => s_handled.Add((GicBus.Cpu, id));

    private static GicV2<GicBus> OnCpu(int cpu)
    {
        GicBus.Cpu = cpu;
        return Gic;
    }

    /// <summary>Core 0 sets up the distributor and its interface, then cores 1-3 each their own.</summary>
    private static void BringUpFourCores()
    {
        Assert.Equal(160u, OnCpu(0).Initialize());
        for (int cpu = 1; cpu < GicBus.Cpus; cpu++)
            OnCpu(cpu).InitializeCpuInterface();
        GicBus.Cpu = 0;
    }

    [Fact]
    public void Distributor_once_then_each_core_its_banked_registers_follow_the_approved_trace()
    {
        BringUpFourCores();
        ApprovedTrace.Verify("GicV2.FourCores", GicBus.Log);
        for (int cpu = 0; cpu < GicBus.Cpus; cpu++)
        {
            Assert.True(GicBus.IsEnabled(cpu, Sgi), $"SGIs on, on core {cpu}");
            Assert.False(GicBus.IsEnabled(cpu, 29), $"PPIs off until enabled, on core {cpu}");
        }
        Assert.Equal(4, Gic.CpuInterfaces);
    }

    [Fact]
    public void Each_core_reads_its_own_interface_bit()
    {
        for (int cpu = 0; cpu < GicBus.Cpus; cpu++)
            Assert.Equal(1u << cpu, OnCpu(cpu).CurrentCpuMask);
    }

    [Fact]
    public void An_sgi_sent_to_one_core_is_taken_there_with_its_sender_and_ended()
    {
        BringUpFourCores();
        Assert.True(InterruptHandlers.Register(Sgi, &Record));
        uint core2 = OnCpu(2).CurrentCpuMask;
        GicBus.Log.Clear();
        Assert.True(OnCpu(0).SendSgi(Sgi, core2));
        Assert.True(OnCpu(3).SendSgi(Sgi, 1u << 2));

        Assert.Equal(0, OnCpu(1).DispatchPending());
        Assert.Equal(2, OnCpu(2).DispatchPending());
        Assert.Equal([(2, Sgi), (2, Sgi)], s_handled);
        // EOIR gets IAR's value back: the SGI with its sender's interface in bits 12:10.
        Assert.Contains($"cpu2 write 0x{GicBus.CpuInterface + 0x010:x8} <- 0x00000003", GicBus.Log);
        Assert.Contains($"cpu2 write 0x{GicBus.CpuInterface + 0x010:x8} <- 0x00000c03", GicBus.Log);
        Assert.Contains($"cpu0 write 0x{GicBus.Distributor + 0xF00:x8} <- 0x00040003", GicBus.Log);
    }

    [Fact]
    public void Sgi_to_others_reaches_every_core_but_the_sender_and_to_self_only_the_sender()
    {
        BringUpFourCores();
        InterruptHandlers.Register(Sgi, &Record);
        InterruptHandlers.Register(Sgi + 1, &Record);
        Assert.True(OnCpu(1).SendSgiToOthers(Sgi));
        Assert.True(OnCpu(1).SendSgiToSelf(Sgi + 1));
        for (int cpu = 0; cpu < GicBus.Cpus; cpu++)
            OnCpu(cpu).DispatchPending();
        Assert.Equal([(0, Sgi), (1, Sgi + 1), (2, Sgi), (3, Sgi)], s_handled);
    }

    [Fact]
    public void Sgi_requests_outside_the_sgis_or_the_cores_are_refused_without_a_write()
    {
        BringUpFourCores();
        GicBus.Log.Clear();
        Assert.False(Gic.SendSgi(GicV2<GicBus>.SgiCount, 1));
        Assert.False(Gic.SendSgi(Sgi, 0));
        Assert.False(Gic.SendSgi(Sgi, 1u << 4));
        Assert.False(Gic.SendSgiToOthers(16));
        Assert.DoesNotContain(GicBus.Log, line => line.Contains("write"));
    }

    [Fact]
    public void An_spi_goes_to_the_core_it_targets()
    {
        BringUpFourCores();
        uint emac = (uint)H3.Emac.Irq;
        InterruptHandlers.Register(emac, &Record);
        Assert.True(Gic.SetTarget(emac, 1u << 3));
        Assert.Equal(1u << 3, Gic.Target(emac));
        Assert.True(Gic.Enable(emac));
        GicBus.RaiseSpi(emac);
        Assert.Equal(0, OnCpu(0).DispatchPending());
        Assert.Equal(1, OnCpu(3).DispatchPending());
        Assert.Equal([(3, emac)], s_handled);
        // The neighbours in the same ITARGETSR word still go to core 0.
        Assert.Equal(1u, Gic.Target(emac + 1));
        Assert.False(Gic.SetTarget(29, 1), "a PPI's target is fixed");
        Assert.False(Gic.SetTarget(emac, 1u << 4), "no fifth core");
        Assert.False(Gic.SetTarget(emac, 0));
    }

    [Fact]
    public void The_more_urgent_priority_is_taken_first()
    {
        BringUpFourCores();
        uint emac = (uint)H3.Emac.Irq, uart = (uint)H3.Uart0.Irq;
        InterruptHandlers.Register(emac, &Record);
        InterruptHandlers.Register(uart, &Record);
        Assert.True(Gic.SetPriority(emac, 0x80));
        Assert.True(Gic.SetPriority(uart, 0x40));
        Assert.Equal(0x80u, Gic.Priority(emac));
        Assert.Equal(GicV2<GicBus>.DefaultPriority, Gic.Priority(emac + 1));
        Gic.Enable(emac);
        Gic.Enable(uart);
        GicBus.RaiseSpi(emac);
        GicBus.RaiseSpi(uart);
        Assert.Equal(2, Gic.DispatchPending());
        Assert.Equal([(0, uart), (0, emac)], s_handled);
    }

    [Fact]
    public void Priorities_a_gic_cannot_hold_or_never_signals_are_refused()
    {
        BringUpFourCores();
        Assert.False(Gic.SetPriority(32, 0x88), "the low four bits may not be implemented");
        Assert.False(Gic.SetPriority(32, GicV2<GicBus>.PriorityThreshold), "masked for ever");
        Assert.False(Gic.SetPriority(160, 0x40));
        Assert.True(Gic.SetPriority(Sgi, 0x10));
        Assert.Equal(0x10u, Gic.Priority(Sgi));
        Assert.Equal(GicV2<GicBus>.DefaultPriority, OnCpu(1).Priority(Sgi));
    }

    [Fact]
    public void A_disabled_cpu_interface_is_signalled_nothing()
    {
        BringUpFourCores();
        InterruptHandlers.Register(Sgi, &Record);
        OnCpu(2).DisableCpuInterface();
        OnCpu(0).SendSgi(Sgi, 1u << 2);
        Assert.Equal(0, OnCpu(2).DispatchPending());
        OnCpu(2).InitializeCpuInterface();
        Assert.True(OnCpu(2).IsPending(Sgi) is false, "re-initialising clears what was pending");
    }
}
