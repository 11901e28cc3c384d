using System.Globalization;
using System.Text.RegularExpressions;
using Unikernel.Tool.Emulate;
using Xunit.Abstractions;

namespace Unikernel.Tests.Netboot;

/// <summary>
/// Not a speed test: the emulated CPU's SHA-256 and block-copy rates (ImageProbe, after its
/// checks), the ceiling of any netboot on that emulated board. Printed and appended to
/// build/measurements/netboot.txt beside the upload throughput.
/// </summary>
[Collection("Images")]
public sealed class EmulatedCpuRateTests(ImageFixture images, ITestOutputHelper log)
{
    [Theory]
    [InlineData("orangepi-pc")]
    [InlineData("qemu-virt")]
    public void The_emulated_cpu_reports_its_sha256_and_copy_rates(string board)
    {
        using var qemu = QemuSession.Start(images.ImageProbes[board]);
        string? line = qemu.WaitForLine(l => l.StartsWith("rate sha256 ", StringComparison.Ordinal) || l.StartsWith("panic:", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        Assert.NotNull(line);
        var match = Regex.Match(line, @"^rate sha256 (\d+) bytes in (\d+) us, copy (\d+) bytes in (\d+) us$");
        Assert.True(match.Success, $"not a rate line: {line}\n{qemu.Output}");
        double Rate(int bytes, int micros) =>
            double.Parse(match.Groups[bytes].Value, CultureInfo.InvariantCulture) / Math.Max(1, double.Parse(match.Groups[micros].Value, CultureInfo.InvariantCulture)) / 1.048576;
        double sha = Rate(1, 2), copy = Rate(3, 4);
        Assert.True(sha > 0 && copy > 0, line);
        string text = $"{board} emulated CPU: SHA-256 {sha.ToString("0.0", CultureInfo.InvariantCulture)} MiB/s, copy {copy.ToString("0.0", CultureInfo.InvariantCulture)} MiB/s";
        log.WriteLine(text);
        NetbootEndToEndTests.Record(text);
    }
}
