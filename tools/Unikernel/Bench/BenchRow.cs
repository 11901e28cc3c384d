namespace Unikernel.Tool.Bench;

/// <summary>Which way a measurement goes: into the stack from Linux, or out of it to Linux.</summary>
public enum BenchDirection
{
    Receive,
    Send,
}

/// <summary>One measurement of the table: a stack's throughput one way in each run, or why it has none.</summary>
public sealed record BenchRow(string Name, string Path, IReadOnlyList<double> MegabytesPerSecond, string? Unavailable = null, string? Failure = null,
    BenchDirection Direction = BenchDirection.Receive)
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
