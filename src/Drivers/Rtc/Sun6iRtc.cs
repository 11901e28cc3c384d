using Unikernel.Drivers.Bus;
using Unikernel.Hardware;
using Unikernel.Platform;

namespace Unikernel.Drivers.Rtc;

/// <summary>
/// The sun6i-style RTC of the A64 and H3 (hardware/blocks/rtc-sun6i.yaml): date in RTC_YY_MM_DD,
/// time of day in RTC_HH_MM_SS, kept in the RTC power domain on the 32 kHz LOSC. Sequences from
/// Linux drivers/rtc/rtc-sun6i.c: reading twice until both registers read the same
/// (sun6i_rtc_gettime), and for a write, waiting for all LOSC_CTRL access bits to clear, then the
/// time, its access bit, the date (with the leap-year bit), its access bit, each wait 50 ms at most
/// (sun6i_rtc_settime, sun6i_rtc_wait).
/// </summary>
public static class Sun6iRtc<TBus, TClock>
    where TBus : IMmio
    where TClock : IMonotonicClock
{
    /// <summary>Linux gives each access-bit wait 50 ms.</summary>
    public const long BusyTimeoutMilliseconds = 50;

    /// <summary>A tick can fall between the two registers once; more disagreeing reads than this mean the counter is broken.</summary>
    private const int ReadAttempts = 4;

    /// <summary>
    /// Clock the RTC from the external 32.768 kHz crystal instead of the internal RC oscillator
    /// (16 MHz / 32 / prescaler, far less exact). Linux does this at start-up when the RTC node has
    /// a clock, as sun50i-a64.dtsi's has (osc32k); the write needs the LOSC_CTRL key.
    /// </summary>
    public static void UseExternalOscillator(RtcSun6i<TBus> rtc) =>
        rtc.LoscCtrl.Write(RtcSun6i.LoscCtrl.Zero.WithKey(RtcSun6i.LoscCtrl.KeyValue.KeyField)
            .WithOsc32kSrcSel(RtcSun6i.LoscCtrl.Osc32kSrcSelValue.External32k));

    /// <summary>The date and time the RTC holds; <see cref="RtcStatus.NotSet"/> when that is no valid date.</summary>
    public static RtcStatus Read(RtcSun6i<TBus> rtc, out RtcTime time)
    {
        time = default;
        for (int attempt = 0; attempt < ReadAttempts; attempt++)
        {
            var date = rtc.RtcYyMmDd.Read();
            var clock = rtc.RtcHhMmSs.Read();
            if (date.Raw != rtc.RtcYyMmDd.Read().Raw || clock.Raw != rtc.RtcHhMmSs.Read().Raw)
                continue;
            time = new RtcTime(RtcTime.MinYear + (int)date.Year, (int)date.Month, (int)date.Day,
                (int)clock.Hour, (int)clock.Minute, (int)clock.Second);
            return time.Validate() == RtcStatus.Ok ? RtcStatus.Ok : RtcStatus.NotSet;
        }
        return RtcStatus.Unstable;
    }

    /// <summary>
    /// Sets the date and time after <see cref="RtcTime.Validate"/>: an invalid one is refused with
    /// its reason and nothing is written.
    /// </summary>
    public static RtcStatus Set(RtcSun6i<TBus> rtc, RtcTime time)
    {
        RtcStatus valid = time.Validate();
        if (valid != RtcStatus.Ok)
            return valid;
        var date = RtcSun6i.RtcYyMmDd.Zero.WithYear((uint)(time.Year - RtcTime.MinYear)).WithMonth(time.Month)
            .WithDay(time.Day).WithLeap(RtcTime.IsLeapYear(time.Year));
        var clock = RtcSun6i.RtcHhMmSs.Zero.WithHour(time.Hour).WithMinute(time.Minute).WithSecond(time.Second);

        if (!WaitIdle(rtc, hms: true, ymd: true, alarm: true))
            return RtcStatus.BusyTimeout;
        rtc.RtcHhMmSs.Write(clock);
        if (!WaitIdle(rtc, hms: true, ymd: false, alarm: false))
            return RtcStatus.BusyTimeout;
        rtc.RtcYyMmDd.Write(date);
        if (!WaitIdle(rtc, hms: false, ymd: true, alarm: false))
            return RtcStatus.BusyTimeout;
        return RtcStatus.Ok;
    }

    /// <summary>Waits until the chosen LOSC_CTRL access bits read 0 (the RTC has taken the write over), or the deadline.</summary>
    private static bool WaitIdle(RtcSun6i<TBus> rtc, bool hms, bool ymd, bool alarm)
    {
        long deadline = TClock.Milliseconds + BusyTimeoutMilliseconds;
        while (true)
        {
            var control = rtc.LoscCtrl.Read();
            if (!(hms && control.RtcHmsAcc) && !(ymd && control.RtcYmdAcc) && !(alarm && control.AlmDhmsAcc))
                return true;
            if (TClock.Milliseconds > deadline)
                return false;
        }
    }
}
