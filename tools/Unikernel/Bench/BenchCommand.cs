using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Spectre.Console;

namespace Unikernel.Tool.Bench;

/// <summary>
/// `unikernel bench`: TCP receive throughput of our host stack, of lwIP and of Linux, in one
/// run on one machine (these machines are noisy: compare rows of the same run, not runs). Each
/// receiver gets the same stream from Linux's nc, --runs times; the table shows each median and
/// its ratio to lwIP, and is appended to build/measurements/bench.txt.
/// </summary>
public static class BenchCommand
{
    public const long DefaultBytes = 256L << 20;
    public const int DefaultRuns = 3;

    public static Command Create(string root)
    {
        var bytes = new Option<long>("--bytes") { Description = "Bytes per transfer", DefaultValueFactory = _ => DefaultBytes };
        var runs = new Option<int>("--runs") { Description = "Transfers per receiver (with --idle: uploads per image; with --netboot: boots of each board); the table shows the median", DefaultValueFactory = _ => DefaultRuns };
        var idle = new Option<bool>("--idle") { Description = "Instead: QEMU orangepi-pc's idle CPU with our bootloader (interrupts, and polling) and with U-Boot, and ping6 and upload with each of ours; appended to build/measurements/idle.txt" };
        var netboot = new Option<bool>("--netboot") { Description = "Instead: our netboot against U-Boot's on QEMU orangepi-pc over a TAP (tftpboot and DHCP vs our upload, first ping6 and TCP discard; also on qemu-virt), with the emulated CPUs' SHA-256 and copy rates; --bytes defaults to 32 MiB; appended to build/measurements/netboot.txt" };
        var linux = new Option<bool>("--linux") { Description = "Instead: QEMU start to Linux's /init on orangepi-pc, the pinned Debian kernel, device tree and initramfs booted by QEMU itself, by U-Boot from an SD card and by ours; appended to build/measurements/linux.txt" };
        var command = new Command("bench", "TCP receive throughput of hoststack, lwIP and Linux (veth), each fed by Linux nc: a table of MB/s and ratios to lwIP, appended to build/measurements/bench.txt (root)")
        {
            bytes, runs, idle, netboot, linux,
        };
        command.SetAction(result => result.GetValue(idle) ? IdleBench.Run(root, result.GetValue(runs))
            : result.GetValue(linux) ? LinuxBootBench.Run(root, result.GetValue(runs), LinuxBootBench.OurBootloader(root))
            : result.GetValue(netboot) ? NetbootBench.Run(root, result.GetResult(bytes) is { Implicit: false } ? result.GetValue(bytes) : NetbootBench.DefaultBytes, result.GetValue(runs))
            : Run(root, result.GetValue(bytes), result.GetValue(runs)));
        return command;
    }

    public static int Run(string root, long bytes, int runs)
    {
        if (BenchNamespace.WhyUnavailable() is { } why)
            return Error(why);
        if (bytes <= 0 || runs <= 0)
            return Error("--bytes and --runs must be positive");

        using var stop = new BenchInterruption();
        try
        {
            var stream = StreamFile.Prepare(Path.Combine(root, "build", "bench"), bytes);
            AnsiConsole.MarkupLine($"[grey]bench:[/] {bytes} bytes per transfer ({Markup.Escape(stream.Path)}, sha256 {stream.Sha256}), {runs} run{(runs == 1 ? "" : "s")} per receiver");
            var rows = new List<BenchRow>
            {
                Measure("hoststack (ours)", "nc → TAP → hoststack (C#), counting", () => new HostStackReceiver(hash: false), stream, runs, stop.Token),
                Measure("hoststack + SHA-256", "the same, hashing as the bootloader does", () => new HostStackReceiver(hash: true), stream, runs, stop.Token),
                Measure(BenchTable.LwipRow, "nc → TAP → lwIP (liblwip-dev)", () => LwipSink.Start(root), stream, runs, stop.Token),
                Measure("Linux", "nc → veth → nc (two namespaces)", () => new LinuxVethReceiver(), stream, runs, stop.Token),
            };
            if (stop.IsRequested)
                return Error("stopped");
            var table = BenchTable.Create(rows, bytes, runs);
            AnsiConsole.Write(table);
            string file = Path.Combine(root, "build", "measurements", "bench.txt");
            BenchTable.Append(file, table, $"./unikernel bench --bytes {bytes} --runs {runs}");
            AnsiConsole.MarkupLine($"[grey]bench:[/] appended to {Markup.Escape(file)}");
            foreach (var row in rows.Where(row => row.Failure is not null))
                AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(row.Name)}: {Markup.Escape(row.Failure!)}");
            return rows.Any(row => row.Failure is not null) ? 1 : 0;
        }
        catch (BenchFailure failure)
        {
            return Error(failure.Message);
        }
    }

    /// <summary>Sets up one receiver, sends the stream to it <paramref name="runs"/> times, and tears it down.</summary>
    private static BenchRow Measure(string name, string path, Func<BenchReceiver> start, StreamFile stream, int runs, CancellationToken stop)
    {
        var speeds = new List<double>();
        if (stop.IsCancellationRequested)
            return new BenchRow(name, path, speeds, Failure: "stopped");
        try
        {
            using var receiver = start();
            for (int run = 1; run <= runs && !stop.IsCancellationRequested; run++)
            {
                int mark = receiver.Mark();
                var transfer = ThroughputRun.Send(receiver.Sender, receiver.Address, stream);
                receiver.Confirm(transfer, stream, mark);
                double speed = transfer.MegabytesPerSecond(stream.Length);
                speeds.Add(speed);
                AnsiConsole.MarkupLine($"[grey]bench:[/] {Markup.Escape(name)} run {run}/{runs}: {speed.ToString("0.0", CultureInfo.InvariantCulture)} MB/s ({transfer.Elapsed.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms)");
            }
            return new BenchRow(name, path, speeds);
        }
        catch (ReceiverUnavailable unavailable)
        {
            AnsiConsole.MarkupLine($"[grey]bench:[/] {Markup.Escape(name)}: {Markup.Escape(unavailable.Message)}");
            return new BenchRow(name, path, speeds, Unavailable: unavailable.Message);
        }
        catch (Exception failure) when (failure is BenchFailure or Build.BuildFailure or IOException or TimeoutException)
        {
            AnsiConsole.MarkupLine($"[grey]bench:[/] {Markup.Escape(name)}: [red]failed[/]");
            return new BenchRow(name, path, speeds, Failure: failure.Message);
        }
    }

    private static int Error(string message)
    {
        AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(message)}");
        return 1;
    }
}
