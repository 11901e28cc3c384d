using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Unikernel.Tool.Build;
using Unikernel.Tool.HostStack;
using Xunit.Abstractions;

namespace Unikernel.Tests.Net;

/// <summary>
/// Not a pass/fail test: ping round-trip times, 200 pings each, from a namespace to hoststack
/// over its TAP interface, next to Linux answering Linux over a veth pair and over two TAP
/// interfaces joined by a frame copier in this process (the same kernel-to-user path as
/// hoststack's, crossed twice each way). Printed, and appended to build/measurements/ping-rtt.txt.
/// </summary>
[Collection("Host stack interop")]
public class HostStackInteropMeasurements(ITestOutputHelper log)
{
    private const int Count = 200;
    private const string Interval = "0.005";

    [InteropFact]
    public void Ping_round_trip_medians_of_hoststack_and_of_linux()
    {
        var rows = new List<(string Path, Rtt V4, Rtt V6)>();
        using (var link = new HostStackLink("169.254.77.2/16", "169.254.77.1/16"))
            rows.Add(("hoststack over TAP", Measure(link.Space, "169.254.77.2"), Measure(link.Space, HostStackLink.LinkLocal + "%uk0")));
        using (var pair = new LinuxPair())
        {
            ExternalProcess.Run("creating a veth pair", "ip", ["link", "add", "uk0", "netns", pair.Near.Name, "type", "veth", "peer", "name", "uk1", "netns", pair.Far.Name]);
            pair.Configure("uk0", "uk1");
            rows.Add(("Linux over veth", Measure(pair.Near, "169.254.77.2"), Measure(pair.Near, pair.FarLinkLocal("uk1") + "%uk0")));
        }
        using (var pair = new LinuxPair())
        {
            string suffix = Guid.NewGuid().ToString("N")[..8];
            using var near = TapDevice.Open("ukn" + suffix);
            using var far = TapDevice.Open("ukf" + suffix);
            ExternalProcess.Run("moving a TAP interface", "ip", ["link", "set", near.Name, "netns", pair.Near.Name]);
            ExternalProcess.Run("moving a TAP interface", "ip", ["link", "set", far.Name, "netns", pair.Far.Name]);
            using var copier = new FrameCopier(near, far);
            pair.Configure(near.Name, far.Name);
            rows.Add(("Linux over TAP+copier+TAP", Measure(pair.Near, "169.254.77.2"), Measure(pair.Near, pair.FarLinkLocal(far.Name) + "%" + near.Name)));
        }

        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"ping RTT, {Count} pings at {Interval} s intervals, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} CPUs, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
        table.AppendLine("path                        | family | received | median ms | min ms | p90 ms | max ms");
        table.AppendLine("----------------------------|--------|----------|-----------|--------|--------|-------");
        foreach (var (path, v4, v6) in rows)
        {
            foreach (var (family, rtt) in new[] { ("IPv4", v4), ("IPv6", v6) })
                table.AppendLine(CultureInfo.InvariantCulture, $"{path,-27} | {family,-6} | {rtt.Received,4}/{Count,-3} | {rtt.Median,9:0.000} | {rtt.Min,6:0.000} | {rtt.P90,6:0.000} | {rtt.Max,6:0.000}");
        }
        log.WriteLine(table.ToString());
        string directory = Path.Combine(Unikernel.Tool.Repository.FindRoot(), "build", "measurements");
        Directory.CreateDirectory(directory);
        File.AppendAllText(Path.Combine(directory, "ping-rtt.txt"), table + "\n");
        Assert.All(rows, row => Assert.True(row.V4.Received > Count / 2 && row.V6.Received > Count / 2, table.ToString()));
    }

    public sealed record Rtt(int Received, double Min, double Median, double P90, double Max);

    /// <summary>A few pings first (neighbour discovery, caches), then the measured run; times from the per-reply lines.</summary>
    private static Rtt Measure(NetworkNamespace space, string target)
    {
        string family = target.Contains(':') ? "-6" : "-4";
        space.TryRun("ping", family, "-c", "5", "-i", "0.05", "-W", "1", target);
        var ping = space.TryRun("ping", family, "-c", Count.ToString(CultureInfo.InvariantCulture), "-i", Interval, "-W", "1", target);
        double[] times = Regex.Matches(ping.Output, @"time=([0-9.]+) ms")
            .Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).Order().ToArray();
        if (times.Length == 0)
            return new Rtt(0, double.NaN, double.NaN, double.NaN, double.NaN);
        double Quantile(double q) => times[(int)Math.Min(times.Length - 1, Math.Floor(q * times.Length))];
        double median = times.Length % 2 == 1 ? times[times.Length / 2] : (times[times.Length / 2 - 1] + times[times.Length / 2]) / 2;
        return new Rtt(times.Length, times[0], median, Quantile(0.9), times[^1]);
    }

    /// <summary>Two namespaces, Linux in both: 169.254.77.1 near, 169.254.77.2 far, and their link-local addresses.</summary>
    private sealed class LinuxPair : IDisposable
    {
        public NetworkNamespace Near { get; } = new();
        public NetworkNamespace Far { get; } = new();

        public void Configure(string nearInterface, string farInterface)
        {
            Near.Run("ip", "addr", "add", "169.254.77.1/16", "dev", nearInterface);
            Far.Run("ip", "addr", "add", "169.254.77.2/16", "dev", farInterface);
            Near.Run("ip", "link", "set", nearInterface, "up");
            Far.Run("ip", "link", "set", farInterface, "up");
        }

        public string FarLinkLocal(string farInterface)
        {
            for (int attempt = 0; attempt < 50; attempt++)
            {
                var address = Regex.Match(Far.Run("ip", "-6", "-o", "addr", "show", "dev", farInterface, "scope", "link").Output, @"inet6 (fe80::[0-9a-f:]+)/");
                if (address.Success)
                    return address.Groups[1].Value;
                Thread.Sleep(100);
            }
            throw new TimeoutException($"no link-local address on {farInterface} in {Far.Name}");
        }

        public void Dispose()
        {
            Near.Dispose();
            Far.Dispose();
        }
    }

    /// <summary>Copies every frame from one TAP interface to the other, both ways, on two threads (as hoststack's loop: poll, read, write).</summary>
    private sealed class FrameCopier : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Thread[] _threads;

        public FrameCopier(TapDevice a, TapDevice b)
        {
            _threads = [new Thread(() => Copy(a, b)), new Thread(() => Copy(b, a))];
            foreach (var thread in _threads)
                thread.Start();
        }

        private void Copy(TapDevice from, TapDevice to)
        {
            var frame = new byte[Unikernel.Net.NetworkRunner<TapDevice>.FrameBufferSize];
            while (!_stop.IsCancellationRequested)
            {
                if (!from.WaitReadable(200))
                    continue;
                int length = from.Receive(frame);
                if (length > 0)
                    to.Send(frame.AsSpan(0, length));
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            foreach (var thread in _threads)
                thread.Join();
            _stop.Dispose();
        }
    }
}
