using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Unikernel.Boot.Image;
using Unikernel.Tool.Boards;
using Unikernel.Tool.Build;
using Unikernel.Tool.Emulate;

namespace Unikernel.Tool.Bench;

/// <summary>
/// `unikernel bench --idle` (issue 15): how much of a host core QEMU's orangepi-pc uses while
/// the bootloader idles, booted and configured, for ours (interrupt-driven, and built with the
/// polling loop) and for U-Boot at its prompt, in one run; and for both of ours, right after,
/// the ping6 round trip and the upload speed, so sleeping is seen to cost the network nothing.
/// The table is appended to build/measurements/idle.txt.
/// </summary>
public static class IdleBench
{
    public const string Board = "orangepi-pc";
    public const int Pings = 20;
    public const long UploadBytes = 32L << 20;
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan BootTimeout = TimeSpan.FromSeconds(90);

    public static int Run(string root, int uploads)
    {
        if (BenchNamespace.WhyUnavailable() is { } why)
            return Error(why);
        if (uploads <= 0)
            return Error("--runs must be positive");
        try
        {
            var board = BoardCatalog.Load(root, Board);
            string directory = Path.Combine(root, "build", "bench", "idle");
            Step("building the bootloader twice: interrupt-driven, and with NetbootLoop=polling");
            var interrupts = new ImageBuilder(root).BuildBootloader(board, Path.Combine(directory, "interrupts"));
            var polling = new ImageBuilder(root) { Properties = ["NetbootLoop=polling"] }.BuildBootloader(board, Path.Combine(directory, "polling"));
            string upload = WriteUpload(directory, board.Kernel?.Load.Address ?? throw new BenchFailure($"{Board} has no kernel layout"));
            var rows = new List<IdleRow>
            {
                MeasureOurs(IdleTable.InterruptsRow, "netboot, wfi until an interrupt or a deadline", interrupts, upload, uploads),
                MeasureOurs(IdleTable.PollingRow, "netboot built with NetbootLoop=polling", polling, upload, uploads),
                MeasureUBoot(root),
            };
            var table = IdleTable.Create(rows, Window, Pings, UploadBytes);
            AnsiConsole.Write(table);
            var verdicts = IdleTable.Verdicts(rows);
            foreach (string line in verdicts)
                AnsiConsole.WriteLine(line);
            string file = Path.Combine(root, "build", "measurements", "idle.txt");
            IdleTable.Append(file, table, verdicts, $"./unikernel bench --idle --runs {uploads}");
            Step($"appended to {file}");
            return rows.Any(row => row.Failure is not null) ? 1 : 0;
        }
        catch (Exception failure) when (failure is BenchFailure or BuildFailure or BoardFileException)
        {
            return Error(failure.Message);
        }
    }

    /// <summary>
    /// A kernel image of <see cref="UploadBytes"/> of random payload whose last byte is changed
    /// after hashing: the bootloader takes and hashes all of it, refuses it (sha256 mismatch) and
    /// keeps listening, so one boot serves every upload.
    /// </summary>
    private static string WriteUpload(string directory, ulong load)
    {
        string file = Path.Combine(directory, "upload-32MiB-damaged.img");
        var payload = new byte[UploadBytes];
        new Random(15).NextBytes(payload);
        var header = new byte[KernelImage.FixedHeaderLength];
        KernelImage.Emit(header, load, load, payload);
        payload[^1] ^= 1;
        Directory.CreateDirectory(directory);
        using var stream = File.Create(file);
        stream.Write(header);
        stream.Write(payload);
        return file;
    }

    private static IdleRow MeasureOurs(string name, string what, BuiltImage image, string upload, int uploads)
    {
        try
        {
            using var network = EmulatedNetwork.Start(image, "ukidle");
            string scoped = EmulatedNetwork.Scoped(network.WaitForLinkLocal(BootTimeout));
            var answered = Stopwatch.StartNew();
            while (network.Run("ping", "-6", "-c", "1", "-W", "1", scoped).ExitCode != 0)
            {
                if (answered.Elapsed > TimeSpan.FromSeconds(30))
                    throw new BenchFailure($"no ping6 reply from {scoped} within 30 s");
            }
            double idle = ProcessCpu.Measure(network.Qemu.Id, Window);
            Step($"{name}: idle {idle.ToString("0.0", CultureInfo.InvariantCulture)}% of a core over {Window.TotalSeconds:0} s");

            var ping = network.Run("ping", "-6", "-c", Pings.ToString(CultureInfo.InvariantCulture), "-i", "0.2", "-W", "2", scoped);
            var roundTrips = PingTimes.Parse(ping.Output);
            if (roundTrips.Count == 0)
                throw new BenchFailure($"ping6 {scoped} got no replies: {ping.Output}{ping.Error}");
            Step($"{name}: ping6 median {PingTimes.Median(roundTrips).ToString("0.000", CultureInfo.InvariantCulture)} ms ({roundTrips.Count} of {Pings} replies)");

            var speeds = new List<double>();
            for (int run = 1; run <= uploads; run++)
            {
                var watch = Stopwatch.StartNew();
                var sent = network.Run("sh", "-c", $"nc -N -w 30 {scoped} 1337 < {upload}");
                double seconds = watch.Elapsed.TotalSeconds;
                // The refusal proves the whole payload arrived and was hashed.
                if (!sent.Output.StartsWith("error: sha256 mismatch", StringComparison.Ordinal))
                    throw new BenchFailure($"upload {run}: expected the bootloader's sha256 refusal, got '{(sent.Output + sent.Error).Trim()}'");
                double speed = new FileInfo(upload).Length / seconds / 1e6;
                speeds.Add(speed);
                Step($"{name}: upload {run}/{uploads} {speed.ToString("0.0", CultureInfo.InvariantCulture)} MB/s");
            }
            return new IdleRow(name, what, idle, roundTrips, speeds);
        }
        catch (Exception failure) when (failure is BenchFailure or BuildFailure or TimeoutException or IOException)
        {
            Step($"{name}: failed: {failure.Message.Split('\n')[0]}");
            return new IdleRow(name, what, Failure: failure.Message);
        }
    }

    /// <summary>U-Boot from an SD card on the same emulated board, autoboot stopped, idle at its prompt.</summary>
    private static IdleRow MeasureUBoot(string root)
    {
        const string what = "Debian u-boot-sunxi, orangepi_zero build, at its prompt";
        try
        {
            string card = UBootSdCard.Prepare(root);
            using var qemu = QemuSession.Start("qemu-system-arm", ["-M", Board, "-nographic", "-no-reboot", "-drive", $"file={card},format=raw,if=sd", "-nic", "none"]);
            // "Hit any key to stop autoboot" counts down on one line: wait for the line before it, then press Enter until a prompt comes.
            if (qemu.WaitForLine(line => line.StartsWith("Net:", StringComparison.Ordinal), BootTimeout) is null)
                throw new BenchFailure($"U-Boot did not start within {BootTimeout.TotalSeconds:0} s:\n{qemu.Output}");
            var prompt = Stopwatch.StartNew();
            while (qemu.WaitForLine(line => line.StartsWith("=>", StringComparison.Ordinal), TimeSpan.FromMilliseconds(300)) is null)
            {
                if (prompt.Elapsed > TimeSpan.FromSeconds(20))
                    throw new BenchFailure($"U-Boot gave no prompt:\n{qemu.Output}");
                qemu.Send("\r");
            }
            double idle = ProcessCpu.Measure(qemu.Id, Window);
            Step($"{IdleTable.UBootRow}: idle {idle.ToString("0.0", CultureInfo.InvariantCulture)}% of a core over {Window.TotalSeconds:0} s");
            return new IdleRow(IdleTable.UBootRow, what, idle);
        }
        catch (Exception failure) when (failure is BenchFailure or BuildFailure or IOException)
        {
            Step($"{IdleTable.UBootRow}: failed: {failure.Message.Split('\n')[0]}");
            return new IdleRow(IdleTable.UBootRow, what, Failure: failure.Message);
        }
    }

    private static void Step(string text) => AnsiConsole.MarkupLine($"[grey]bench:[/] {Markup.Escape(text)}");

    private static int Error(string message)
    {
        AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(message)}");
        return 1;
    }
}
