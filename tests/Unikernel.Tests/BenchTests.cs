using System.Globalization;
using System.Text.RegularExpressions;
using Unikernel.Tests.Net;
using Unikernel.Tool;
using Unikernel.Tool.Bench;
using Unikernel.Tool.Build;

namespace Unikernel.Tests;

/// <summary>
/// `./unikernel bench` as a user runs it, on a short stream: it builds the tuned lwIP harness
/// and the TAP limit programs, sets up and deletes its own namespaces, and prints the table of
/// both directions. Throughput is only asserted to be positive: these machines are too noisy
/// for thresholds. Needs root, as CI is.
/// </summary>
[Collection("Bench")]
public class BenchTests
{
    [InteropFact]
    public void Bench_prints_positive_throughput_both_ways_for_hoststack_with_and_without_offloads_lwip_and_linux_and_the_tap_limits()
    {
        NetworkNamespace.Require("nc", "netcat-openbsd");
        string root = Repository.FindRoot();
        var result = ExternalProcess.TryRun(Path.Combine(root, "unikernel"), ["bench", "--bytes", "8388608", "--runs", "1"], root);
        string output = result.Output + result.Error;
        Assert.True(result.ExitCode == 0, output);
        Assert.Contains("TCP throughput over a TAP, 8 MiB each way, median of 1 run", output);
        // Cells: stack, path, receive MB/s, vs lwIP, of TAP read, send MB/s, vs lwIP, each run.
        foreach (string stack in new[] { "hoststack (ours)", "hoststack, one frame per call", "lwIP 2.1.3 tuned", "Linux" })
        {
            var cells = Cells(output, stack);
            Assert.True(cells[2] > 0, output);
            Assert.True(cells[5] > 0, output);
        }
        Assert.True(Cells(output, "hoststack + SHA-256")[2] > 0, output);
        Assert.True(Cells(output, "TAP read limit")[2] > 0, output);
        Assert.True(Cells(output, "TAP write limit")[2] > 0, output);
        Assert.Matches(@"receive vs tuned lwIP: \d+\.\d\dx", output);
        Assert.Matches(@"send vs tuned lwIP: \d+\.\d\dx", output);
        Assert.Matches(@"receive vs the TAP read limit: \d+\.\d\dx", output);
        Assert.Contains("appended to ", output);
    }

    [Fact]
    public void The_verdicts_set_ours_against_tuned_lwip_both_ways_and_receive_against_the_tap_read_limit()
    {
        BenchRow Row(string name, BenchDirection direction, params double[] speeds) => new(name, "path", speeds, Direction: direction);
        var rows = new[]
        {
            Row(BenchTable.OursRow, BenchDirection.Receive, 300, 330, 310),
            Row(BenchTable.OursRow, BenchDirection.Send, 150),
            Row(BenchTable.LwipRow, BenchDirection.Receive, 200),
            Row(BenchTable.LwipRow, BenchDirection.Send, 200),
            Row(BenchTable.TapReadRow, BenchDirection.Receive, 600),
        };
        Assert.Equal(
        [
            "receive vs tuned lwIP: 1.55x (target > 1.0x): met",
            "send vs tuned lwIP: 0.75x (target > 1.0x): not met",
            "receive vs the TAP read limit: 0.52x (target >= 0.6x): not met",
        ], BenchTable.Verdicts(rows));
        // A failed row gives no verdict rather than a ratio of nothing.
        rows[3] = new BenchRow(BenchTable.LwipRow, "path", [], Failure: "nc failed", Direction: BenchDirection.Send);
        Assert.DoesNotContain(BenchTable.Verdicts(rows), verdict => verdict.StartsWith("send", StringComparison.Ordinal));
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
