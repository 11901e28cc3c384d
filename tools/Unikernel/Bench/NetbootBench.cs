using System.Globalization;
using System.Runtime.InteropServices;
using Spectre.Console;
using Unikernel.Tool.Boards;
using Unikernel.Tool.Build;
using Unikernel.Tool.Upload;

namespace Unikernel.Tool.Bench;

/// <summary>
/// `unikernel bench --netboot` (issue 16): our netboot against U-Boot's, in one run on one
/// machine. U-Boot's tftpboot of the payload and its time from QEMU's start to DHCP bound on the
/// emulated Orange Pi PC over a TAP; our upload of the same payload (SHA-256 checked), first
/// ping6 reply and TCP receive without hashing (discard, port 9) on the same board and on QEMU
/// virt; beside them what the emulated CPUs allow (our SHA-256 and copy, SHA-256 in C). Each run
/// boots every board afresh, U-Boot and ours alternating; the table shows medians and ratios to
/// U-Boot, and is appended to build/measurements/netboot.txt with the date and git commit.
/// </summary>
public static class NetbootBench
{
    public const long DefaultBytes = 32L << 20;
    public static readonly string[] Boards = [IdleBench.Board, "qemu-virt"];
    private const string PayloadFile = "payload.bin";

    public static int Run(string root, long bytes, int runs)
    {
        if (BenchNamespace.WhyUnavailable() is { } why)
            return Error(why);
        if (bytes <= 0 || runs <= 0 || bytes > uint.MaxValue)
            return Error("--bytes and --runs must be positive (and --bytes below 4 GiB)");

        using var stop = new BenchInterruption();
        var started = DateTime.UtcNow;
        try
        {
            string directory = Path.Combine(root, "build", "bench", "netboot");
            string served = Path.Combine(directory, "tftp");
            Directory.CreateDirectory(served);
            var payload = new byte[bytes];
            new Random(16).NextBytes(payload);
            File.WriteAllBytes(Path.Combine(served, PayloadFile), payload);
            var image = OurNetbootRun.Image(payload);
            Step($"{bytes} bytes of random payload, sha256 {image.Sha256}, {runs} run{(runs == 1 ? "" : "s")}");

            var bootloaders = new Dictionary<string, BuiltImage>();
            var probes = new Dictionary<string, BuiltImage>();
            foreach (string board in Boards)
            {
                var file = BoardCatalog.Load(root, board);
                Step($"building the bootloader and ImageProbe for {board}");
                bootloaders[board] = new ImageBuilder(root).BuildBootloader(file, Path.Combine(directory, board, "bootloader"));
                probes[board] = new ImageBuilder(root).Build(file, Path.Combine(directory, board, "image-probe"),
                    Path.Combine(root, "tests", "Images", "ImageProbe", "ImageProbe.csproj"));
            }
            Step("building bench/tcg-ceiling (clang, ld.lld)");
            string ceiling = CpuCeilings.BuildCeiling(root, Path.Combine(directory, "tcg-ceiling"));

            var figures = new Figures();
            using (var uboot = Attempt(figures, "U-Boot", () => new UBootTftpPeer(root, served, PayloadFile)))
            {
                for (int run = 1; run <= runs && !stop.IsRequested; run++)
                {
                    if (uboot is not null)
                        Attempt(figures, "U-Boot", () => MeasureUBoot(figures, uboot, bytes, run));
                    foreach (string board in Boards)
                    {
                        if (!stop.IsRequested)
                            Attempt(figures, board, () => MeasureOurs(figures, board, bootloaders[board], image, run));
                    }
                    foreach (string board in Boards)
                        Attempt(figures, board + " cpu", () => MeasureCpu(figures, board, probes[board]));
                    Attempt(figures, IdleBench.Board + " C", () => figures.Add(IdleBench.Board, NetbootTable.CeilingSha256, CpuCeilings.Ceiling(ceiling)));
                }
            }
            if (stop.IsRequested)
                return Error("stopped");

            var rows = Rows(figures);
            var table = NetbootTable.Create(rows, bytes, runs);
            AnsiConsole.Write(table);
            var verdicts = NetbootTable.Verdicts(rows);
            foreach (string line in verdicts)
                AnsiConsole.WriteLine(line);
            string output = Path.Combine(root, "build", "measurements", "netboot.txt");
            NetbootTable.Append(output, table, verdicts,
                $"./unikernel bench --netboot --runs {runs}{(bytes == DefaultBytes ? "" : $" --bytes {bytes}")} (commit {Commit(root)}, {(DateTime.UtcNow - started).TotalSeconds:0} s)");
            Step($"appended to {output}; took {(DateTime.UtcNow - started).TotalSeconds:0} s");
            return rows.Any(row => row.Failure is not null) ? 1 : 0;
        }
        catch (Exception failure) when (failure is BenchFailure or BuildFailure or BoardFileException or UploadFailure)
        {
            return Error(failure.Message);
        }
    }

    private static void MeasureUBoot(Figures figures, UBootTftpPeer uboot, long bytes, int run)
    {
        var (bound, transfer, transferred, ownRate) = uboot.Measure();
        if (transferred != bytes)
            throw new BenchFailure($"U-Boot's tftpboot transferred {transferred} bytes; the file has {bytes}");
        double rate = NetbootFigures.Rate(bytes, transfer);
        figures.Add(IdleBench.Board, NetbootTable.UBootTftp, rate);
        figures.Add(IdleBench.Board, NetbootTable.UBootDhcp, bound);
        figures.Add(IdleBench.Board, NetbootTable.UBootFrames, Math.Ceiling(bytes / (double)UBootTftpPeer.BlockSize) / transfer);
        Step($"U-Boot run {run}: DHCP bound {Format(bound, "0.000")} s after QEMU's start; tftpboot {Format(rate, "0.0")} MiB/s ({Format(transfer, "0.000")} s; U-Boot says {(ownRate is { } own ? Format(own, "0.0") : "?")} MiB/s)");
    }

    private static void MeasureOurs(Figures figures, string board, BuiltImage bootloader, UploadImage image, int run)
    {
        var result = OurNetbootRun.Measure(bootloader, image);
        long bytes = image.Payload.Length;
        double upload = NetbootFigures.Rate(bytes, result.UploadSeconds), discard = NetbootFigures.Rate(bytes, result.DiscardSeconds);
        double frames = result.DiscardFrames / (Math.Max(1, result.DiscardMilliseconds) / 1000.0);
        figures.Add(board, NetbootTable.Upload, upload);
        figures.Add(board, NetbootTable.FirstPing, result.FirstPing);
        figures.Add(board, NetbootTable.Discard, discard);
        figures.Add(board, NetbootTable.DiscardFrames, frames);
        Step($"{board} run {run}: first ping6 {Format(result.FirstPing, "0.000")} s; discard {Format(discard, "0.0")} MiB/s, "
            + $"{result.DiscardFrames} frames in {result.DiscardMilliseconds} ms on the board; upload {Format(upload, "0.0")} MiB/s ({Format(result.UploadSeconds, "0.000")} s), sha256 ok");
    }

    private static void MeasureCpu(Figures figures, string board, BuiltImage probe)
    {
        var (sha, copy, armv8) = CpuCeilings.Probe(probe);
        figures.Add(board, NetbootTable.ProbeSha256, sha);
        if (armv8 is { } fast)
            figures.Add(board, NetbootTable.ProbeSha256Armv8, fast);
        figures.Add(board, NetbootTable.ProbeCopy, copy);
    }

    /// <summary>Runs a step; a failure is kept for the rows of <paramref name="group"/> and the bench goes on.</summary>
    private static T? Attempt<T>(Figures figures, string group, Func<T> step) where T : class
    {
        try
        {
            return step();
        }
        catch (Exception failure) when (failure is BenchFailure or BuildFailure or TimeoutException or IOException or UploadFailure
                                        or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            Step($"{group}: failed: {failure.Message.Split('\n')[0]}");
            figures.Fail(group, failure.Message);
            return null;
        }
    }

    private static void Attempt(Figures figures, string group, Action step) => Attempt<object>(figures, group, () =>
    {
        step();
        return new object();
    });

    /// <summary>The rows in the table's order: U-Boot, then each of our boards, then the CPU ceilings.</summary>
    private static List<NetbootRow> Rows(Figures figures)
    {
        string opi = IdleBench.Board;
        var rows = new List<NetbootRow>
        {
            figures.Row(opi, NetbootTable.UBootTftp, NetbootTable.MibPerSecond, NetbootPeer.TftpRate, "U-Boot", peer: true),
            figures.Row(opi, NetbootTable.UBootDhcp, NetbootTable.Seconds, NetbootPeer.DhcpBound, "U-Boot", peer: true),
            figures.Row(opi, NetbootTable.UBootFrames, NetbootTable.FramesPerSecond, NetbootPeer.Frames, "U-Boot", peer: true),
        };
        foreach (string board in Boards)
        {
            rows.Add(figures.Row(board, NetbootTable.Upload, NetbootTable.MibPerSecond, NetbootPeer.TftpRate, board));
            rows.Add(figures.Row(board, NetbootTable.FirstPing, NetbootTable.Seconds, NetbootPeer.DhcpBound, board));
            rows.Add(figures.Row(board, NetbootTable.Discard, NetbootTable.MibPerSecond, NetbootPeer.TftpRate, board));
            rows.Add(figures.Row(board, NetbootTable.DiscardFrames, NetbootTable.FramesPerSecond, NetbootPeer.Frames, board));
        }
        foreach (string board in Boards)
        {
            rows.Add(figures.Row(board, NetbootTable.ProbeSha256, NetbootTable.MibPerSecond, NetbootPeer.TftpRate, board + " cpu"));
            if (figures.Has(board, NetbootTable.ProbeSha256Armv8))
                rows.Add(figures.Row(board, NetbootTable.ProbeSha256Armv8, NetbootTable.MibPerSecond, NetbootPeer.TftpRate, board + " cpu"));
            rows.Add(figures.Row(board, NetbootTable.ProbeCopy, NetbootTable.MibPerSecond, NetbootPeer.None, board + " cpu"));
        }
        rows.Add(figures.Row(opi, NetbootTable.CeilingSha256, NetbootTable.MibPerSecond, NetbootPeer.TftpRate, opi + " C"));
        return rows;
    }

    /// <summary>The values of each figure across runs, and the first failure of each group of rows.</summary>
    private sealed class Figures
    {
        private readonly Dictionary<(string Board, string What), List<double>> _values = [];
        private readonly Dictionary<string, string> _failures = [];

        public void Add(string board, string what, double value)
        {
            if (!_values.TryGetValue((board, what), out var list))
                _values[(board, what)] = list = [];
            list.Add(value);
        }

        public bool Has(string board, string what) => _values.ContainsKey((board, what));

        public void Fail(string group, string message) => _failures.TryAdd(group, message);

        public NetbootRow Row(string board, string what, string unit, NetbootPeer comparedWith, string group, bool peer = false)
        {
            var values = _values.TryGetValue((board, what), out var list) ? list : [];
            string? failure = values.Count == 0 ? _failures.GetValueOrDefault(group, "no value") : null;
            return new NetbootRow(board, what, unit, values, comparedWith, peer, failure);
        }
    }

    /// <summary>The commit measured, with "-dirty" when the work tree has changes.</summary>
    private static string Commit(string root)
    {
        string head = ExternalProcess.TryRun("git", ["-C", root, "rev-parse", "--short", "HEAD"]).Output.Trim();
        bool dirty = ExternalProcess.TryRun("git", ["-C", root, "status", "--porcelain", "--untracked-files=no"]).Output.Trim().Length > 0;
        return head.Length == 0 ? "unknown" : dirty ? head + "-dirty" : head;
    }

    private static string Format(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static void Step(string text) => AnsiConsole.MarkupLine($"[grey]bench:[/] {Markup.Escape(text)}");

    private static int Error(string message)
    {
        AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(message)}");
        return 1;
    }
}
