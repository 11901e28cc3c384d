using Unikernel.Drivers.Timer;
using Unikernel.Hardware;
using Ctrl = Unikernel.Hardware.Hstimer.HsTmr0Ctrl;

namespace Unikernel.Tests.Drivers;

/// <summary>
/// HS timer 0 on a simulated bus, for the H3 and the A64. Expected words from Linux
/// drivers/clocksource/timer-sun5i.c (TIMER_CTL_REG(0) 0x10, INTVAL_LO 0x14, INTVAL_HI 0x18,
/// CNTVAL_LO 0x1c, CNTVAL_HI 0x20; ENABLE bit 0, RELOAD bit 1, CLK_PRES bits 6:4, ONESHOT bit 7),
/// not from the YAML. QEMU does not model this block, so these tests are all it runs on.
/// </summary>
[Collection("RecordingBus")]
public sealed class HighSpeedTimerTests
{
    private const uint Enable = 1u << 0, Reload = 1u << 1, OneShot = 1u << 7;
    private const uint AhbHertz = 200_000_000;
    private const nuint Block = H3.Hstimer.Base;

    public HighSpeedTimerTests() => RecordingBus.Reset();

    private static List<string> Writes() => RecordingBus.Log.Where(line => line.StartsWith("write")).ToList();

    private static string Write(nuint offset, uint value) => $"write 0x{Block + offset:x8} <- 0x{value:x8}";

    [Fact]
    public void One_shot_on_the_h3_with_a_56_bit_interval_follows_the_approved_trace()
    {
        HighSpeedTimer<RecordingBus>.EnableClock(H3<RecordingBus>.Ccu);
        var timer = new HighSpeedTimer<RecordingBus>(H3<RecordingBus>.Hstimer, AhbHertz);
        Assert.Equal(TimerStatus.Ok, timer.Start(0x12_3456_789AUL, TimerMode.OneShot));
        timer.EnableInterrupt();
        ApprovedTrace.Verify("HighSpeedTimer.H3.OneShot", RecordingBus.Log);
        Assert.Equal(
        [
            Write(0x18, 0x12),
            Write(0x14, 0x3456_789A),
            Write(0x10, OneShot),
            Write(0x10, OneShot | Reload | Enable),
            Write(0x00, 1),
        ], Writes().Skip(2).ToList());
        Assert.Contains($"write 0x{H3.Ccu.Base + 0x060:x8} <- 0x00080000", Writes()); // BUS_CLK_GATING0 bit 19
        Assert.Contains($"write 0x{H3.Ccu.Base + 0x2C0:x8} <- 0x00080000", Writes()); // BUS_SOFT_RST0 bit 19
    }

    [Fact]
    public void Periodic_on_the_a64_follows_the_approved_trace()
    {
        Assert.Equal(A64.Hstimer.Base, H3.Hstimer.Base);
        HighSpeedTimer<RecordingBus>.EnableClock(A64<RecordingBus>.Ccu);
        var timer = new HighSpeedTimer<RecordingBus>(A64<RecordingBus>.Hstimer, AhbHertz);
        Assert.Equal(TimerStatus.Ok, timer.Start(50_000, TimerMode.Periodic, Ctrl.HsTmr0ClkValue.Div4));
        timer.EnableInterrupt();
        ApprovedTrace.Verify("HighSpeedTimer.A64.Periodic", RecordingBus.Log);
        Assert.Equal(
        [
            Write(0x18, 0),
            Write(0x14, 50_000),
            Write(0x10, 2u << 4),
            Write(0x10, 2u << 4 | Reload | Enable),
            Write(0x00, 1),
        ], Writes().Skip(2).ToList());
        Assert.Equal(50_000_000u, timer.Hertz(Ctrl.HsTmr0ClkValue.Div4));
        Assert.Equal(83, A64.Hstimer.Irq);
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(1UL << 56)]
    public void Intervals_outside_56_bits_are_refused_without_a_write(ulong ticks)
    {
        var timer = new HighSpeedTimer<RecordingBus>(H3<RecordingBus>.Hstimer, AhbHertz);
        Assert.Equal(TimerStatus.IntervalOutOfRange, timer.Start(ticks, TimerMode.OneShot));
        Assert.Empty(Writes());
    }

    [Fact]
    public void A_running_timer_is_stopped_before_it_is_loaded()
    {
        RecordingBus.Registers[Block + 0x10] = Enable;
        var timer = new HighSpeedTimer<RecordingBus>(H3<RecordingBus>.Hstimer, AhbHertz);
        Assert.Equal(TimerStatus.Ok, timer.Start(1000, TimerMode.OneShot));
        Assert.Equal(Write(0x10, 0), Writes()[0]);
    }

    [Fact]
    public void The_count_is_read_again_when_the_high_word_moves_between_the_reads()
    {
        // The low word wraps from 0x00000005 to 0xFFFFFFFx between the first two reads: high 2 -> 1.
        var highs = new Queue<uint>([2, 1, 1]);
        var lows = new Queue<uint>([0x0000_0005, 0xFFFF_FFF0]);
        RecordingBus.OnRead = (address, value) =>
            address == Block + 0x20 ? highs.Dequeue() : address == Block + 0x1C ? lows.Dequeue() : value;
        var timer = new HighSpeedTimer<RecordingBus>(H3<RecordingBus>.Hstimer, AhbHertz);
        Assert.Equal(0x1_FFFF_FFF0UL, timer.Remaining);
        Assert.Empty(highs);
    }

    [Fact]
    public void Waiting_for_expiry_acknowledges_when_it_comes_and_times_out_when_it_does_not()
    {
        int reads = 0;
        RecordingBus.OnRead = (address, value) => address == Block + 0x04 && ++reads >= 3 ? 1u : value;
        var timer = new HighSpeedTimer<RecordingBus>(H3<RecordingBus>.Hstimer, AhbHertz);
        Assert.Equal(TimerStatus.Ok, timer.WaitForExpiry(1_000_000));
        Assert.Equal([Write(0x04, 1)], Writes());
        RecordingBus.Reset();
        Assert.Equal(TimerStatus.TimedOut, timer.WaitForExpiry(1_000));
        Assert.False(timer.IsRunning);
    }
}
