using Unikernel.Drivers.Timer;
using Unikernel.Hardware;
using Ctrl = Unikernel.Hardware.TimerSun8i.TmrValues.Ctrl;

namespace Unikernel.Tests.Drivers;

/// <summary>
/// Timers 0 and 1 of the H3/A64 timer block on a simulated bus. The control words expected here
/// are built from Linux drivers/clocksource/timer-sun4i.c's constants (TIMER_CTL_ENABLE bit 0,
/// RELOAD bit 1, CLK_SRC bits 3:2 with OSC24M = 1, CLK_PRES bits 6:4, ONESHOT bit 7), not from
/// the YAML.
/// </summary>
[Collection("RecordingBus")]
public sealed class Sun8iTimerTests
{
    private const uint Enable = 1u << 0, Reload = 1u << 1, Osc24M = 1u << 2, OneShot = 1u << 7;
    private const nuint Block = H3.Timer.Base;

    public Sun8iTimerTests() => RecordingBus.Reset();

    private static List<string> Writes() => RecordingBus.Log.Where(line => line.StartsWith("write")).ToList();

    private static string Write(nuint offset, uint value) => $"write 0x{Block + offset:x8} <- 0x{value:x8}";

    [Fact]
    public void One_shot_on_the_h3_follows_the_approved_trace()
    {
        var timer = new Sun8iTimer<RecordingBus>(H3<RecordingBus>.Timer, 0);
        Assert.Equal(TimerStatus.Ok, timer.Start(24_000, TimerMode.OneShot));
        timer.EnableInterrupt();
        ApprovedTrace.Verify("Sun8iTimer.H3.OneShot", RecordingBus.Log);
        Assert.Equal(
        [
            Write(0x14, 24_000),                                   // TMR0_INTV_VALUE
            Write(0x10, OneShot | Osc24M),                         // TMR0_CTRL, stopped
            Write(0x10, OneShot | Osc24M | Reload | Enable),
            Write(0x00, 1u << 0),                                  // TMR_IRQ_EN
        ], Writes());
    }

    [Fact]
    public void Periodic_on_the_a64_timer_1_follows_the_approved_trace()
    {
        Assert.Equal(A64.Timer.Base, H3.Timer.Base);
        RecordingBus.Registers[Block + 0x00] = 1u << 0; // timer 0's interrupt already on
        var timer = new Sun8iTimer<RecordingBus>(A64<RecordingBus>.Timer, 1);
        Assert.Equal(TimerStatus.Ok, timer.Start(1_500, TimerMode.Periodic, Ctrl.TmrClkPresValue.Div16));
        timer.EnableInterrupt();
        ApprovedTrace.Verify("Sun8iTimer.A64.Periodic", RecordingBus.Log);
        Assert.Equal(
        [
            Write(0x24, 1_500),                                    // TMR1_INTV_VALUE
            Write(0x20, 4u << 4 | Osc24M),                         // continuous, /16
            Write(0x20, 4u << 4 | Osc24M | Reload | Enable),
            Write(0x00, 1u << 0 | 1u << 1),                        // timer 0's bit kept
        ], Writes());
        Assert.Equal(1_500_000u, Sun8iTimer<RecordingBus>.Hertz(Ctrl.TmrClkPresValue.Div16));
    }

    [Fact]
    public void A_running_timer_is_stopped_and_given_its_source_cycles_before_it_is_loaded()
    {
        RecordingBus.Registers[Block + 0x10] = Osc24M | Enable;
        var timer = new Sun8iTimer<RecordingBus>(H3<RecordingBus>.Timer, 0);
        Assert.True(timer.IsRunning);
        Assert.Equal(TimerStatus.Ok, timer.Start(100, TimerMode.OneShot));
        Assert.Equal(Write(0x10, Osc24M), Writes()[0]);
        Assert.Equal(Write(0x14, 100), Writes()[1]);
    }

    [Fact]
    public void A_zero_interval_is_refused_without_a_write()
    {
        var timer = new Sun8iTimer<RecordingBus>(H3<RecordingBus>.Timer, 1);
        Assert.Equal(TimerStatus.IntervalOutOfRange, timer.Start(0, TimerMode.Periodic));
        Assert.Empty(Writes());
        Assert.Throws<PanicException>(() => new Sun8iTimer<RecordingBus>(H3<RecordingBus>.Timer, 2));
    }

    [Fact]
    public void Each_timer_sees_and_clears_only_its_own_status_bit()
    {
        RecordingBus.Registers[Block + 0x04] = 1u << 1;
        var timer0 = new Sun8iTimer<RecordingBus>(H3<RecordingBus>.Timer, 0);
        var timer1 = new Sun8iTimer<RecordingBus>(H3<RecordingBus>.Timer, 1);
        Assert.False(timer0.HasExpired);
        Assert.True(timer1.HasExpired);
        timer1.Acknowledge();
        timer0.Acknowledge();
        RecordingBus.Registers[Block + 0x00] = 3;
        timer1.DisableInterrupt();
        Assert.Equal([Write(0x04, 1u << 1), Write(0x04, 1u << 0), Write(0x00, 1u << 0)], Writes());
    }

    [Fact]
    public void Waiting_for_expiry_acknowledges_when_it_comes_and_times_out_when_it_does_not()
    {
        int reads = 0;
        RecordingBus.OnRead = (address, value) => address == Block + 0x04 && ++reads >= 5 ? 1u : value;
        var timer = new Sun8iTimer<RecordingBus>(H3<RecordingBus>.Timer, 0);
        Assert.Equal(TimerStatus.Ok, timer.WaitForExpiry(1_000_000));
        Assert.Equal(5, reads);
        Assert.Equal([Write(0x04, 1)], Writes());

        RecordingBus.Reset();
        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(TimerStatus.TimedOut, timer.WaitForExpiry(2_000));
        Assert.InRange(started.ElapsedMilliseconds, 2, 1_000);
        Assert.Empty(Writes());
    }

    [Fact]
    public void The_count_is_read_from_the_current_value_register()
    {
        RecordingBus.Registers[Block + 0x28] = 1234;
        Assert.Equal(1234u, new Sun8iTimer<RecordingBus>(H3<RecordingBus>.Timer, 1).Remaining);
    }
}
