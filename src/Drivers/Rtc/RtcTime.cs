namespace Unikernel.Drivers.Rtc;

/// <summary>
/// A calendar date and time of day as the RTC keeps it (no time zone, no day of the week): what
/// <see cref="Sun6iRtc{TBus, TClock}"/> reads and sets. Not validated on construction; call
/// <see cref="Validate"/>.
/// </summary>
public readonly struct RtcTime
{
    /// <summary>Year 0 of the RTC's 6-bit year field (Linux rtc-sun6i.c SUN6I_YEAR_MIN).</summary>
    public const int MinYear = 1970;

    /// <summary>The last year the 6-bit field holds: Linux sets range_max to 2033-12-31 23:59:59.</summary>
    public const int MaxYear = 2033;

    public readonly ushort Year;
    public readonly byte Month;
    public readonly byte Day;
    public readonly byte Hour;
    public readonly byte Minute;
    public readonly byte Second;

    public RtcTime(int year, int month, int day, int hour, int minute, int second)
    {
        // A value that does not fit its field becomes the field's largest, which Validate refuses,
        // rather than wrapping into a valid one (day 271 must not become day 15).
        Year = (ushort)Fit(year, ushort.MaxValue);
        Month = (byte)Fit(month, byte.MaxValue);
        Day = (byte)Fit(day, byte.MaxValue);
        Hour = (byte)Fit(hour, byte.MaxValue);
        Minute = (byte)Fit(minute, byte.MaxValue);
        Second = (byte)Fit(second, byte.MaxValue);
    }

    /// <summary>
    /// <see cref="RtcStatus.Ok"/>, or the first thing wrong: the year range the RTC holds, the
    /// month, the day within its month (leap years by the Gregorian rule), then the time of day.
    /// </summary>
    public RtcStatus Validate()
    {
        if (Year < MinYear || Year > MaxYear)
            return RtcStatus.YearOutOfRange;
        if (Month < 1 || Month > 12)
            return RtcStatus.BadMonth;
        if (Day < 1 || Day > DaysInMonth(Year, Month))
            return RtcStatus.BadDay;
        if (Hour > 23 || Minute > 59 || Second > 59)
            return RtcStatus.BadTimeOfDay;
        return RtcStatus.Ok;
    }

    /// <summary>Gregorian: every fourth year, except centuries not divisible by 400.</summary>
    public static bool IsLeapYear(int year) => year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);

    /// <summary>Days in <paramref name="month"/> (1-12) of <paramref name="year"/>; 0 for a month outside 1-12.</summary>
    public static int DaysInMonth(int year, int month) => month switch
    {
        2 => IsLeapYear(year) ? 29 : 28,
        4 or 6 or 9 or 11 => 30,
        1 or 3 or 5 or 7 or 8 or 10 or 12 => 31,
        _ => 0,
    };

    public bool SameAs(RtcTime other) =>
        Year == other.Year && Month == other.Month && Day == other.Day
        && Hour == other.Hour && Minute == other.Minute && Second == other.Second;

    private static int Fit(int value, int max) => value < 0 || value > max ? max : value;
}
