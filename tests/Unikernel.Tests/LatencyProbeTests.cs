using System.Text.RegularExpressions;
using Unikernel.Tool;
using Unikernel.Tool.Boards;
using Unikernel.Tool.Build;
using Unikernel.Tool.Emulate;
using Xunit.Abstractions;

namespace Unikernel.Tests;

/// <summary>Builds tests/Images/LatencyProbe for orangepi-pc and qemu-virt once, into a temporary directory of its own.</summary>
public sealed class LatencyProbeFixture : IDisposable
{
    private readonly string _root = Repository.FindRoot();
    private readonly Dictionary<string, BuiltImage> _probes = [];

    public LatencyProbeFixture() => Output = Directory.CreateTempSubdirectory("unikernel-latency-").FullName;

    public string Output { get; }

    /// <summary>The probe for <paramref name="board"/>, built on first use (a test run that asks for one board builds one).</summary>
    public BuiltImage Probe(string board)
    {
        lock (_probes)
        {
            if (!_probes.TryGetValue(board, out var probe))
            {
                probe = new ImageBuilder(_root).Build(BoardCatalog.Load(_root, board), Path.Combine(Output, board),
                    Path.Combine(_root, "tests", "Images", "LatencyProbe", "LatencyProbe.csproj"));
                _probes[board] = probe;
            }
            return probe;
        }
    }

    public void Dispose() => Directory.Delete(Output, recursive: true);
}

/// <summary>
/// Interrupt latency, timer deadline to handler, on the emulated boards: the probe arms the
/// generic timer's deadline 1000 times (core in WFI, then spinning) and, on orangepi-pc, runs
/// the H3's timer 0 periodically, and prints min, median and max per measurement. Under TCG the
/// figures say how QEMU schedules, not how the silicon answers, so only sane bounds are checked;
/// the figures go to the test output.
/// </summary>
public sealed partial class LatencyProbeTests(LatencyProbeFixture fixture, ITestOutputHelper output) : IClassFixture<LatencyProbeFixture>
{
    private const int Samples = 1000;

    [GeneratedRegex(@"^(?<name>[a-z-]+) samples (?<n>\d+) min (?<min>\d+) median (?<median>\d+) max (?<max>\d+) hz (?<hz>\d+) min-ns \d+ median-ns (?<medianNs>\d+) max-ns (?<maxNs>\d+)$")]
    private static partial Regex Measurement();

    [Theory]
    [InlineData("orangepi-pc", new[] { "generic-timer-wfi", "generic-timer-spin", "soc-timer-wfi" })]
    [InlineData("qemu-virt", new[] { "generic-timer-wfi", "generic-timer-spin" })]
    public void Timer_deadline_to_handler_is_measured_and_sane(string board, string[] measurements)
    {
        string[] lines;
        using (var qemu = QemuSession.Start(fixture.Probe(board)))
        {
            string? end = qemu.WaitForLine(line => line == "latency probe: end" || line.StartsWith("panic:"), TimeSpan.FromSeconds(180));
            Assert.True(end == "latency probe: end", $"the probe did not finish:\n{qemu.Output}");
            lines = qemu.Output.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        }
        foreach (string line in lines.SkipWhile(l => l != "latency probe: begin"))
            output.WriteLine($"{board}: {line}");

        Assert.Contains("unhandled 0", lines);
        foreach (string name in measurements)
        {
            var match = lines.Select(l => Measurement().Match(l)).SingleOrDefault(m => m.Success && m.Groups["name"].Value == name);
            Assert.True(match is not null, $"no {name} line:\n{string.Join('\n', lines)}");
            Assert.Equal(Samples, int.Parse(match.Groups["n"].Value));
            ulong min = ulong.Parse(match.Groups["min"].Value), median = ulong.Parse(match.Groups["median"].Value), max = ulong.Parse(match.Groups["max"].Value);
            Assert.True(min <= median && median <= max, $"{name}: min {min}, median {median}, max {max}");
            // Sane: the handler runs after the deadline, typically within a millisecond, and never a second late.
            Assert.InRange(ulong.Parse(match.Groups["medianNs"].Value), 1UL, 1_000_000UL);
            Assert.InRange(ulong.Parse(match.Groups["maxNs"].Value), 1UL, 1_000_000_000UL);
        }
    }
}
