namespace Unikernel.Drivers.Rtc;

/// <summary>How an RTC step ended; the first five name what is wrong with a date or time.</summary>
public enum RtcStatus : byte
{
    Ok,

    /// <summary>The year is outside what the RTC holds: <see cref="RtcTime.MinYear"/> to <see cref="RtcTime.MaxYear"/>.</summary>
    YearOutOfRange,

    /// <summary>The month is not 1 to 12.</summary>
    BadMonth,

    /// <summary>The day is 0 or past the end of its month (February has 29 days only in leap years).</summary>
    BadDay,

    /// <summary>The hour is not 0 to 23, the minute or second not 0 to 59.</summary>
    BadTimeOfDay,

    /// <summary>The RTC holds no valid date (never set, or its fields read as something impossible).</summary>
    NotSet,

    /// <summary>A previous write was still being taken over (LOSC_CTRL access bits set) when the deadline passed.</summary>
    BusyTimeout,

    /// <summary>The date and time kept changing between reads (a stuck or glitching counter).</summary>
    Unstable,
}
