using Unikernel.Tool;
using Unikernel.Tool.Boards;
using Unikernel.Tool.Build;
using Unikernel.Tool.Emulate;

namespace Unikernel.Tests;

/// <summary>Builds tests/Images/SdProbe for orangepi-pc once, into a temporary directory of its own.</summary>
public sealed class SdProbeFixture : IDisposable
{
    public SdProbeFixture()
    {
        string root = Repository.FindRoot();
        Output = Directory.CreateTempSubdirectory("unikernel-sdprobe-").FullName;
        Probe = new ImageBuilder(root).Build(BoardCatalog.Load(root, "orangepi-pc"), Path.Combine(Output, "sd-probe"),
            Path.Combine(root, "tests", "Images", "SdProbe", "SdProbe.csproj"));
    }

    public string Output { get; }
    public BuiltImage Probe { get; }

    public void Dispose() => Directory.Delete(Output, recursive: true);
}

/// <summary>
/// The SMHC SD card driver on QEMU's orangepi-pc: the probe identifies the card of an SD image
/// the test prepared (8 MiB: SDSC, byte addresses; sparse 4 GiB: SDHC, block addresses; QEMU
/// refs/qemu-h3.md 1.7), reads the pattern written at 1 MiB and the marker in the last block,
/// and writes 8 blocks at 2 MiB that the test then finds in the image file.
/// </summary>
public sealed class SdProbeTests(SdProbeFixture fixture) : IClassFixture<SdProbeFixture>
{
    private const long PatternOffset = 1 << 20;
    private const long WriteOffset = 2 << 20;
    private const int Length = 8 * 512;
    private static readonly byte[] Marker = "LASTBLOCK-MARKER"u8.ToArray();

    [Theory]
    [InlineData(8L << 20, 0)]
    [InlineData(4L << 30, 1)]
    public void Probe_identifies_reads_and_writes_the_emulated_card(long size, int highCapacity)
    {
        string directory = Path.Combine(fixture.Output, $"card-{size}");
        Directory.CreateDirectory(directory);
        var image = fixture.Probe with { Directory = directory };
        byte[] pattern = new byte[Length];
        for (int i = 0; i < Length; i++)
            pattern[i] = (byte)(i * 5 + 7);
        File.Copy(fixture.Probe.SdCard!, image.SdCard!);
        using (var file = new FileStream(image.SdCard!, FileMode.Open, FileAccess.ReadWrite))
        {
            file.SetLength(size); // sparse: a 4 GiB card costs what is written
            file.Position = PatternOffset;
            file.Write(pattern);
            file.Position = size - 512;
            file.Write(Marker);
        }

        string[] lines;
        using (var qemu = QemuSession.Start(image))
        {
            string? end = qemu.WaitForLine(line => line == "sd probe: end" || line.StartsWith("panic:"), TimeSpan.FromSeconds(30));
            Assert.True(end == "sd probe: end", $"the probe did not finish:\n{qemu.Output}");
            lines = qemu.Output.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        }

        byte[] written = new byte[Length];
        for (int i = 0; i < Length; i++)
            written[i] = (byte)(i * 3 + 1);
        string[] expected =
        [
            "init 0",
            $"high-capacity {highCapacity}",
            $"blocks {size / 512}",
            "read 0",
            $"first {Convert.ToHexString(pattern, 0, 16).ToLowerInvariant()}",
            $"sum {Sum(pattern)}",
            "read-last 0",
            $"last {Convert.ToHexString(Marker).ToLowerInvariant()}",
            "write 0",
            "read-back 0",
            $"sum-back {Sum(written)}",
        ];
        int begin = Array.IndexOf(lines, "sd probe: begin");
        Assert.Equal(expected, lines.Skip(begin + 1).Take(expected.Length).ToArray());

        using var card = new FileStream(image.SdCard!, FileMode.Open, FileAccess.Read);
        byte[] found = new byte[Length];
        card.Position = WriteOffset;
        card.ReadExactly(found);
        Assert.Equal(written, found);
    }

    private static ulong Sum(byte[] bytes)
    {
        ulong sum = 0;
        for (int i = 0; i < bytes.Length; i++)
            sum += (ulong)bytes[i] * (ulong)(i + 1);
        return sum;
    }
}
