using System.Globalization;
using System.Text.RegularExpressions;
using Unikernel.Tests.Netboot;
using Unikernel.Tool.Emulate;
using Xunit.Abstractions;

namespace Unikernel.Tests.Signing;

/// <summary>
/// The bare-metal Ed25519 verifier (src/Image/Signing) on both emulated CPUs (SigningProbe): it
/// accepts RFC 8032's TEST 1024, refuses it with a flipped bit, allocates nothing, and the time
/// per verification is printed and appended to build/measurements/netboot.txt.
/// </summary>
[Collection("Images")]
public sealed class SigningProbeTests(ImageFixture images, ITestOutputHelper log)
{
    [Theory]
    [InlineData("orangepi-pc")]
    [InlineData("qemu-virt")]
    public void The_board_verifies_an_rfc8032_signature_and_reports_the_time_per_verification(string board)
    {
        using var qemu = QemuSession.Start(images.SigningProbes[board]);
        string? end = qemu.WaitForLine(line => line == "signing probe: end" || line.StartsWith("panic:", StringComparison.Ordinal), TimeSpan.FromSeconds(120));
        Assert.True(end == "signing probe: end", $"the probe did not finish:\n{qemu.Output}");
        var lines = qemu.Output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Contains("verify ok", lines);
        Assert.Contains("flipped refused", lines);
        Assert.Contains("heap used 0", lines);
        string rate = lines.Single(l => l.StartsWith("rate ed25519-verify ", StringComparison.Ordinal));
        var match = Regex.Match(rate, @"^rate ed25519-verify (\d+) in (\d+) us$");
        Assert.True(match.Success, $"not a rate line (or a verification failed): {rate}");
        int count = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        long micros = long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        Assert.True(count >= 3 && micros > 0, rate);
        double milliseconds = micros / 1000.0 / count;
        string text = $"{board} emulated CPU: Ed25519 verify (RFC 8032 TEST 1024, 1023-byte message) {milliseconds.ToString("0.0", CultureInfo.InvariantCulture)} ms ({count} in {(micros / 1e6).ToString("0.00", CultureInfo.InvariantCulture)} s)";
        log.WriteLine(text);
        NetbootEndToEndTests.Record(text);
    }
}
