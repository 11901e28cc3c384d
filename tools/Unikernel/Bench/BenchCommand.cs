using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Spectre.Console;

namespace Unikernel.Tool.Bench;

/// <summary>
/// `unikernel bench`: TCP throughput of our host stack, of lwIP 2.1.3 built from source and
/// tuned, and of Linux over veth, both ways, in one run on one machine (these machines are
/// noisy: compare rows of the same run, not runs), beside what a TAP itself allows (the TAP
/// read and write limits). Each stack receives the same stream from Linux's nc, and sends it to
/// Linux's nc, --runs times; the table shows each median and its ratio to tuned lwIP, and is
/// appended to build/measurements/bench.txt. Each stack gets one untimed transfer first, each way.
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
        var command = new Command("bench", "TCP throughput both ways of hoststack, tuned lwIP 2.1.3 and Linux (veth) against Linux nc, and the TAP read and write limits: a table of MB/s and ratios to lwIP, appended to build/measurements/bench.txt (root)")
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
            AnsiConsole.MarkupLine($"[grey]bench:[/] {bytes} bytes per transfer ({Markup.Escape(stream.Path)}, sha256 {stream.Sha256}), {runs} run{(runs == 1 ? "" : "s")} per stack and direction");
            string tapRead = TapLimits.Build(root, "tap-read");
            string tapWrite = TapLimits.Build(root, "tap-write");
            var rows = new List<BenchRow>
            {
                Measure(BenchTable.OursRow, "TAP with TCP offloads, C#", BenchDirection.Receive, () => new HostStackReceiver(hash: false), stream, runs, stop.Token),
                Measure(BenchTable.OursRow, "TAP with TCP offloads, C#", BenchDirection.Send, () => new HostStackReceiver(hash: false, sendBytes: bytes), stream, runs, stop.Token),
                Measure(BenchTable.OursPerFrameRow, "TAP, --no-offload, C#", BenchDirection.Receive, () => new HostStackReceiver(hash: false, offload: false), stream, runs, stop.Token),
                Measure(BenchTable.OursPerFrameRow, "TAP, --no-offload, C#", BenchDirection.Send, () => new HostStackReceiver(hash: false, sendBytes: bytes, offload: false), stream, runs, stop.Token),
                Measure("hoststack + SHA-256", "offloads, receiving hashes as the bootloader does", BenchDirection.Receive, () => new HostStackReceiver(hash: true), stream, runs, stop.Token),
                Measure(BenchTable.LwipRow, "TAP, C -O2, NO_SYS (bench/lwip-tuned)", BenchDirection.Receive, () => LwipTuned.Start(root), stream, runs, stop.Token),
                Measure(BenchTable.LwipRow, "TAP, C -O2, NO_SYS (bench/lwip-tuned)", BenchDirection.Send, () => LwipTuned.Start(root, bytes), stream, runs, stop.Token),
                Measure("Linux", "veth, two namespaces", BenchDirection.Receive, () => new LinuxVethReceiver(), stream, runs, stop.Token),
                Measure("Linux", "veth, two namespaces", BenchDirection.Send, () => new LinuxVethReceiver(stream), stream, runs, stop.Token),
                MeasureLimit(BenchTable.TapReadRow, "tap-read: read() per frame, Linux keeps it full", BenchDirection.Receive, () => TapLimits.Run(tapRead, bytes), runs, stop.Token),
                MeasureLimit(BenchTable.TapWriteRow, "tap-write: write() per frame, Linux counts", BenchDirection.Send, () => TapLimits.Run(tapWrite, bytes), runs, stop.Token),
            };
            if (stop.IsRequested)
                return Error("stopped");
            var table = BenchTable.Create(rows, bytes, runs);
            AnsiConsole.Write(table);
            var verdicts = BenchTable.Verdicts(rows).ToList();
            foreach (string verdict in verdicts)
                AnsiConsole.MarkupLine($"[grey]bench:[/] {Markup.Escape(verdict)}");
            string file = Path.Combine(root, "build", "measurements", "bench.txt");
            BenchTable.Append(file, table, verdicts, $"./unikernel bench --bytes {bytes} --runs {runs}");
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

    /// <summary>Sets up one stack, moves the stream <paramref name="runs"/> times in <paramref name="direction"/>, and tears it down.</summary>
    private static BenchRow Measure(string name, string path, BenchDirection direction, Func<BenchReceiver> start, StreamFile stream, int runs, CancellationToken stop)
    {
        var speeds = new List<double>();
        string label = $"{name} {(direction == BenchDirection.Receive ? "receive" : "send")}";
        if (stop.IsCancellationRequested)
            return new BenchRow(name, path, speeds, Failure: "stopped", Direction: direction);
        try
        {
            using var receiver = start();
            // Run 0 warms up, untimed: hoststack's JIT compiles its hot paths optimised (tiered
            // compilation starts with unoptimised code), and every stack starts from the same state.
            for (int run = 0; run <= runs && !stop.IsCancellationRequested; run++)
            {
                var transfer = Transfer(receiver, direction, stream);
                if (run == 0)
                    continue;
                double speed = transfer.MegabytesPerSecond(stream.Length);
                speeds.Add(speed);
                Progress(label, run, runs, speed, transfer.Elapsed);
            }
            return new BenchRow(name, path, speeds, Direction: direction);
        }
        catch (ReceiverUnavailable unavailable)
        {
            AnsiConsole.MarkupLine($"[grey]bench:[/] {Markup.Escape(label)}: {Markup.Escape(unavailable.Message)}");
            return new BenchRow(name, path, speeds, Unavailable: unavailable.Message, Direction: direction);
        }
        catch (Exception failure) when (failure is BenchFailure or Build.BuildFailure or IOException or TimeoutException)
        {
            AnsiConsole.MarkupLine($"[grey]bench:[/] {Markup.Escape(label)}: [red]failed[/]");
            return new BenchRow(name, path, speeds, Failure: failure.Message, Direction: direction);
        }
    }

    /// <summary>One transfer of the stream in <paramref name="direction"/>, checked.</summary>
    private static ThroughputRun Transfer(BenchReceiver receiver, BenchDirection direction, StreamFile stream)
    {
        int mark = receiver.Mark();
        if (direction == BenchDirection.Receive)
        {
            var received = ThroughputRun.Send(receiver.Sender, receiver.Address, stream);
            receiver.Confirm(received, stream, mark);
            return received;
        }
        var sent = ThroughputRun.Fetch(receiver.Sender, receiver.Address, receiver.SendPort ?? throw new BenchFailure("this stack has no source"), stream.Length);
        receiver.ConfirmSent(sent, stream, mark);
        return sent;
    }

    /// <summary>A TAP limit, <paramref name="runs"/> times (<see cref="TapLimits"/>).</summary>
    private static BenchRow MeasureLimit(string name, string path, BenchDirection direction, Func<double> run, int runs, CancellationToken stop)
    {
        var speeds = new List<double>();
        try
        {
            for (int i = 1; i <= runs && !stop.IsCancellationRequested; i++)
            {
                speeds.Add(run());
                AnsiConsole.MarkupLine($"[grey]bench:[/] {Markup.Escape(name)} run {i}/{runs}: {speeds[^1].ToString("0.0", CultureInfo.InvariantCulture)} MB/s");
            }
            return new BenchRow(name, path, speeds, Direction: direction);
        }
        catch (Exception failure) when (failure is BenchFailure or Build.BuildFailure or IOException)
        {
            AnsiConsole.MarkupLine($"[grey]bench:[/] {Markup.Escape(name)}: [red]failed[/]");
            return new BenchRow(name, path, speeds, Failure: failure.Message, Direction: direction);
        }
    }

    private static void Progress(string label, int run, int runs, double speed, TimeSpan elapsed) =>
        AnsiConsole.MarkupLine($"[grey]bench:[/] {Markup.Escape(label)} run {run}/{runs}: {speed.ToString("0.0", CultureInfo.InvariantCulture)} MB/s ({elapsed.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms)");

    private static int Error(string message)
    {
        AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(message)}");
        return 1;
    }
}
