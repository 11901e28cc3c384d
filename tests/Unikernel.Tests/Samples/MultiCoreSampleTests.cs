using System.Globalization;
using Unikernel.Tests.Net;
using Xunit.Abstractions;

namespace Unikernel.Tests.Samples;

/// <summary>
/// samples/MultiCore netbooted on each emulated board (four cores, each on a host thread:
/// MTTCG): its checksum over 16 MiB of DRAM made on core 0, then on all four cores started by
/// the kernel (on qemu-virt from the bootloader's pen, on orangepi-pc through R_CPUCFG, and core
/// 1, which hashed the upload for the bootloader, from the pen or the park), both equal to the
/// checksum computed here, and the speed-up printed.
/// </summary>
[Collection("Images")]
public sealed class MultiCoreSampleTests(ImageFixture images, ITestOutputHelper log)
{

    /// <summary>Asserted only on a quiet host, as in SmpProbeTests: four emulated cores share the host's.</summary>
    private const double LeastSpeedup = 1.2;

    [InteropTheory]
    [InlineData("orangepi-pc")]
    [InlineData("qemu-virt")]
    public void The_job_split_over_four_cores_gives_core_0s_result_and_prints_the_speedup(string board)
    {
        var (network, _) = SampleBoot.Start(images.Bootloaders[board], images.MultiCoreKernels[board]);
        using (network)
        {
            var speedup = network.WaitForConsole(@"multicore: speedup (\d+\.\d\d)x", TimeSpan.FromSeconds(300));
            string console = network.Qemu.Output;
            log.WriteLine(string.Join('\n', console.Split('\n').Where(line => line.StartsWith("multicore:"))));
            string expected = ExpectedChecksum().ToString("x8");
            Assert.Matches($@"multicore: core 0 alone: checksum 0x{expected} in \d+ ms", console);
            Assert.Matches($@"multicore: all cores: checksum 0x{expected} in \d+ ms", console);
            // Core 1 hashed the upload for the bootloader, and the kernel started it again.
            Assert.Matches(@"\[ OK \] hashing: SHA-256 on core 1", console);
            Assert.Contains("multicore: 4 workers, results match", console);
            Assert.DoesNotContain("did not start", console);
            double figure = double.Parse(speedup.Groups[1].Value, CultureInfo.InvariantCulture);
            double load = double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
            log.WriteLine($"{board}: speedup {figure:0.00}x, host load {load:0.0} on {Environment.ProcessorCount} cores");
            if (Environment.ProcessorCount >= 2 && load < Environment.ProcessorCount - 1)
                Assert.True(figure >= LeastSpeedup, $"four cores ran {figure:0.00}x as fast as one (at least {LeastSpeedup} expected)");
        }
    }

    /// <summary>samples/MultiCore/BlockChecksum.cs's job, on the host: the memory's pattern, then every pass's block hashes added up.</summary>
    private static uint ExpectedChecksum()
    {
        const uint length = 16 << 20, blockSize = 64 << 10, passes = 32;
        var words = new uint[length / 4];
        for (uint i = 0; i < words.Length; i++)
        {
            uint x = i * 0x9E3779B1u;
            x ^= x >> 16;
            x *= 0x85EBCA6Bu;
            x ^= x >> 13;
            words[i] = x;
        }
        uint sum = 0;
        for (uint pass = 0; pass < passes; pass++)
        {
            for (uint block = 0; block < length / blockSize; block++)
            {
                uint hash = 2166136261u ^ pass * 0x9E3779B9u ^ block;
                for (uint i = block * blockSize / 4; i < (block + 1) * blockSize / 4; i++)
                    hash = (hash ^ words[i]) * 16777619u;
                sum += hash;
            }
        }
        return sum;
    }
}
