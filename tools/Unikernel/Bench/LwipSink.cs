using System.Globalization;
using Unikernel.Tool.Build;

namespace Unikernel.Tool.Bench;

/// <summary>
/// The peer: lwIP 2.1.3 (Debian's liblwip-dev) behind a TAP interface in a namespace, running
/// bench/lwip-sink/main.c, which the bench compiles into build/bench/lwip-sink when its source
/// is newer. How lwIP was run here before, and why this harness has its own TAP netif rather
/// than the package's tapif: /work/shared/refs/peers.md (lwIP on a Linux TAP).
/// </summary>
public sealed class LwipSink : BenchReceiver
{
    public const string Tap = "uk0";
    public const string Mac = "02:00:5e:78:00:02";
    public const string LinkAddress = "169.254.78.1/16";
    public const string SinkAddress = "169.254.78.2";

    /// <summary>Where liblwip-dev puts its headers (the package's include directory is /usr/include/lwip).</summary>
    public const string IncludeDirectory = "/usr/include/lwip";
    private const string Header = IncludeDirectory + "/lwip/tcp.h";
    private static readonly string[] Libraries = ["/usr/lib/x86_64-linux-gnu/liblwip.so", "/usr/lib/aarch64-linux-gnu/liblwip.so", "/usr/lib/liblwip.so"];

    private readonly BenchNamespace _space;
    private readonly BackgroundProcess _sink;

    private LwipSink(string program)
    {
        _space = new BenchNamespace();
        try
        {
            _sink = _space.Start(program, "--tap", Tap, "--ipv4", SinkAddress + "/16", "--mac", Mac);
            Banner = _sink.WaitForLine("^lwip-sink: uk0 .*listening", TimeSpan.FromSeconds(10)).Value;
            _space.Address(Tap, LinkAddress);
        }
        catch
        {
            _space.Dispose();
            throw;
        }
    }

    /// <summary>Builds the harness when needed and starts it on a TAP in a namespace of its own.</summary>
    public static LwipSink Start(string root) => new(Build(root));

    public string Banner { get; }


    public override BenchNamespace Sender => _space;

    public override string Address => SinkAddress;

    public override int Mark() => _sink.LineCount;

    public override void Confirm(ThroughputRun run, StreamFile stream, int mark)
    {
        base.Confirm(run, stream, mark);
        var report = _sink.WaitForLine($@"^lwip-sink: tcp {ThroughputRun.Port} received (\d+) bytes in ([\d.]+) ms$", TimeSpan.FromSeconds(10), mark);
        long received = long.Parse(report.Groups[1].Value, CultureInfo.InvariantCulture);
        if (received != stream.Length)
            throw new BenchFailure($"lwIP received {received} bytes of {stream.Length}");
    }

    public override void Dispose() => _space.Dispose();

    /// <summary>Compiles bench/lwip-sink/main.c into build/bench/lwip-sink (clang preferred), only when the source is newer.</summary>
    public static string Build(string root)
    {
        string source = System.IO.Path.Combine(root, "bench", "lwip-sink", "main.c");
        string output = System.IO.Path.Combine(root, "build", "bench", "lwip-sink");
        if (!File.Exists(source))
            throw new BenchFailure($"the lwIP harness's source is missing: {source}");
        string? compiler = new[] { "clang", "cc", "gcc" }.FirstOrDefault(OnPath)
            ?? throw new BenchFailure("no C compiler (clang, cc or gcc) to build the lwIP harness: run ./unikernel once as root (it installs clang), or apt-get install clang");
        if (!File.Exists(Header) || !Libraries.Any(File.Exists))
            throw new BenchFailure($"lwIP is missing ({Header} or liblwip.so): run ./unikernel once as root (it installs liblwip-dev), or apt-get install liblwip-dev");
        if (File.Exists(output) && File.GetLastWriteTimeUtc(output) >= File.GetLastWriteTimeUtc(source))
            return output;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(output)!);
        // -I the package's include directory: its lwipopts.h holds the options liblwip.so was built with.
        ExternalProcess.Run("building the lwIP harness (bench/lwip-sink/main.c)", compiler,
            ["-O2", "-Wall", "-I", IncludeDirectory, "-o", output, source, "-llwip", "-lpthread"]);
        return output;
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Any(directory => directory.Length > 0 && File.Exists(System.IO.Path.Combine(directory, program)));
}
