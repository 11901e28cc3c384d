namespace Unikernel.Tool.Bench;

/// <summary>One row of the table: a receiver's throughput in each run, or why it has none.</summary>
public sealed record BenchRow(string Name, string Path, IReadOnlyList<double> MegabytesPerSecond, string? Unavailable = null, string? Failure = null)
{
    public bool Measured => Unavailable is null && Failure is null && MegabytesPerSecond.Count > 0;

    /// <summary>The median run (the mean of the middle two for an even count).</summary>
    public double Median
    {
        get
        {
            var sorted = MegabytesPerSecond.Order().ToArray();
            int middle = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        }
    }
}
