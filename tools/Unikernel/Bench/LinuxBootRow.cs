namespace Unikernel.Tool.Bench;

/// <summary>
/// One row of the Linux boot bench: a way of booting, its seconds from QEMU's start to /init in
/// each run and the CPUs /init saw in each, or why it has none.
/// </summary>
public sealed record LinuxBootRow(string Name, string Path, IReadOnlyList<double> Seconds, IReadOnlyList<int?> Cpus,
    string? Unavailable = null, string? Failure = null)
{
    public bool Measured => Unavailable is null && Failure is null && Seconds.Count > 0;

    public double? Median => Seconds.Count > 0 ? PingTimes.Median(Seconds) : null;
}
