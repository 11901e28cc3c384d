namespace Unikernel.Tool.Bench;

/// <summary>
/// One image in the idle bench: its CPU use idle, and (where it answers) the ping6 round trips
/// and upload speeds measured right after, or why it has none.
/// </summary>
public sealed record IdleRow(string Name, string What, double? IdlePercent = null, IReadOnlyList<double>? PingMilliseconds = null,
    IReadOnlyList<double>? UploadMegabytesPerSecond = null, string? Failure = null)
{
    public double? PingMedian => PingMilliseconds is { Count: > 0 } pings ? PingTimes.Median(pings) : null;

    public double? UploadMedian => UploadMegabytesPerSecond is { Count: > 0 } speeds ? PingTimes.Median(speeds) : null;
}
