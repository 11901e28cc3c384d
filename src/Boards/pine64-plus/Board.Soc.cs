using Unikernel.Drivers.Bus;
using Unikernel.Drivers.Dvfs;
using Unikernel.Drivers.Interrupts;
using Unikernel.Drivers.Power;
using Unikernel.Drivers.Rtc;
using Unikernel.Drivers.Thermal;
using Unikernel.Drivers.Watchdog;
using Unikernel.Hardware;
using Unikernel.Platform;

namespace Unikernel.Boot;

/// <summary>
/// The second stage's SoC steps on the Pine64+, after the MMU: the PMIC reached again, the CPU
/// raised to its boot operating point, the temperature, the RTC, and the watchdog armed as a
/// guard that the main loop feeds (<see cref="Service"/>) and the jump to a kernel disarms.
/// </summary>
internal partial struct Board
{
    /// <summary>
    /// 816 MHz at 1.1 V (A64OperatingPoints index 1): U-Boot's A64 SPL clock (CONFIG_SYS_CLK_FREQ
    /// 816000000 for MACH_SUN50I), twice the boot ROM's 408 MHz, with no heat sink needed.
    /// </summary>
    private const int BootOperatingPoint = 1;

    /// <summary>The longest interval the watchdog counts: the main loop feeds it every few milliseconds.</summary>
    private const uint WatchdogMilliseconds = 16_000;

    /// <summary>THS sensor 0, the CPU cluster's (Linux sun50i-a64.dtsi thermal zone cpu0_thermal, sensor 0).</summary>
    private const int CpuSensor = 0;

    private static void BringUpSoc()
    {
        var pmic = Pine64PlusPmic<DirectMmio, GenericTimerClock>.Connect();
        if (pmic != Axp803Status.Ok)
        {
            // No PMIC: no DVFS (the CPU stays at the boot ROM's clock), the rest does not need it.
            StatusLine<Board>.Fail("PMIC AXP803: "u8);
            Write(Axp803StatusText.Describe(pmic));
            ConsoleText<Board>.WriteLine();
        }
        else
        {
            var point = A64OperatingPoints.Get(BootOperatingPoint);
            var dvfs = CpuFrequency<DirectMmio, GenericTimerClock, Pine64PlusCpuSupply<DirectMmio, GenericTimerClock>>.SetOperatingPoint(A64<DirectMmio>.Ccu, BootOperatingPoint);
            if (dvfs == DvfsStatus.Ok)
            {
                StatusLine<Board>.Ok("CPU "u8);
                ConsoleText<Board>.WriteDecimal(point.FrequencyHz / 1_000_000);
                Write(" MHz at "u8);
                ConsoleText<Board>.WriteDecimal(point.Millivolts);
                Write(" mV (PLL_CPUX, AXP803 DCDC2)"u8);
            }
            else
            {
                StatusLine<Board>.Fail("CPU frequency: "u8);
                Write(DvfsStatusText.Describe(dvfs));
            }
            ConsoleText<Board>.WriteLine();
        }

        ReportTemperature();
        ReportRtc();

        var guard = Sun6iWatchdog<DirectMmio, GenericTimerClock>.Arm(A64<DirectMmio>.Timer, WatchdogMilliseconds);
        if (guard == WatchdogStatus.Ok)
        {
            StatusLine<Board>.Ok("watchdog: resets the board if the bootloader stops for 16 s"u8);
            ConsoleText<Board>.WriteLine();
        }
    }

    private static void ReportTemperature()
    {
        var ths = A64<DirectMmio>.Ths;
        var status = A64ThermalSensor<DirectMmio, GenericTimerClock>.Enable(A64<DirectMmio>.Ccu, A64<DirectMmio>.Sid, ths);
        var read = A64ThermalSensor<DirectMmio, GenericTimerClock>.ReadMillicelsius(ths, CpuSensor, out int millicelsius);
        if (read != ThermalStatus.Ok)
        {
            StatusLine<Board>.Fail("temperature: "u8);
            Write(ThermalStatusText.Describe(read));
            ConsoleText<Board>.WriteLine();
            return;
        }
        StatusLine<Board>.Ok("temperature "u8);
        if (millicelsius < 0)
        {
            Write("-"u8);
            millicelsius = -millicelsius;
        }
        ConsoleText<Board>.WriteDecimal((ulong)(millicelsius / 1000));
        Write("."u8);
        ConsoleText<Board>.WriteDecimal((ulong)(millicelsius % 1000 / 100));
        Write(" C (CPU sensor)"u8);
        if (status != ThermalStatus.Ok)
        {
            Write(", "u8);
            Write(ThermalStatusText.Describe(status));
        }
        ConsoleText<Board>.WriteLine();
    }

    private static void ReportRtc()
    {
        var rtc = A64<DirectMmio>.Rtc;
        var status = Sun6iRtc<DirectMmio, GenericTimerClock>.Read(rtc, out RtcTime time);
        if (status != RtcStatus.Ok)
        {
            StatusLine<Board>.Skip("RTC: "u8);
            Write(RtcStatusText.Describe(status));
            ConsoleText<Board>.WriteLine();
            return;
        }
        StatusLine<Board>.Ok("RTC "u8);
        WriteTwoDigits(time.Year / 100);
        WriteTwoDigits(time.Year % 100);
        Write("-"u8);
        WriteTwoDigits(time.Month);
        Write("-"u8);
        WriteTwoDigits(time.Day);
        Write(" "u8);
        WriteTwoDigits(time.Hour);
        Write(":"u8);
        WriteTwoDigits(time.Minute);
        Write(":"u8);
        WriteTwoDigits(time.Second);
        ConsoleText<Board>.WriteLine();
    }

    private static void WriteTwoDigits(int value)
    {
        Span<byte> digits = stackalloc byte[2];
        digits[0] = (byte)('0' + value / 10 % 10);
        digits[1] = (byte)('0' + value % 10);
        Write(digits);
    }

    /// <summary>How long the failure stays on the console before the board reboots to try again.</summary>
    private const long RetryDelayMicroseconds = 10_000_000;

    /// <summary>
    /// After a failed step (its status line printed; most often no Ethernet link: a cable plugged
    /// in later is found on the next boot): reboot through the watchdog after a pause.
    /// </summary>
    public static void AfterFatalError()
    {
        Write("rebooting in 10 s to try again (watchdog)"u8);
        ConsoleText<Board>.WriteLine();
        GenericTimer.Delay(RetryDelayMicroseconds);
        if (Sun6iWatchdog<DirectMmio, GenericTimerClock>.Reboot(A64<DirectMmio>.Timer) != WatchdogStatus.Ok)
        {
            StatusLine<Board>.Fail("watchdog: the board did not reset; halting"u8);
            ConsoleText<Board>.WriteLine();
        }
    }

    /// <summary>How often the main loop feeds the watchdog: far inside its 16 s, far less often than the loop turns.</summary>
    private const long FeedIntervalMilliseconds = 1000;

    private static long s_nextFeed;

    /// <summary>
    /// The main loop's duty: feed the watchdog (armed in <see cref="BringUpSoc"/>) once a second.
    /// The loop turns per received frame; a device write on every turn would cost the upload path.
    /// </summary>
    public static long ServiceDueAt => s_nextFeed;

    /// <summary>The A64's GIC-400 (hardware/a64.yaml).</summary>
    public static GicV2<DirectMmio> Gic => new(A64<DirectMmio>.Gicd, A64<DirectMmio>.Gicc);

    public static void Service()
    {
        long now = GenericTimerClock.Milliseconds;
        if (now < s_nextFeed)
            return;
        s_nextFeed = now + FeedIntervalMilliseconds;
        Sun6iWatchdog<DirectMmio, GenericTimerClock>.Feed(A64<DirectMmio>.Timer);
    }
}
