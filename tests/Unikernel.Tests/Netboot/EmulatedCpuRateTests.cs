using System.Globalization;
using System.Text.RegularExpressions;
using Unikernel.Tool.Emulate;
using Xunit.Abstractions;

namespace Unikernel.Tests.Netboot;

/// <summary>
/// Not a speed test: the emulated CPU's SHA-256 and block-copy rates (ImageProbe, after its
/// checks), the ceiling of any netboot on that emulated board; on qemu-virt also SHA-256 with
/// the ARMv8 instructions, which the netboot program uses there. Printed and appended to
/// build/measurements/netboot.txt beside the upload throughput.
/// </summary>
[Collection("Images")]
public sealed class EmulatedCpuRateTests(ImageFixture images, ITestOutputHelper log)
{
    [Theory]
    [InlineData("orangepi-pc", false)]
    [InlineData("qemu-virt", true)]
    public void The_emulated_cpu_reports_its_sha256_and_copy_rates(string board, bool hasSha256Instructions)
    {
        using var qemu = QemuSession.Start(images.ImageProbes[board]);
        string? line = qemu.WaitForLine(l => l.StartsWith("rate sha256 ", StringComparison.Ordinal) || l.StartsWith("panic:", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        Assert.NotNull(line);
        var match = Regex.Match(line, @"^rate sha256 (\d+) bytes in (\d+) us, copy (\d+) bytes in (\d+) us$");
        Assert.True(match.Success, $"not a rate line: {line}\n{qemu.Output}");
        double sha = Rate(match, 1, 2), copy = Rate(match, 3, 4);
        Assert.True(sha > 0 && copy > 0, line);
        string text = $"{board} emulated CPU: SHA-256 {sha.ToString("0.0", CultureInfo.InvariantCulture)} MiB/s, copy {copy.ToString("0.0", CultureInfo.InvariantCulture)} MiB/s";

        // QEMU's cortex-a53 has the ARMv8 SHA-256 instructions (ID_AA64ISAR0_EL1.SHA2 = 1): the
        // probe times them too, over the same bytes, and panics if their hash differs.
        if (hasSha256Instructions)
        {
            string? armv8 = qemu.WaitForLine(l => l.StartsWith("rate sha256-armv8 ", StringComparison.Ordinal) || l.StartsWith("panic:", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            Assert.NotNull(armv8);
            var armv8Match = Regex.Match(armv8, @"^rate sha256-armv8 (\d+) bytes in (\d+) us$");
            Assert.True(armv8Match.Success, $"not an ARMv8 rate line: {armv8}\n{qemu.Output}");
            text += $", SHA-256 with the ARMv8 instructions {Rate(armv8Match, 1, 2).ToString("0.0", CultureInfo.InvariantCulture)} MiB/s";
        }
        log.WriteLine(text);
        NetbootEndToEndTests.Record(text);
    }

    private static double Rate(Match match, int bytes, int micros) =>
        double.Parse(match.Groups[bytes].Value, CultureInfo.InvariantCulture) / Math.Max(1, double.Parse(match.Groups[micros].Value, CultureInfo.InvariantCulture)) / 1.048576;
}
