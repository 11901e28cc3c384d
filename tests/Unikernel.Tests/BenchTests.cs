using System.Globalization;
using System.Text.RegularExpressions;
using Unikernel.Tests.Net;
using Unikernel.Tool;
using Unikernel.Tool.Build;

namespace Unikernel.Tests;

/// <summary>
/// `./unikernel bench` as a user runs it, on a short stream: it builds the lwIP harness, sets
/// up and deletes its own namespaces, and prints the table. Throughput is only asserted to be
/// positive: these machines are too noisy for thresholds. Needs root, as CI is.
/// </summary>
[Collection("Bench")]
public class BenchTests
{
    [InteropFact]
    public void Bench_prints_positive_throughput_for_lwip_and_linux_in_a_table()
    {
        NetworkNamespace.Require("nc", "netcat-openbsd");
        string root = Repository.FindRoot();
        var result = ExternalProcess.TryRun(Path.Combine(root, "unikernel"), ["bench", "--bytes", "16777216", "--runs", "1"], root);
        string output = result.Output + result.Error;
        Assert.True(result.ExitCode == 0, output);
        Assert.Contains("TCP receive throughput, 16 MiB from Linux nc, median of 1 run", output);
        Assert.True(Cells(output, "lwIP 2.1.3")[2] > 0, output);
        Assert.True(Cells(output, "Linux")[2] > 0, output);
        // Our row is either measured or says why not, and never fails the bench.
        Assert.Matches(@"hoststack \(ours\)[^\n]*│\s+\d+\.\d", output);
        Assert.Matches(@"hoststack \+ SHA-256[^\n]*│\s+\d+\.\d", output);
        Assert.Contains("appended to ", output);
    }

    /// <summary>The row's cells (receiver, path, MB/s, …) as numbers where they are; NaN otherwise.</summary>
    private static double[] Cells(string output, string receiver)
    {
        string? line = output.Split('\n').FirstOrDefault(line => Regex.IsMatch(line, $@"^\s*[│|]\s*{Regex.Escape(receiver)}\s*[│|]"));
        Assert.True(line is not null, $"no table row for {receiver} in:\n{output}");
        return [.. line!.Split(['│', '|'], StringSplitOptions.RemoveEmptyEntries).Select(cell => cell.Trim()).Where(cell => cell.Length > 0)
            .Select(cell => double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) ? value : double.NaN)];
    }
}

/// <summary>The bench wants a quiet machine: it runs alone, never beside the host stack interop tests or anything else.</summary>
[CollectionDefinition("Bench", DisableParallelization = true)]
public sealed class BenchCollection;
