using System.Globalization;
using Unikernel.Tool.Build;

namespace Unikernel.Tool.Bench;

/// <summary>
/// The peer: lwIP 2.1.3's core built from source with tuned options (bench/lwip-tuned: 4 MiB
/// window, SACK, 8192 pool pbufs, one thread, NO_SYS=1), behind a TAP interface in a namespace,
/// running bench/lwip-tuned/harness.c: a sink on tcp 1337, or a source on tcp 19 sending the
/// stream to each connection (built with TCP_SND_BUF 65535, which is faster for lwIP 2.1.3 than
/// a bigger send buffer). The core's sources come from lwip-2.1.3-core-src.tar.xz there, unpacked
/// under build/bench/lwip-tuned; liblwip-dev's headers (/usr/include/lwip) are the same 2.1.3's.
/// </summary>
public sealed class LwipTuned : BenchReceiver
{
    public const string Tap = "uk0";
    public const string Mac = "02:00:5e:78:00:02";
    public const string LinkAddress = "169.254.78.1/16";
    public const string StackAddress = "169.254.78.2";
    public const int SourcePort = 19;

    /// <summary>Where liblwip-dev puts lwIP 2.1.3's headers.</summary>
    public const string IncludeDirectory = "/usr/include/lwip";

    /// <summary>lwIP 2.1.3 gets slower with a bigger send buffer (tcp_output walks the whole unacked queue).</summary>
    private const int SourceSendBuffer = 65535;

    private const string Tarball = "lwip-2.1.3-core-src.tar.xz";

    private readonly BenchNamespace _space;
    private readonly BackgroundProcess _stack;
    private readonly bool _sending;

    private LwipTuned(string program, long? sendBytes)
    {
        _sending = sendBytes is not null;
        _space = new BenchNamespace();
        try
        {
            string[] mode = sendBytes is { } bytes
                ? ["--port", SourcePort.ToString(CultureInfo.InvariantCulture), "--send", bytes.ToString(CultureInfo.InvariantCulture)]
                : ["--port", ThroughputRun.Port.ToString(CultureInfo.InvariantCulture)];
            _stack = _space.Start([program, "--tap", Tap, "--ipv4", StackAddress + "/16", "--mac", Mac, .. mode]);
            _stack.WaitForLine("^lwip-tuned: uk0 ", TimeSpan.FromSeconds(10));
            _space.Address(Tap, LinkAddress);
        }
        catch
        {
            _space.Dispose();
            throw;
        }
    }

    /// <summary>Builds the harness when needed and starts it: a sink, or with <paramref name="sendBytes"/> a source.</summary>
    public static LwipTuned Start(string root, long? sendBytes = null) => new(Build(root, sending: sendBytes is not null), sendBytes);

    public override BenchNamespace Sender => _space;

    public override string Address => StackAddress;

    public override int? SendPort => _sending ? SourcePort : null;

    public override int Mark() => _stack.LineCount;

    public override void Confirm(ThroughputRun run, StreamFile stream, int mark)
    {
        base.Confirm(run, stream, mark);
        var report = _stack.WaitForLine($@"^lwip-tuned: tcp {ThroughputRun.Port} received (\d+) bytes in ([\d.]+) ms$", TimeSpan.FromSeconds(10), mark);
        long received = long.Parse(report.Groups[1].Value, CultureInfo.InvariantCulture);
        if (received != stream.Length)
            throw new BenchFailure($"lwIP received {received} bytes of {stream.Length}");
    }

    public override void Dispose() => _space.Dispose();

    /// <summary>
    /// Unpacks the core under build/bench/lwip-tuned and compiles the harness with it into
    /// build/bench/lwip-tuned/sink or source, each only when an input is newer.
    /// </summary>
    public static string Build(string root, bool sending)
    {
        string source = Path.Combine(root, "bench", "lwip-tuned");
        string tarball = Path.Combine(source, Tarball);
        string output = Path.Combine(root, "build", "bench", "lwip-tuned");
        if (!File.Exists(tarball))
            throw new BenchFailure($"lwIP's core sources are missing: {tarball} (lwIP 2.1.3's src/core and src/netif/ethernet.c, tag STABLE-2_1_3_RELEASE)");
        if (!File.Exists(Path.Combine(IncludeDirectory, "lwip", "tcp.h")))
            throw new BenchFailure($"lwIP's headers are missing ({IncludeDirectory}): run ./unikernel once as root (it installs liblwip-dev), or apt-get install liblwip-dev");
        string core = Path.Combine(output, "src");
        string unpacked = Path.Combine(output, "unpacked");
        if (!File.Exists(unpacked) || File.GetLastWriteTimeUtc(unpacked) < File.GetLastWriteTimeUtc(tarball))
        {
            if (Directory.Exists(core))
                Directory.Delete(core, recursive: true);
            Directory.CreateDirectory(output);
            ExternalProcess.Run($"unpacking {Tarball}", "tar", ["-xJf", tarball, "-C", output]);
            File.WriteAllText(unpacked, tarball + "\n");
        }
        var files = new List<string> { Path.Combine(source, "harness.c") };
        foreach (string directory in new[] { "core", "core/ipv4", "core/ipv6" })
            files.AddRange(Directory.GetFiles(Path.Combine(core, directory), "*.c").Order(StringComparer.Ordinal));
        files.Add(Path.Combine(core, "netif", "ethernet.c"));
        string[] sendBuffer = sending ? [$"-DTCP_SND_BUF={SourceSendBuffer}"] : [];
        // Our lwipopts.h and arch/ first: the package's include directory has its own.
        return CHarness.Build($"building the tuned lwIP {(sending ? "source" : "sink")} (bench/lwip-tuned)", Path.Combine(output, sending ? "source" : "sink"),
            [source, unpacked], ["-O2", "-I", source, "-I", IncludeDirectory, .. sendBuffer, .. files]);
    }
}
