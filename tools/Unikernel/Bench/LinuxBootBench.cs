using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Unikernel.Tool.Boards;
using Unikernel.Tool.Build;
using Unikernel.Tool.Linux;

namespace Unikernel.Tool.Bench;

/// <summary>
/// Our half of the Linux boot bench: boots <paramref name="parts"/> on orangepi-pc through our
/// bootloader (the kernel, device tree and initramfs sent with `upload --linux` over TCP) and
/// returns /init's report with its seconds counted from QEMU's start. Throws on a failed boot.
/// </summary>
public delegate LinuxBootResult OurLinuxBoot(LinuxParts parts);

/// <summary>
/// `unikernel bench --linux` (issue 18): QEMU start to Linux's /init on orangepi-pc, the same
/// pinned parts (<see cref="LinuxParts"/>) booted three ways in one run: by QEMU itself (the
/// floor), by U-Boot 2023.01 from an SD card (<see cref="UBootLinuxPeer"/>, the peer), and by
/// ours (<see cref="OurLinuxBoot"/>); each run boots each afresh, alternating. The table is
/// appended to build/measurements/linux.txt.
/// </summary>
public static class LinuxBootBench
{
    public const string Board = "orangepi-pc";

    /// <summary>
    /// Our half: the bootloader built once (into build/bench/linux/), then for each run booted on a
    /// TAP with `upload --linux` sending the parts as soon as it answers (<see cref="LinuxNetboot"/>).
    /// </summary>
    public static OurLinuxBoot OurBootloader(string root)
    {
        var bootloader = new Lazy<BuiltImage>(() =>
        {
            Step("building our bootloader for orangepi-pc (build/bench/linux/)");
            return new ImageBuilder(root).BuildBootloader(BoardCatalog.Load(root, Board), Path.Combine(root, "build", "bench", "linux", Board));
        });
        return parts => LinuxNetboot.Boot(bootloader.Value, parts, TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(60)).Boot;
    }

    /// <param name="ours">Our boot; without it the row says it is not available.</param>
    public static int Run(string root, int runs, OurLinuxBoot? ours)
    {
        if (BenchNamespace.WhyUnavailable() is { } why)
            return Error(why);
        if (runs <= 0)
            return Error("--runs must be positive");

        using var stop = new BenchInterruption();
        var started = DateTime.UtcNow;
        try
        {
            Step("fetching and building the Linux parts (build/linux/)");
            var parts = LinuxParts.Prepare(root, Board);
            Step($"{parts.Pin.Package.AptSpecification}, {Path.GetFileName(parts.DeviceTree)}, initramfs {new FileInfo(parts.Initrd).Length} bytes");
            var peer = new UBootLinuxPeer(root, parts);
            var (directProgram, directArguments) = DirectLinuxBoot.Command(Board, parts);

            var direct = new Series(LinuxBootTable.Direct, "-kernel -dtb -initrd");
            var uboot = new Series(LinuxBootTable.UBoot, "SD card: SPL, U-Boot, extlinux.conf, bootz");
            var startingKernel = new Series(LinuxBootTable.UBootStartingKernel, "QEMU start to U-Boot's last line");
            var our = new Series(LinuxBootTable.Ours, "SD card: our bootloader, then kernel + DTB + initrd over TCP");
            for (int run = 1; run <= runs && !stop.IsRequested; run++)
            {
                direct.Attempt(run, () =>
                {
                    using var network = new LinuxNetwork(Path.Combine(root, "build", "linux", "run"));
                    var clock = Stopwatch.StartNew();
                    using var qemu = network.StartQemu(directProgram, directArguments);
                    return LinuxBootWatch.Watch(qemu, clock, TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(60));
                });
                if (!stop.IsRequested)
                {
                    uboot.Attempt(run, () =>
                    {
                        var boot = peer.Boot();
                        startingKernel.Add(boot.StartingKernel, cpus: null);
                        Step($"U-Boot run {run}: Starting kernel {boot.StartingKernel.ToString("0.00", CultureInfo.InvariantCulture)} s, Linux's first line "
                            + $"{boot.FirstLinuxLine?.ToString("0.00", CultureInfo.InvariantCulture) ?? "not seen"} s after QEMU's start");
                        return boot.Linux;
                    });
                }
                if (!stop.IsRequested && ours is not null)
                    our.Attempt(run, () => ours(parts));
            }
            if (stop.IsRequested)
                return Error("stopped");

            var rows = new List<LinuxBootRow>
            {
                direct.Row(),
                uboot.Row(),
                startingKernel.Row(uboot.Failure),
                ours is null ? our.Unavailable("not plugged in: the bootloader's Linux boot (issue 18) is not in this build") : our.Row(),
            };
            var table = LinuxBootTable.Create(rows, runs);
            AnsiConsole.Write(table);
            var verdicts = LinuxBootTable.Verdicts(rows);
            foreach (string line in verdicts)
                AnsiConsole.WriteLine(line);
            string output = Path.Combine(root, "build", "measurements", "linux.txt");
            IdleTable.Append(output, table, verdicts, $"./unikernel bench --linux --runs {runs} ({(DateTime.UtcNow - started).TotalSeconds:0} s)");
            Step($"appended to {output}");
            return rows.Any(row => row.Failure is not null) ? 1 : 0;
        }
        catch (Exception failure) when (failure is BenchFailure or BuildFailure)
        {
            return Error(failure.Message);
        }
    }

    /// <summary>The seconds and CPU counts of one row across runs, and its first failure.</summary>
    private sealed class Series(string name, string path)
    {
        private readonly List<double> _seconds = [];
        private readonly List<int?> _cpus = [];

        public string? Failure { get; private set; }

        public void Add(double seconds, int? cpus)
        {
            _seconds.Add(seconds);
            _cpus.Add(cpus);
        }

        /// <summary>Runs one boot; a failure is kept for the row and the bench goes on.</summary>
        public void Attempt(int run, Func<LinuxBootResult> boot)
        {
            try
            {
                var result = boot();
                Add(result.InitSeconds, result.Cpus);
                Step($"{name} run {run}: /init {result.InitSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s after QEMU's start, {result.Cpus?.ToString(CultureInfo.InvariantCulture) ?? "?"} CPUs, lease {result.Lease ?? "none"}");
            }
            catch (Exception failure) when (failure is BenchFailure or BuildFailure or TimeoutException or IOException or InvalidOperationException
                                            or Upload.UploadFailure or System.Net.Sockets.SocketException)
            {
                Step($"{name} run {run}: failed: {failure.Message.Split('\n')[0]}");
                Failure ??= failure.Message;
            }
        }

        public LinuxBootRow Row(string? failure = null) =>
            new(name, path, _seconds, _cpus, Failure: _seconds.Count == 0 ? Failure ?? failure ?? "no value" : null);

        public LinuxBootRow Unavailable(string why) => new(name, path, [], [], Unavailable: why);
    }

    private static void Step(string text) => AnsiConsole.MarkupLine($"[grey]bench:[/] {Markup.Escape(text)}");

    private static int Error(string message)
    {
        AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(message)}");
        return 1;
    }
}
