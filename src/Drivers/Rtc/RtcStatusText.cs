namespace Unikernel.Drivers.Rtc;

/// <summary>Words an <see cref="RtcStatus"/> for the boot log.</summary>
public static class RtcStatusText
{
    public static ReadOnlySpan<byte> Describe(RtcStatus status) => status switch
    {
        RtcStatus.Ok => "ok"u8,
        RtcStatus.YearOutOfRange => "year outside 1970-2033"u8,
        RtcStatus.BadMonth => "month not 1-12"u8,
        RtcStatus.BadDay => "no such day in that month"u8,
        RtcStatus.BadTimeOfDay => "hour, minute or second out of range"u8,
        RtcStatus.NotSet => "not set (no valid date)"u8,
        RtcStatus.BusyTimeout => "still busy with a previous write"u8,
        RtcStatus.Unstable => "the date keeps changing between reads"u8,
        _ => "unknown status"u8,
    };
}
