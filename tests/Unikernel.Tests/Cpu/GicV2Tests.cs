using Unikernel.Drivers.Interrupts;
using Unikernel.Drivers.Timer;
using Unikernel.Hardware;
using Unikernel.Platform;
using Unikernel.Tests.Drivers;
using Unikernel.Tool;

namespace Unikernel.Tests.Cpu;

/// <summary>The GICv2 driver on a recording bus: its start-up trace, enables, and the dispatch loop with the handler table.</summary>
[Collection("RecordingBus")]
public sealed unsafe class GicV2Tests : IDisposable
{
    private static readonly nuint Distributor = H3.Gicd.Base;
    private static readonly nuint CpuInterface = H3.Gicc.Base;
    private static readonly Queue<uint> s_pending = new();
    private static readonly List<uint> s_handled = [];

    public GicV2Tests()
    {
        RecordingBus.Reset();
        InterruptHandlers.Clear();
        s_pending.Clear();
        s_handled.Clear();
        // GICD_TYPER as QEMU's orangepi-pc reports it: ITLinesNumber 4, 160 IDs, 4 CPUs (refs/qemu-h3.md 1.3).
        RecordingBus.Registers[Distributor + 0x004] = 0x64;
        // GICC_IAR hands out the queued IDs, then 1023 (spurious).
        RecordingBus.OnRead = (address, value) => address == CpuInterface + 0x00C ? (s_pending.TryDequeue(out uint id) ? id : GicV2<RecordingBus>.Spurious) : value;
    }

    public void Dispose()
    {
        RecordingBus.Reset();
        InterruptHandlers.Clear();
    }

    private static GicV2<RecordingBus> Gic => new(new Gic400Distributor<RecordingBus>(Distributor), new Gic400CpuInterface<RecordingBus>(CpuInterface));

    private static void Record(uint id) => s_handled.Add(id);

    private static List<string> Writes() => RecordingBus.Log.Where(line => line.StartsWith("write")).ToList();

    [Fact]
    public void Initialize_follows_the_approved_register_trace()
    {
        Assert.Equal(160u, Gic.Initialize());
        Assert.True(Gic.Enable((uint)H3.Emac.Irq));
        ApprovedTrace.Verify("GicV2.Initialize", RecordingBus.Log);
    }

    [Fact]
    public void Lines_are_what_the_distributor_implements_up_to_the_table()
    {
        Assert.Equal(160u, Gic.Lines);
        RecordingBus.Registers[Distributor + 0x004] = 0x408; // QEMU virt, secure: 288 IDs
        Assert.Equal(288u, Gic.ImplementedLines);
        Assert.Equal(160u, Gic.Lines);
        Assert.False(Gic.Enable(160));
        Assert.False(Gic.Disable(300));
    }

    [Fact]
    public void Enable_and_disable_write_one_bit_and_edge_config_touches_spis_only()
    {
        Gic.Enable(114);
        Gic.Disable(29);
        Assert.True(Gic.SetEdgeTriggered(114, true));
        Assert.False(Gic.SetEdgeTriggered(29, true));
        Assert.Equal(
        [
            $"write 0x{Distributor + 0x10C:x8} <- 0x00040000", // ISENABLER3 bit 18
            $"write 0x{Distributor + 0x180:x8} <- 0x20000000", // ICENABLER0 bit 29
            $"write 0x{Distributor + 0xC1C:x8} <- 0x00000020", // ICFGR7: ID 114 = 16 * 7 + 2, bit 5
        ], Writes());
    }

    [Fact]
    public void Dispatch_calls_handlers_ends_each_interrupt_and_stops_at_spurious()
    {
        Assert.True(InterruptHandlers.Register(29, &Record));
        Assert.True(InterruptHandlers.Register(114, &Record));
        s_pending.Enqueue(29);
        s_pending.Enqueue(114 | (0u << 10));
        Assert.Equal(2, Gic.DispatchPending());
        Assert.Equal([29u, 114u], s_handled);
        Assert.Equal(
        [
            $"write 0x{CpuInterface + 0x010:x8} <- 0x0000001d",
            $"write 0x{CpuInterface + 0x010:x8} <- 0x00000072",
        ], Writes());
        Assert.Equal(0u, InterruptHandlers.Unhandled);
    }

    [Fact]
    public void Unknown_interrupt_is_counted_disabled_and_ended_not_fatal()
    {
        s_pending.Enqueue(77);
        Assert.Equal(1, Gic.DispatchPending());
        Assert.Equal(1u, InterruptHandlers.Unhandled);
        Assert.Equal(77u, InterruptHandlers.LastUnhandled);
        Assert.Equal(
        [
            $"write 0x{Distributor + 0x188:x8} <- 0x00002000", // ICENABLER2 bit 13
            $"write 0x{CpuInterface + 0x010:x8} <- 0x0000004d",
        ], Writes());
        Assert.False(InterruptHandlers.Dispatch(500));
        Assert.Equal(2u, InterruptHandlers.Unhandled);
        Assert.False(InterruptHandlers.Register(InterruptHandlers.Capacity, &Record));
    }

    [Fact]
    public void Spurious_and_special_ids_are_not_ended()
    {
        s_pending.Enqueue(1022);
        Assert.Equal(0, Gic.DispatchPending());
        Assert.Equal(0, Gic.DispatchPending());
        Assert.Empty(Writes());
    }

    [Fact]
    public void A_storm_returns_after_the_dispatch_limit()
    {
        InterruptHandlers.Register(40, &Record);
        for (int i = 0; i < 100; i++)
            s_pending.Enqueue(40);
        Assert.Equal(GicV2<RecordingBus>.DispatchLimit, Gic.DispatchPending());
    }

    private static void Dispatch() => Gic.DispatchPending();

    [Fact]
    public void Timer_tick_arms_the_compare_value_enables_its_ppi_and_counts_through_the_irq_path()
    {
        Assert.True(TickTimer.Start(Gic, 100));
        Assert.Equal(PhysicalTimer.Enabled, PhysicalTimer.Control);
        Assert.Contains($"write 0x{Distributor + 0x100:x8} <- 0x20000000", Writes()); // ISENABLER0 bit 29
        ulong compare = PhysicalTimer.Compare;
        Interrupts.SetHandler(&Dispatch);
        s_pending.Enqueue(TickTimer.InterruptId);
        Interrupts.Raise();
        Assert.Equal(1u, TickTimer.Ticks);
        Assert.True(PhysicalTimer.Compare >= compare + TickTimer.Period);
        TickTimer.Stop(Gic);
        Assert.Equal(0u, PhysicalTimer.Control);
        Assert.False(InterruptHandlers.IsRegistered(TickTimer.InterruptId));
        Assert.False(TickTimer.Start(Gic, 0));
    }
}
