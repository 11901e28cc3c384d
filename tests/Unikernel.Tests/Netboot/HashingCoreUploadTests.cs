using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Unikernel.Boot.Image;
using Unikernel.Tests.Net;
using Unikernel.Tool;
using Unikernel.Tool.Build;
using Unikernel.Tool.Emulate;
using Xunit.Abstractions;

namespace Unikernel.Tests.Netboot;

/// <summary>
/// SHA-256 on core 1 against SHA-256 on core 0, in one run: the bootloader as built (hashing
/// behind on core 1) and built with PayloadHash=inline boot side by side, each on its own
/// network, and take the same 32 MiB image in turns. The image's payload is damaged, so each
/// board hashes all of it, answers with the hash it computed (which must be the damaged
/// payload's) and keeps listening for the next round. Times are at the uploader, from the
/// first byte sent to the verdict; the medians go to build/measurements/netboot.txt.
/// </summary>
[Collection("Images")]
public sealed class HashingCoreUploadTests(ImageFixture images, ITestOutputHelper log)
{
    private const string Board = "orangepi-pc";
    private const int Rounds = 3;
    private static readonly TimeSpan Boot = TimeSpan.FromSeconds(120);

    /// <summary>Sends the file with nc (`unikernel upload` refuses an image whose header does not match it) and returns the bootloader's answer.</summary>
    private static string Send(EmulatedNetwork network, string address, string file) =>
        network.Run("sh", "-c", $"nc -N -w 120 {EmulatedNetwork.Scoped(address)} 1337 < {file}").Output;

    [InteropFact]
    public void A_32_MiB_upload_hashed_on_core_1_against_core_0_in_turns()
    {
        NetworkNamespace.Require("nc", "netcat-openbsd");
        BuiltImage behind = images.Bootloaders[Board];
        BuiltImage inline = new ImageBuilder(images.Root) { Properties = ["PayloadHash=inline"] }
            .BuildBootloader(images.Board(Board), Path.Combine(images.Output, Board, "bootloader-hash-inline"));

        var payload = new byte[32 << 20];
        new Random(32).NextBytes(payload);
        var header = new byte[KernelImage.FixedHeaderLength];
        KernelImage.Emit(header, 0x4400_0000, 0x4400_0000, payload);
        payload[^1000] ^= 1;
        string damagedSha = Convert.ToHexStringLower(SHA256.HashData(payload));
        string file = Path.GetTempFileName();
        File.WriteAllBytes(file, [.. header, .. payload]);
        try
        {
            using var behindNetwork = EmulatedNetwork.Start(behind, "ukhb");
            using var inlineNetwork = EmulatedNetwork.Start(inline, "ukhi");
            string behindAddress = behindNetwork.WaitForLinkLocal(Boot);
            string inlineAddress = inlineNetwork.WaitForLinkLocal(Boot);
            // The hashing line comes after the link-local one: wait for it (a timeout fails with the console).
            behindNetwork.WaitForConsole(@"\[ OK \] hashing: SHA-256 on core 1", Boot);
            inlineNetwork.WaitForConsole(@"hashing: SHA-256 on core 0 \(built with PayloadHash=inline\)", Boot);

            var times = new Dictionary<string, List<double>> { ["core 1"] = [], ["core 0"] = [] };
            for (int round = 0; round < Rounds; round++)
            {
                foreach (var (name, network, address, core) in new[] { ("core 1", behindNetwork, behindAddress, 1), ("core 0", inlineNetwork, inlineAddress, 0) })
                {
                    int lines = network.Qemu.LineCount;
                    var watch = Stopwatch.StartNew();
                    string output = Send(network, address, file);
                    double seconds = watch.Elapsed.TotalSeconds;
                    Assert.Contains($"sha256 mismatch: received {damagedSha}", output);
                    var hashed = network.WaitForConsole(@"netboot: sha256 on core (\d+), (\d+) ms after the last byte", TimeSpan.FromSeconds(30), lines);
                    Assert.Equal(core.ToString(CultureInfo.InvariantCulture), hashed.Groups[1].Value);
                    times[name].Add(seconds);
                    log.WriteLine($"round {round + 1}, SHA-256 on {name}: {seconds:0.00} s ({32 / seconds:0.0} MiB/s), {hashed.Value}");
                }
            }
            double behindMedian = Median(times["core 1"]), inlineMedian = Median(times["core 0"]);
            string summary = $"{Board} 32 MiB upload to the verdict, medians of {Rounds} in turns: SHA-256 on core 1 {32 / behindMedian:0.0} MiB/s ({behindMedian:0.00} s), " +
                $"on core 0 {32 / inlineMedian:0.0} MiB/s ({inlineMedian:0.00} s), {inlineMedian / behindMedian:0.00}x";
            log.WriteLine(summary);
            NetbootEndToEndTests.Record(summary);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>
    /// Version 2 against version 1 on the bootloader as built (hashing behind on core 1): the same
    /// 32 MiB as one payload and as three parts (16 MiB kernel, 64 KiB device tree, the rest an
    /// initrd), each part one hashing job whose end waits for its digest. The last part is damaged
    /// so the board answers and keeps listening; times at the uploader, first byte to verdict.
    /// </summary>
    [InteropFact]
    public void A_32_MiB_upload_as_one_payload_and_as_three_parts_in_turns()
    {
        NetworkNamespace.Require("nc", "netcat-openbsd");
        var payload = new byte[32 << 20];
        new Random(33).NextBytes(payload);
        var header = new byte[KernelImage.FixedHeaderLength];
        KernelImage.Emit(header, 0x4400_0000, 0x4400_0000, payload);
        const int kernel = 16 << 20, tree = 64 << 10;
        var parts = Unikernel.Tool.Upload.LinuxImage.Assemble(BootProtocol.Unikernel, 0x4400_0000,
        [
            new(PartKind.Kernel, 0x4400_0000, kernel, payload[..kernel]),
            new(PartKind.DeviceTree, 0x4600_0000, tree, payload[kernel..(kernel + tree)]),
            new(PartKind.Initrd, 0x4610_0000, (uint)(payload.Length - kernel - tree), payload[(kernel + tree)..]),
        ]);
        payload[^1000] ^= 1;
        byte[] version2 = [.. parts.Header, .. payload];
        string one = Path.GetTempFileName(), three = Path.GetTempFileName();
        File.WriteAllBytes(one, [.. header, .. payload]);
        File.WriteAllBytes(three, version2);
        try
        {
            using var network = EmulatedNetwork.Start(images.Bootloaders[Board], "ukv2");
            string address = network.WaitForLinkLocal(Boot);
            network.WaitForConsole(@"\[ OK \] hashing: SHA-256 on core 1", Boot);
            var times = new Dictionary<string, List<double>> { ["version 1"] = [], ["version 2"] = [] };
            for (int round = 0; round < Rounds; round++)
            {
                foreach (var (name, file, expected) in new[] { ("version 1", one, "error: sha256 mismatch: received "), ("version 2", three, "error: sha256 mismatch: initrd received ") })
                {
                    int lines = network.Qemu.LineCount;
                    var watch = Stopwatch.StartNew();
                    string output = Send(network, address, file);
                    double seconds = watch.Elapsed.TotalSeconds;
                    Assert.StartsWith(expected, output);
                    var hashed = network.WaitForConsole(@"netboot: sha256 on core (\d+), (\d+) ms after the last byte", TimeSpan.FromSeconds(30), lines);
                    times[name].Add(seconds);
                    log.WriteLine($"round {round + 1}, {name}: {seconds:0.00} s ({32 / seconds:0.0} MiB/s), {hashed.Value}");
                }
            }
            double v1 = Median(times["version 1"]), v2 = Median(times["version 2"]);
            string summary = $"{Board} 32 MiB upload to the verdict, medians of {Rounds} in turns, SHA-256 on core 1: one payload (version 1) {32 / v1:0.0} MiB/s ({v1:0.00} s), " +
                $"three parts (version 2) {32 / v2:0.0} MiB/s ({v2:0.00} s), {v2 / v1:0.00}x";
            log.WriteLine(summary);
            NetbootEndToEndTests.Record(summary);
        }
        finally
        {
            File.Delete(one);
            File.Delete(three);
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
