using Unikernel.Drivers.Interrupts;
using Unikernel.Drivers.Timer;
using Unikernel.Hardware;
using Unikernel.Platform;
using Unikernel.Tests.Drivers;

namespace Unikernel.Tests.Cpu;

/// <summary>
/// The one-shot deadline on the generic timer, with the host twins of the timer and the IRQ
/// mask: armed at the counter value of a deadline, taken once through the GIC's dispatch, off
/// after it; and the sleep that waits, takes what woke it and masks again.
/// </summary>
[Collection("RecordingBus")]
public sealed unsafe class DeadlineTimerTests : IDisposable
{
    private static readonly nuint Distributor = H3.Gicd.Base;
    private static readonly nuint CpuInterface = H3.Gicc.Base;
    private static readonly Queue<uint> s_pending = new();

    public DeadlineTimerTests()
    {
        RecordingBus.Reset();
        InterruptHandlers.Clear();
        s_pending.Clear();
        RecordingBus.Registers[Distributor + 0x004] = 0x64;
        RecordingBus.OnRead = (address, value) => address == CpuInterface + 0x00C ? (s_pending.TryDequeue(out uint id) ? id : GicV2<RecordingBus>.Spurious) : value;
        Interrupts.SetHandler(&Dispatch);
        Interrupts.Disable();
    }

    public void Dispose()
    {
        Interrupts.WhileWaiting = null;
        Interrupts.Disable();
        PhysicalTimer.SetControl(0);
        RecordingBus.Reset();
        InterruptHandlers.Clear();
    }

    private static GicV2<RecordingBus> Gic => new(new Gic400Distributor<RecordingBus>(Distributor), new Gic400CpuInterface<RecordingBus>(CpuInterface));

    private static void Dispatch() => Gic.DispatchPending();

    [Fact]
    public void Start_leaves_the_timer_off_and_enables_its_ppi()
    {
        PhysicalTimer.SetControl(PhysicalTimer.Enabled);
        Assert.True(DeadlineTimer.Start(Gic));
        Assert.Equal(0u, PhysicalTimer.Control);
        Assert.True(InterruptHandlers.IsRegistered(DeadlineTimer.InterruptId));
        Assert.Contains($"write 0x{Distributor + 0x100:x8} <- 0x20000000", RecordingBus.Log); // ISENABLER0 bit 29
    }

    [Fact]
    public void A_deadline_in_milliseconds_is_the_counter_value_where_the_clock_shows_it()
    {
        ulong counter = DeadlineTimer.CounterAt(1234);
        Assert.Equal(1234UL * (GenericTimer.Frequency / 1000), counter);
        Assert.Equal(1234L, (long)(counter / (GenericTimer.Frequency / 1000)));
    }

    [Fact]
    public void An_armed_deadline_fires_once_and_turns_the_timer_off()
    {
        Assert.True(DeadlineTimer.Start(Gic));
        DeadlineTimer.Arm(5000);
        Assert.Equal(5000UL, PhysicalTimer.Compare);
        Assert.Equal(PhysicalTimer.Enabled, PhysicalTimer.Control);
        s_pending.Enqueue(DeadlineTimer.InterruptId);
        Interrupts.Raise();
        Assert.Equal(1u, DeadlineTimer.Expirations);
        Assert.Equal(0u, PhysicalTimer.Control);
    }

    [Fact]
    public void Sleep_arms_the_deadline_waits_then_takes_the_interrupt_with_irqs_masked_again()
    {
        Assert.True(DeadlineTimer.Start(Gic));
        uint controlWhileWaiting = 0;
        bool maskedWhileWaiting = false;
        int waitsBefore = Interrupts.Waits;
        Interrupts.WhileWaiting = () =>
        {
            controlWhileWaiting = PhysicalTimer.Control;
            maskedWhileWaiting = !Interrupts.Enabled;
            // The deadline comes while the CPU sleeps: the vector runs once IRQs are unmasked.
            s_pending.Enqueue(DeadlineTimer.InterruptId);
            Interrupts.Raise();
        };
        DeadlineTimer.Sleep(2000);
        Assert.Equal(waitsBefore + 1, Interrupts.Waits);
        Assert.Equal(PhysicalTimer.Enabled, controlWhileWaiting);
        Assert.True(maskedWhileWaiting);
        Assert.Equal(DeadlineTimer.CounterAt(2000), PhysicalTimer.Compare);
        Assert.Equal(1u, DeadlineTimer.Expirations);
        Assert.False(Interrupts.Enabled);
        Assert.Equal(0u, PhysicalTimer.Control);
    }

    [Fact]
    public void Sleep_with_no_deadline_leaves_the_timer_off()
    {
        Assert.True(DeadlineTimer.Start(Gic));
        uint controlWhileWaiting = 1;
        Interrupts.WhileWaiting = () => controlWhileWaiting = PhysicalTimer.Control;
        DeadlineTimer.Sleep(long.MaxValue);
        Assert.Equal(0u, controlWhileWaiting);
        Assert.Equal(0u, DeadlineTimer.Expirations);
        Assert.False(Interrupts.Enabled);
    }
}
