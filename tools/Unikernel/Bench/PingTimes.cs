using System.Globalization;
using System.Text.RegularExpressions;

namespace Unikernel.Tool.Bench;

/// <summary>The round trips ping printed, one per reply (<c>... icmp_seq=3 ttl=64 time=0.412 ms</c>), in milliseconds.</summary>
public static partial class PingTimes
{
    public static IReadOnlyList<double> Parse(string output) =>
        [.. RoundTrip().Matches(output).Select(match => double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture))];

    /// <summary>The middle value (the mean of the middle two for an even count); NaN for none.</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
            return double.NaN;
        var sorted = values.Order().ToArray();
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    [GeneratedRegex(@"icmp_seq=\d+ .*time=([0-9.]+) ms")]
    private static partial Regex RoundTrip();
}
