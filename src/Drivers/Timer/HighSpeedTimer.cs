using Unikernel.Drivers.Bus;
using Unikernel.Hardware;
using Unikernel.Platform;
using Ctrl = Unikernel.Hardware.Hstimer.HsTmr0Ctrl;

namespace Unikernel.Drivers.Timer;

/// <summary>
/// HS timer 0 of the H3/A64 high-speed timer (hardware/blocks/hstimer.yaml): a 56-bit counter
/// clocked from AHB1 through a prescaler of 1 to 16, counting down from its interval and setting
/// its interrupt status at zero, once or each time round. A64 user manual 3.8 and H3 user
/// manual 4.8, "HSTimer"; the write order is Linux drivers/clocksource/timer-sun5i.c's (stop,
/// wait for the source clock, interval, control with RELOAD and ENABLE).
/// <para>QEMU does not model it: orangepi-pc maps an unimplemented stub at 0x01C60000 (reads 0,
/// writes ignored; refs/qemu-h3.md 1.2), so only the simulated tests run this driver. Its GIC
/// interrupt is <c>A64.Hstimer.Irq</c>; the H3's is not in the sources we have.</para>
/// </summary>
public readonly struct HighSpeedTimer<TBus> where TBus : IMmio
{
    /// <summary>The widest interval: 56 bits (HS_TMR0_INTV_LO 31:0 and HS_TMR0_INTV_HI 23:0).</summary>
    public const ulong MaximumTicks = (1UL << 56) - 1;

    /// <summary>How often <see cref="Remaining"/> reads the words again when a borrow ran into the high word between them.</summary>
    public const int CountReadAttempts = 3;

    private readonly Hstimer<TBus> _block;
    private readonly uint _sourceHertz;

    /// <param name="sourceHertz">The AHB1 clock the block runs on, as the CCU is set (the board knows it).</param>
    public HighSpeedTimer(Hstimer<TBus> block, uint sourceHertz)
    {
        _block = block;
        _sourceHertz = sourceHertz;
    }

    /// <summary>H3: the block's bus clock opened and its reset released (BUS_CLK_GATING0 and BUS_SOFT_RST0 bit 19, hardware/h3.yaml).</summary>
    public static void EnableClock(CcuH3<TBus> ccu)
    {
        ccu.BusClkGating0.Modify(r => r.WithHstmrGating(true));
        ccu.BusSoftRst0.Modify(r => r.WithHstmrRst(true));
    }

    /// <summary>A64: the same gate and reset bits (hardware/a64.yaml).</summary>
    public static void EnableClock(CcuA64<TBus> ccu)
    {
        ccu.BusClkGating0.Modify(r => r.WithHstmrGating(true));
        ccu.BusSoftRst0.Modify(r => r.WithHstmrRst(true));
    }

    /// <summary>Counter ticks a second with <paramref name="prescale"/>.</summary>
    public uint Hertz(Ctrl.HsTmr0ClkValue prescale) => _sourceHertz >> (int)prescale;

    /// <summary>
    /// What is left of the count, 56 bits from two words: read high, low, high again, and again
    /// if the high word moved (the low word wrapped between the reads), at most
    /// <see cref="CountReadAttempts"/> times; the last pair read is returned.
    /// </summary>
    public ulong Remaining
    {
        get
        {
            uint high = _block.HsTmr0CurntHi.Read().HsTmr0CurValueHi;
            uint low = _block.HsTmr0CurntLo.Read().Raw;
            for (int attempt = 1; attempt < CountReadAttempts; attempt++)
            {
                uint again = _block.HsTmr0CurntHi.Read().HsTmr0CurValueHi;
                if (again == high)
                    break;
                high = again;
                low = _block.HsTmr0CurntLo.Read().Raw;
            }
            return (ulong)high << 32 | low;
        }
    }

    /// <summary>True while the timer counts (HS_TMR0_EN).</summary>
    public bool IsRunning => _block.HsTmr0Ctrl.Read().HsTmr0En;

    /// <summary>
    /// Counts <paramref name="ticks"/> (at <see cref="Hertz"/> of <paramref name="prescale"/>)
    /// from now, then sets the interrupt status: once, or every <paramref name="ticks"/>. A
    /// running timer is stopped first. Zero, or more than 56 bits: nothing is written.
    /// </summary>
    public TimerStatus Start(ulong ticks, TimerMode mode, Ctrl.HsTmr0ClkValue prescale = Ctrl.HsTmr0ClkValue.Div1)
    {
        if (ticks == 0 || ticks > MaximumTicks)
            return TimerStatus.IntervalOutOfRange;
        Stop();
        // High word first: the interval is taken whole when RELOAD is written.
        _block.HsTmr0IntvHi.Write(Hstimer.HsTmr0IntvHi.Zero.WithHsTmr0IntvValueHi((uint)(ticks >> 32)));
        _block.HsTmr0IntvLo.Write(new Hstimer.HsTmr0IntvLo((uint)ticks));
        var control = Ctrl.Zero.WithHsTmr0Clk(prescale)
            .WithHsTmr0Mode(mode == TimerMode.OneShot ? Ctrl.HsTmr0ModeValue.Single : Ctrl.HsTmr0ModeValue.Continuous);
        _block.HsTmr0Ctrl.Write(control);
        _block.HsTmr0Ctrl.Write(control.WithHsTmr0Reload(true).WithHsTmr0En(true));
        return TimerStatus.Ok;
    }

    /// <summary>Stops the count (HS_TMR0_EN = 0) and waits for the stop to reach the source clock's domain.</summary>
    public void Stop()
    {
        var control = _block.HsTmr0Ctrl.Read();
        if (!control.HsTmr0En)
            return;
        _block.HsTmr0Ctrl.Write(control.WithHsTmr0En(false));
        SourceClockWait.AfterStop(Hertz(control.HsTmr0Clk));
    }

    /// <summary>Lets the status raise the GIC interrupt (HS_TMR_IRQ_EN).</summary>
    public void EnableInterrupt() => _block.HsTmrIrqEn.Write(_block.HsTmrIrqEn.Read().WithHsTmr0IntEn(true));

    /// <summary>The status no longer raises the interrupt (it is still set).</summary>
    public void DisableInterrupt() => _block.HsTmrIrqEn.Write(_block.HsTmrIrqEn.Read().WithHsTmr0IntEn(false));

    /// <summary>The count reached zero since the last <see cref="Acknowledge"/> (HS_TMR_IRQ_STAS).</summary>
    public bool HasExpired => _block.HsTmrIrqStas.Read().HsTmr0IrqPend;

    /// <summary>Clears the status (write 1), which drops the level-triggered interrupt.</summary>
    public void Acknowledge() => _block.HsTmrIrqStas.ClearHsTmr0IrqPend();

    /// <summary>Polls the status until the count reaches zero or <paramref name="timeoutMicroseconds"/> pass; acknowledges it when it came.</summary>
    public TimerStatus WaitForExpiry(long timeoutMicroseconds)
    {
        long deadline = GenericTimer.Microseconds + timeoutMicroseconds;
        while (!HasExpired)
        {
            if (GenericTimer.Microseconds > deadline)
                return TimerStatus.TimedOut;
        }
        Acknowledge();
        return TimerStatus.Ok;
    }
}
