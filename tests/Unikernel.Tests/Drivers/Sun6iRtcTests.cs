using Unikernel.Drivers.Rtc;
using Unikernel.Hardware;

namespace Unikernel.Tests.Drivers;

/// <summary>
/// The RTC on a simulated register file. Expected register words are built here from Linux
/// rtc-sun6i.c's SUN6I_DATE_SET_* / SUN6I_TIME_SET_* layout, independently of the YAML.
/// </summary>
[Collection("RecordingBus")]
public sealed class Sun6iRtcTests
{
    private const uint YmdBusy = 1u << 7;   // SUN6I_LOSC_CTRL_RTC_YMD_ACC
    private const uint HmsBusy = 1u << 8;   // SUN6I_LOSC_CTRL_RTC_HMS_ACC

    private static readonly RtcSun6i<RecordingBus> Rtc = A64<RecordingBus>.Rtc;

    public Sun6iRtcTests()
    {
        RecordingBus.Reset();
        A64MiscClock.Now = 0;
    }

    private static uint Date(int year, int month, int day, bool leap) =>
        (uint)day | (uint)month << 8 | (uint)(year - 1970) << 16 | (leap ? 1u << 22 : 0);

    private static uint Time(int hour, int minute, int second) => (uint)second | (uint)minute << 8 | (uint)hour << 16;

    private static void AssertSame(RtcTime expected, RtcTime actual) =>
        Assert.Equal((expected.Year, expected.Month, expected.Day, expected.Hour, expected.Minute, expected.Second),
            (actual.Year, actual.Month, actual.Day, actual.Hour, actual.Minute, actual.Second));

    [Theory]
    [InlineData(2026, 12, 2, 21, 40, 7, false)]
    [InlineData(1970, 1, 1, 0, 0, 0, false)]
    [InlineData(2033, 12, 31, 23, 59, 59, false)]
    [InlineData(2024, 2, 29, 12, 0, 30, true)]
    public void Time_set_reads_back_the_same_and_the_registers_hold_the_linux_layout(int year, int month, int day, int hour, int minute, int second, bool leap)
    {
        var time = new RtcTime(year, month, day, hour, minute, second);
        Assert.Equal(RtcStatus.Ok, Sun6iRtc<RecordingBus, A64MiscClock>.Set(Rtc, time));
        Assert.Equal(Date(year, month, day, leap), RecordingBus.Registers[Rtc.RtcYyMmDd.Address]);
        Assert.Equal(Time(hour, minute, second), RecordingBus.Registers[Rtc.RtcHhMmSs.Address]);

        Assert.Equal(RtcStatus.Ok, Sun6iRtc<RecordingBus, A64MiscClock>.Read(Rtc, out RtcTime back));
        AssertSame(time, back);
    }

    [Fact]
    public void Time_is_written_before_the_date_each_after_the_rtc_is_idle()
    {
        Assert.Equal(RtcStatus.Ok, Sun6iRtc<RecordingBus, A64MiscClock>.Set(Rtc, new RtcTime(2026, 12, 2, 21, 40, 7)));
        var writes = RecordingBus.Log.Where(line => line.StartsWith("write")).ToList();
        Assert.Equal([$"write 0x{Rtc.RtcHhMmSs.Address:x8} <- 0x{Time(21, 40, 7):x8}", $"write 0x{Rtc.RtcYyMmDd.Address:x8} <- 0x{Date(2026, 12, 2, false):x8}"], writes);
        Assert.StartsWith($"read  0x{Rtc.LoscCtrl.Address:x8}", RecordingBus.Log[0]);
    }

    [Theory]
    [InlineData(1969, 12, 31, 23, 59, 59, RtcStatus.YearOutOfRange)]
    [InlineData(2034, 1, 1, 0, 0, 0, RtcStatus.YearOutOfRange)]
    [InlineData(-5, 1, 1, 0, 0, 0, RtcStatus.YearOutOfRange)]
    [InlineData(2026, 0, 1, 0, 0, 0, RtcStatus.BadMonth)]
    [InlineData(2026, 13, 1, 0, 0, 0, RtcStatus.BadMonth)]
    [InlineData(2026, 1, 0, 0, 0, 0, RtcStatus.BadDay)]
    [InlineData(2026, 1, 32, 0, 0, 0, RtcStatus.BadDay)]
    [InlineData(2026, 4, 31, 0, 0, 0, RtcStatus.BadDay)]
    [InlineData(2026, 2, 29, 0, 0, 0, RtcStatus.BadDay)]
    [InlineData(2024, 2, 30, 0, 0, 0, RtcStatus.BadDay)]
    [InlineData(2026, 6, 15, 24, 0, 0, RtcStatus.BadTimeOfDay)]
    [InlineData(2026, 6, 15, 12, 60, 0, RtcStatus.BadTimeOfDay)]
    [InlineData(2026, 6, 15, 12, 0, 60, RtcStatus.BadTimeOfDay)]
    [InlineData(2026, 6, 15, -1, 0, 0, RtcStatus.BadTimeOfDay)]
    [InlineData(2026, -1, 15, 0, 0, 0, RtcStatus.BadMonth)]
    [InlineData(2026, 6, 271, 0, 0, 0, RtcStatus.BadDay)]   // 271 must not wrap to day 15
    public void Invalid_dates_are_refused_with_their_reason_and_nothing_is_written(int year, int month, int day, int hour, int minute, int second, RtcStatus expected)
    {
        var time = new RtcTime(year, month, day, hour, minute, second);
        Assert.Equal(expected, time.Validate());
        Assert.Equal(expected, Sun6iRtc<RecordingBus, A64MiscClock>.Set(Rtc, time));
        Assert.Empty(RecordingBus.Log);
    }

    [Theory]
    [InlineData(2000, true)]    // divisible by 400
    [InlineData(1900, false)]   // a century not divisible by 400
    [InlineData(2100, false)]
    [InlineData(2024, true)]
    [InlineData(2032, true)]
    [InlineData(2026, false)]
    public void Leap_years_follow_the_gregorian_rule_and_decide_february_29(int year, bool leap)
    {
        Assert.Equal(leap, RtcTime.IsLeapYear(year));
        Assert.Equal(leap ? 29 : 28, RtcTime.DaysInMonth(year, 2));
        if (year >= RtcTime.MinYear && year <= RtcTime.MaxYear)
        {
            var february29 = new RtcTime(year, 2, 29, 0, 0, 0);
            Assert.Equal(leap ? RtcStatus.Ok : RtcStatus.BadDay, Sun6iRtc<RecordingBus, A64MiscClock>.Set(Rtc, february29));
            if (leap)
                Assert.Equal(1u << 22, RecordingBus.Registers[Rtc.RtcYyMmDd.Address] & 1u << 22);
        }
    }

    [Fact]
    public void Rtc_busy_before_the_write_times_out_and_writes_nothing()
    {
        RecordingBus.OnRead = (address, value) => address == Rtc.LoscCtrl.Address ? value | HmsBusy : value;
        Assert.Equal(RtcStatus.BusyTimeout, Sun6iRtc<RecordingBus, A64MiscClock>.Set(Rtc, new RtcTime(2026, 1, 1, 0, 0, 0)));
        Assert.DoesNotContain(RecordingBus.Log, line => line.StartsWith("write"));
        Assert.InRange(A64MiscClock.Now, Sun6iRtc<RecordingBus, A64MiscClock>.BusyTimeoutMilliseconds, 2 * Sun6iRtc<RecordingBus, A64MiscClock>.BusyTimeoutMilliseconds);
    }

    [Fact]
    public void Time_write_never_taken_over_times_out_before_the_date_is_written()
    {
        RecordingBus.OnRead = (address, value) =>
            address == Rtc.LoscCtrl.Address && RecordingBus.Registers.ContainsKey(Rtc.RtcHhMmSs.Address) ? value | HmsBusy : value;
        Assert.Equal(RtcStatus.BusyTimeout, Sun6iRtc<RecordingBus, A64MiscClock>.Set(Rtc, new RtcTime(2026, 1, 1, 0, 0, 0)));
        Assert.True(RecordingBus.Registers.ContainsKey(Rtc.RtcHhMmSs.Address));
        Assert.False(RecordingBus.Registers.ContainsKey(Rtc.RtcYyMmDd.Address));
    }

    [Fact]
    public void Date_write_that_stays_busy_times_out()
    {
        RecordingBus.OnRead = (address, value) =>
            address == Rtc.LoscCtrl.Address && RecordingBus.Registers.ContainsKey(Rtc.RtcYyMmDd.Address) ? value | YmdBusy : value;
        Assert.Equal(RtcStatus.BusyTimeout, Sun6iRtc<RecordingBus, A64MiscClock>.Set(Rtc, new RtcTime(2026, 1, 1, 0, 0, 0)));
    }

    [Fact]
    public void A_tick_between_the_two_registers_is_read_again()
    {
        RecordingBus.Registers[Rtc.RtcYyMmDd.Address] = Date(2026, 12, 31, false);
        RecordingBus.Registers[Rtc.RtcHhMmSs.Address] = Time(23, 59, 59);
        int reads = 0;
        RecordingBus.OnRead = (address, value) =>
        {
            // New Year arrives right after the first date read.
            if (address == Rtc.RtcYyMmDd.Address && ++reads == 1)
            {
                RecordingBus.Registers[Rtc.RtcYyMmDd.Address] = Date(2027, 1, 1, false);
                RecordingBus.Registers[Rtc.RtcHhMmSs.Address] = Time(0, 0, 0);
            }
            return value;
        };
        Assert.Equal(RtcStatus.Ok, Sun6iRtc<RecordingBus, A64MiscClock>.Read(Rtc, out RtcTime time));
        AssertSame(new RtcTime(2027, 1, 1, 0, 0, 0), time);
    }

    [Fact]
    public void An_rtc_never_set_reads_as_not_set()
    {
        Assert.Equal(RtcStatus.NotSet, Sun6iRtc<RecordingBus, A64MiscClock>.Read(Rtc, out _));   // all zero: month 0, day 0
    }

    [Fact]
    public void External_oscillator_is_selected_with_the_key()
    {
        Sun6iRtc<RecordingBus, A64MiscClock>.UseExternalOscillator(Rtc);
        Assert.Equal(0x16AAu << 16 | 1u, RecordingBus.Registers[Rtc.LoscCtrl.Address]);   // SUN6I_LOSC_CTRL_KEY | SUN6I_LOSC_CTRL_EXT_OSC
    }
}
