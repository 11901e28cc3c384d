using Unikernel.Drivers.Bus;
using Unikernel.Hardware;
using Unikernel.Platform;
using Ctrl = Unikernel.Hardware.TimerSun8i.TmrValues.Ctrl;

namespace Unikernel.Drivers.Timer;

/// <summary>
/// Timer 0 or 1 of the H3/A64 timer block (hardware/blocks/timer-sun8i.yaml): a 32-bit counter
/// that counts down from its interval at the 24 MHz oscillator divided by a prescaler, and sets
/// its interrupt status bit when it reaches zero, once (one-shot) or each time round
/// (periodic). H3 user manual 4.9 and A64 user manual 3.7, "Timer"; the order of the writes is
/// Linux drivers/clocksource/timer-sun4i.c's (stop, wait for the source clock, interval, control
/// with RELOAD and ENABLE). QEMU's orangepi-pc models this block (hw/timer/allwinner-a10-pit.c,
/// timers 0 and 1 on SPI 18 and 19), where RELOAD is not self-clearing (refs/qemu-h3.md 1.3).
/// The interrupt IDs are the SoC's: <c>H3.Timer.Irq</c> (timer 0) and <c>Irq1</c> (timer 1).
/// </summary>
public readonly struct Sun8iTimer<TBus> where TBus : IMmio
{
    /// <summary>The rate of the OSC24M source (TMR_CLK_SRC = 1), the one this driver uses: LOSC's 32 kHz is too coarse for a deadline.</summary>
    public const uint SourceHertz = 24_000_000;

    /// <summary>The timers in the block.</summary>
    public const int Count = 2;

    private readonly TimerSun8i<TBus> _block;
    private readonly int _index;

    /// <summary>Timer <paramref name="index"/> (0 or 1) of <paramref name="block"/>; any other index panics.</summary>
    public Sun8iTimer(TimerSun8i<TBus> block, int index)
    {
        if ((uint)index >= Count)
            Kernel.Panic("Sun8iTimer: the block has timers 0 and 1"u8);
        _block = block;
        _index = index;
    }

    /// <summary>Counter ticks a second with <paramref name="prescale"/>.</summary>
    public static uint Hertz(Ctrl.TmrClkPresValue prescale) => SourceHertz >> (int)prescale;

    /// <summary>What is left of the count (TMRn_CUR_VALUE, counting down).</summary>
    public uint Remaining => _block.Tmr(_index).CurValue.Read().Raw;

    /// <summary>True while the timer counts (TMRn_CTRL.TMR_EN; a one-shot timer clears it at zero).</summary>
    public bool IsRunning => _block.Tmr(_index).Ctrl.Read().TmrEn;

    /// <summary>
    /// Counts <paramref name="ticks"/> (at <see cref="Hertz"/> of <paramref name="prescale"/>)
    /// from now, then sets the interrupt status: once, or every <paramref name="ticks"/>. A
    /// running timer is stopped first. Zero ticks: <see cref="TimerStatus.IntervalOutOfRange"/>.
    /// </summary>
    public TimerStatus Start(uint ticks, TimerMode mode, Ctrl.TmrClkPresValue prescale = Ctrl.TmrClkPresValue.Div1)
    {
        if (ticks == 0)
            return TimerStatus.IntervalOutOfRange;
        Stop();
        var timer = _block.Tmr(_index);
        timer.IntvValue.Write(new TimerSun8i.TmrValues.IntvValue(ticks));
        // Source and prescaler with the timer stopped, then RELOAD (the interval into the count) and ENABLE.
        var control = Ctrl.Zero.WithTmrClkSrc(Ctrl.TmrClkSrcValue.Osc24m).WithTmrClkPres(prescale)
            .WithTmrMode(mode == TimerMode.OneShot ? Ctrl.TmrModeValue.Single : Ctrl.TmrModeValue.Continuous);
        timer.Ctrl.Write(control);
        timer.Ctrl.Write(control.WithTmrReload(true).WithTmrEn(true));
        return TimerStatus.Ok;
    }

    /// <summary>Stops the count (TMR_EN = 0) and waits for the stop to reach the source clock's domain.</summary>
    public void Stop()
    {
        var timer = _block.Tmr(_index);
        var control = timer.Ctrl.Read();
        if (!control.TmrEn)
            return;
        timer.Ctrl.Write(control.WithTmrEn(false));
        SourceClockWait.AfterStop(Hertz(control.TmrClkPres));
    }

    /// <summary>Lets the timer's status raise its GIC interrupt (TMR_IRQ_EN; the other timer's bit kept).</summary>
    public void EnableInterrupt()
    {
        var enable = _block.TmrIrqEn.Read();
        _block.TmrIrqEn.Write(_index == 0 ? enable.WithTmr0IrqEn(true) : enable.WithTmr1IrqEn(true));
    }

    /// <summary>The status no longer raises the interrupt; it is still set, and <see cref="HasExpired"/> still sees it.</summary>
    public void DisableInterrupt()
    {
        var enable = _block.TmrIrqEn.Read();
        _block.TmrIrqEn.Write(_index == 0 ? enable.WithTmr0IrqEn(false) : enable.WithTmr1IrqEn(false));
    }

    /// <summary>The count reached zero since the last <see cref="Acknowledge"/> (TMR_IRQ_STA).</summary>
    public bool HasExpired
    {
        get
        {
            var status = _block.TmrIrqSta.Read();
            return _index == 0 ? status.Tmr0IrqPend : status.Tmr1IrqPend;
        }
    }

    /// <summary>Clears this timer's status bit (write 1; the other's untouched), which drops its level-triggered interrupt.</summary>
    public void Acknowledge()
    {
        if (_index == 0)
            _block.TmrIrqSta.ClearTmr0IrqPend();
        else
            _block.TmrIrqSta.ClearTmr1IrqPend();
    }

    /// <summary>
    /// Polls the status until the count reaches zero or <paramref name="timeoutMicroseconds"/>
    /// pass (by the generic timer); acknowledges it when it came.
    /// </summary>
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
