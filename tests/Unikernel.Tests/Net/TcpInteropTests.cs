using Unikernel.Tool.Build;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Unikernel.Tests.Net;

/// <summary>
/// hoststack's TCP against Linux's: netcat uploads random data to port 1337 (hoststack prints
/// its length and SHA-256 when the peer closes) over IPv4 and IPv6, through netem impairments
/// (loss, reordering, duplication, jitter, corruption), with Linux's TCP options off, 16 at
/// once, and under a bounded SYN flood from the namespace's own address; TCP echo on port 7;
/// a closed port refused with a RST. Transfer times are printed and appended to
/// build/measurements/tcp-netem.txt. Needs root, as CI is.
/// </summary>
[Collection("Host stack interop")]
public partial class TcpInteropTests(ITestOutputHelper log)
{
    private const string Address = "169.254.77.2";
    private const string Ipv6Target = HostStackLink.LinkLocal + "%uk0";
    private const int MiB = 1 << 20;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private const string UploadLine = @"^hoststack: tcp 1337 (?:received (\d+) bytes sha256 ([0-9a-f]{64}) in (\d+) ms|reset by the peer after (\d+) bytes)$";

    [InteropTheory]
    [InlineData("IPv4")]
    [InlineData("IPv6")]
    public void Upload_of_64_MiB_arrives_intact(string family)
    {
        using var link = NewLink();
        using var files = new TemporaryDirectory();
        var data = RandomFile(files.File("upload"), 64 * MiB);
        var result = Upload(link, family == "IPv4" ? Address : Ipv6Target, data);
        Record($"none ({family})", data, result, link);
    }

    /// <summary>
    /// netem on the namespace's end of uk0 impairs what Linux sends (the data segments); the
    /// upload must still arrive intact: hoststack's checksums drop corrupted segments, and
    /// its reassembly copes with loss, reordering and duplicates. Where the kernel has no netem
    /// qdisc (this VM's), hoststack applies the same profile to what it receives (--impair).
    /// </summary>
    [InteropTheory]
    [InlineData("loss 5%")]
    [InlineData("delay 10ms reorder 25% 50%")]
    [InlineData("duplicate 5%")]
    [InlineData("delay 20ms 5ms")]
    [InlineData("corrupt 0.1%")]
    public void Upload_through_netem_arrives_intact(string profile)
    {
        NetworkNamespace.Require("tc", "iproute2");
        bool kernelNetem = NetemProbe.Missing.Value is null;
        using var link = kernelNetem ? NewLink() : NewLink(["--impair", profile]);
        if (kernelNetem)
        {
            link.Space.Run(["tc", "qdisc", "add", "dev", "uk0", "root", "netem", .. profile.Split(' ')]);
            Assert.Contains("netem", link.Space.Run("tc", "qdisc", "show", "dev", "uk0").Output);
        }
        using var files = new TemporaryDirectory();
        var data = RandomFile(files.File("upload"), 8 * MiB);
        var result = Upload(link, Address, data);
        if (kernelNetem)
            log.WriteLine(link.Space.Run("tc", "-s", "qdisc", "show", "dev", "uk0").Output.Trim());
        Record($"{(kernelNetem ? "netem" : "hoststack --impair")} {profile}", data, result, link);
    }

    /// <summary>Linux's SACK, timestamps or window scaling off in the namespace (the sysctls are per namespace).</summary>
    [InteropTheory]
    [InlineData("net.ipv4.tcp_sack")]
    [InlineData("net.ipv4.tcp_timestamps")]
    [InlineData("net.ipv4.tcp_window_scaling")]
    public void Upload_with_a_linux_tcp_option_off_arrives_intact(string sysctl)
    {
        using var link = NewLink();
        link.Space.Run("sysctl", "-q", "-w", sysctl + "=0");
        Assert.Equal("0", link.Space.Run("sysctl", "-n", sysctl).Output.Trim());
        using var files = new TemporaryDirectory();
        var data = RandomFile(files.File("upload"), 16 * MiB);
        var result = Upload(link, Address, data);
        Record($"{sysctl}=0", data, result, link);
    }

    /// <summary>16 netcat uploads at once, 4 MiB of different data each (hoststack has 32 TCP connections).</summary>
    [InteropFact]
    public void Sixteen_parallel_uploads_all_arrive_intact()
    {
        const int count = 16;
        using var link = NewLink();
        using var files = new TemporaryDirectory();
        var data = Enumerable.Range(0, count).Select(i => RandomFile(files.File($"upload{i}"), 4 * MiB)).ToArray();
        int after = link.Stack.LineCount;
        var clock = Stopwatch.StartNew();
        var senders = data.Select(d => StartNetcat(link, Address, 1337, d.Path)).ToArray();

        var lines = new List<Match>();
        while (clock.Elapsed < Timeout)
        {
            lines = UploadLines(link.Stack, after);
            if (lines.Count >= count)
                break;
            Thread.Sleep(50);
        }
        double wall = clock.Elapsed.TotalMilliseconds;
        bool allExited = senders.All(s => s.WaitForExit(TimeSpan.FromSeconds(5)));
        var received = lines.Where(l => l.Groups[1].Success).Select(l => (long.Parse(l.Groups[1].Value, CultureInfo.InvariantCulture), l.Groups[2].Value)).ToList();
        var expected = data.Select(d => (d.Length, d.Sha256)).ToList();
        string Details() => $"{received.Count}/{count} received lines after {wall:0} ms; nc exited: {allExited}\n" +
            string.Join('\n', senders.Select((s, i) => $"nc #{i}: {(s.HasExited ? $"exit {s.ExitCode}" : "running")} {s.Output.Trim()}")) +
            $"\n{StackReport(link)}";
        Check(lines.Count == count && received.Count == count, Details);
        Check(expected.Order().SequenceEqual(received.Order()), () => "the received lengths and hashes differ from what was sent:\n" +
            string.Join('\n', expected.Order().Zip(received.Order(), (e, r) => $"sent {e.Item1} {e.Item2} received {r.Item1} {r.Item2}")) + "\n" + Details());
        Check(senders.All(s => s.ExitCode == 0), Details);
        long bytes = data.Sum(d => d.Length);
        log.WriteLine($"{count} parallel uploads of 4 MiB: {wall:0} ms wall, {bytes / 1e6 / (wall / 1000):0.0} MB/s in total");
        AppendMeasurement($"{"16 parallel x 4 MiB",-34} | {bytes / MiB,4} MiB | hoststack {"-",6} ms | wall {wall,7:0} ms | {bytes / 1e6 / (wall / 1000),7:0.0} MB/s | Linux retransmitted {RetransmittedSegments(link.Space)} segments");
    }

    /// <summary>
    /// `./unikernel upload` wraps a raw file in the image header and hoststack checks it as the
    /// bootloader will (header, length, SHA-256): "ok" over IPv6 link-local; a damaged image is
    /// refused with its reason, and the connection's reply is what the tool prints.
    /// </summary>
    [InteropFact]
    public void Upload_tool_gets_the_verdict_of_hoststacks_image_check()
    {
        using var link = NewLink();
        using var files = new TemporaryDirectory();
        var data = RandomFile(files.File("kernel.bin"), 1 * MiB);
        string tool = typeof(Unikernel.Tool.Repository).Assembly.Location;
        var good = link.Space.TryRun("dotnet", tool, "upload", data.Path, "--to", HostStackLink.LinkLocal + "%uk0", "--load", "0x42000000");
        Check(good.ExitCode == 0 && good.Output.Contains($"ok {1 * MiB} sha256 {data.Sha256}", StringComparison.Ordinal),
            () => $"upload exit {good.ExitCode}:\n{good.Output}{good.Error}\n{StackReport(link)}");

        // The same image with one payload byte changed: refused with the hash it got.
        byte[] image = new byte[Unikernel.Boot.Image.KernelImage.FixedHeaderLength + 4096];
        Random.Shared.NextBytes(image.AsSpan(Unikernel.Boot.Image.KernelImage.FixedHeaderLength));
        Unikernel.Boot.Image.KernelImage.Emit(image, 0x42000000, 0x42000000, image.AsSpan(Unikernel.Boot.Image.KernelImage.FixedHeaderLength));
        image[^1] ^= 1;
        string bad = files.File("bad.img");
        File.WriteAllBytes(bad, image);
        // The tool refuses to send it (it checks the hash first) ...
        var refused = link.Space.TryRun("dotnet", tool, "upload", bad, "--to", Address);
        Check(refused.ExitCode == 1 && (refused.Output + refused.Error).Contains("its payload hashes to", StringComparison.Ordinal),
            () => $"upload of a damaged image: exit {refused.ExitCode}:\n{refused.Output}{refused.Error}");
        // ... so it goes the seed's way, with nc: hoststack answers on the connection why it refuses it.
        var netcat = link.Space.TryRun("sh", "-c", $"nc -N -w 5 {Address} 1337 < {bad}");
        Check(netcat.Output.StartsWith("error: sha256 mismatch: received ", StringComparison.Ordinal),
            () => $"nc got: {netcat.Output}{netcat.Error}\n{StackReport(link)}");
    }

    /// <summary>100 KiB of random data through the TCP echo on port 7 comes back unchanged, over IPv4 and IPv6.</summary>
    [InteropFact]
    public void Tcp_echo_on_port_7_returns_100_KiB_unchanged_over_ipv4_and_ipv6()
    {
        using var link = NewLink();
        using var files = new TemporaryDirectory();
        var data = RandomFile(files.File("echo-in"), 100 * 1024);
        foreach (string target in new[] { Address, Ipv6Target })
        {
            string output = files.File("echo-out");
            using var nc = link.Space.Start("sh", "-c", $"exec nc -N {target} 7 < {data.Path} > {output}");
            bool exited = nc.WaitForExit(Timeout);
            byte[] sent = File.ReadAllBytes(data.Path);
            byte[] back = File.Exists(output) ? File.ReadAllBytes(output) : [];
            int firstDifference = Enumerable.Range(0, Math.Min(sent.Length, back.Length)).FirstOrDefault(i => sent[i] != back[i], -1);
            Check(exited && nc.ExitCode == 0 && back.AsSpan().SequenceEqual(sent),
                () => $"echo over {target}: nc {(exited ? $"exited with {nc.ExitCode}" : "still running after 60 s")}, {back.Length} of {sent.Length} bytes came back" +
                (firstDifference >= 0 ? $", first difference at byte {firstDifference}" : "") + $"; nc printed: {nc.Output.Trim()}\n{StackReport(link)}");
            File.Delete(output);
        }
    }

    /// <summary>
    /// A bounded SYN flood (20000 SYNs 100 µs apart, from the namespace's own address to port
    /// 1337 with incrementing source ports) while a 16 MiB upload runs: the upload completes
    /// intact. The namespace has only lo and uk0 and routes only 169.254.0.0/16, so the flood
    /// cannot leave it.
    /// </summary>
    [InteropFact]
    public void Upload_completes_intact_during_a_syn_flood()
    {
        NetworkNamespace.Require("hping3", "hping3");
        using var link = NewLink();
        string links = link.Space.Run("ip", "-o", "link", "show").Output;
        var names = Regex.Matches(links, @"^\d+: ([^:@]+)[:@]", RegexOptions.Multiline).Select(m => m.Groups[1].Value).Order().ToArray();
        Assert.Equal(["lo", "uk0"], names);
        string routes = link.Space.Run("ip", "-4", "route", "show").Output;
        Assert.DoesNotContain("default", routes);

        using var files = new TemporaryDirectory();
        var data = RandomFile(files.File("upload"), 16 * MiB);
        using var flood = link.Space.Start("hping3", "-q", "-S", "-p", "1337", "-i", "u100", "-c", "20000", Address);
        Thread.Sleep(300); // the flood is under way before the upload connects
        Assert.False(flood.HasExited, $"hping3 ended at once: {flood.Output}");
        UploadResult result;
        try
        {
            result = Upload(link, Address, data);
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}\n\nhping3 printed:\n{Tail(flood.Output, 20)}", e);
        }
        bool floodRunning = !flood.HasExited;
        Assert.True(flood.WaitForExit(Timeout), "hping3 did not finish its 20000 SYNs within 60 s");
        log.WriteLine($"hping3: {Tail(flood.Output, 4).Trim()}");
        log.WriteLine($"the upload finished while the flood was {(floodRunning ? "still running" : "over")}");
        Record("SYN flood (hping3 20000 SYNs)", data, result, link);
        // How often the table was full (SYN cookies instead of entries), printed when hoststack stops.
        log.WriteLine(Regex.Match(link.StopStack(), @"hoststack: tcp syn cookies sent .*").Value.Trim());
    }

    /// <summary>A connection to a closed port is refused (hoststack answers the SYN with a RST), over IPv4 and IPv6.</summary>
    [InteropFact]
    public void Closed_tcp_port_is_refused()
    {
        using var link = NewLink();
        foreach (string target in new[] { Address, Ipv6Target })
        {
            var clock = Stopwatch.StartNew();
            var nc = link.Space.TryRun("nc", "-zv", "-w", "5", target, "1338");
            double seconds = clock.Elapsed.TotalSeconds;
            Check(nc.ExitCode != 0 && nc.Error.Contains("refused", StringComparison.Ordinal) && seconds < 4,
                () => $"nc -z {target} 1338: exit {nc.ExitCode} after {seconds:0.0} s, printed: {(nc.Output + nc.Error).Trim()}; want a quick 'Connection refused'\n{StackReport(link)}");
        }
    }

    private static HostStackLink NewLink(string[]? stackOptions = null)
    {
        NetworkNamespace.Require("nc", "netcat-openbsd");
        return new HostStackLink(Address + "/16", stackOptions ?? [], "169.254.77.1/16");
    }

    public sealed record RandomData(string Path, long Length, string Sha256);

    public sealed record UploadResult(long HostStackMilliseconds, double WallMilliseconds);

    /// <summary>A file of random bytes and its SHA-256.</summary>
    private static RandomData RandomFile(string path, int length)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var chunk = new byte[MiB];
        using (var file = File.Create(path))
        {
            for (int written = 0; written < length; written += chunk.Length)
            {
                int size = Math.Min(chunk.Length, length - written);
                RandomNumberGenerator.Fill(chunk.AsSpan(0, size));
                hash.AppendData(chunk, 0, size);
                file.Write(chunk, 0, size);
            }
        }
        return new RandomData(path, length, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    /// <summary>`nc -N target port &lt; file` in the namespace: -N shuts the write side down at the end of the file.</summary>
    private static BackgroundProcess StartNetcat(HostStackLink link, string target, int port, string file) =>
        link.Space.Start("sh", "-c", $"exec nc -N {target} {port} < {file}");

    /// <summary>One upload to port 1337; fails unless hoststack prints the same length and SHA-256 within the timeout.</summary>
    private static UploadResult Upload(HostStackLink link, string target, RandomData data)
    {
        int after = link.Stack.LineCount;
        var clock = Stopwatch.StartNew();
        using var nc = StartNetcat(link, target, 1337, data.Path);
        Match line;
        try
        {
            line = link.Stack.WaitForLine(UploadLine, Timeout, after);
        }
        catch (TimeoutException)
        {
            bool exited = nc.HasExited;
            string report = StackReport(link);
            throw new Xunit.Sdk.XunitException($"no upload line from hoststack within {Timeout.TotalSeconds:0} s for {data.Length} bytes to {target}; " +
                $"{UploadPhase(link.Stack.Output, after)}; nc {(exited ? $"exited with {nc.ExitCode}" : "was still running")}, printed: {nc.Output.Trim()}\n{report}");
        }
        double wall = clock.Elapsed.TotalMilliseconds;
        bool ncExited = nc.WaitForExit(TimeSpan.FromSeconds(10));
        string Details() => $"hoststack printed '{line.Value}' for {data.Length} bytes sha256 {data.Sha256} sent to {target}; " +
            $"nc {(ncExited ? $"exited with {nc.ExitCode}" : "was still running 10 s later")}, printed: {nc.Output.Trim()}\n{StackReport(link)}";
        Check(line.Groups[1].Success, Details);
        Check(long.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture) == data.Length && line.Groups[2].Value == data.Sha256, Details);
        Check(ncExited && nc.ExitCode == 0, Details);
        return new UploadResult(long.Parse(line.Groups[3].Value, CultureInfo.InvariantCulture), wall);
    }

    /// <summary>Fails with the message, built only then (it stops hoststack to show its counters).</summary>
    private static void Check(bool condition, Func<string> message)
    {
        if (!condition)
            Assert.Fail(message());
    }

    private static List<Match> UploadLines(BackgroundProcess stack, int after)
    {
        var regex = new Regex(UploadLine);
        return stack.Output.Split('\n').Skip(after).Select(l => regex.Match(l.TrimEnd('\r'))).Where(m => m.Success).ToList();
    }

    /// <summary>
    /// Where an upload that printed no line stalled, from what hoststack printed after
    /// <paramref name="after"/> (and on stopping): never accepted (the handshake did not
    /// complete), or accepted and how far its data got.
    /// </summary>
    private static string UploadPhase(string stackOutput, int after)
    {
        string[] lines = stackOutput.Split('\n').Skip(after).Select(l => l.TrimEnd('\r')).ToArray();
        if (!lines.Any(l => l.EndsWith("accepted an upload", StringComparison.Ordinal)))
            return "stalled in the handshake: hoststack never accepted the upload's connection";
        string? pending = lines.FirstOrDefault(l => l.Contains("upload not finished:", StringComparison.Ordinal));
        return pending is null
            ? "hoststack accepted the upload, and had no unfinished upload when it stopped"
            : $"stalled after the handshake: {pending["hoststack: ".Length..]}";
    }

    /// <summary>
    /// hoststack's output and its counters, after stopping it: for failure messages. The drop
    /// lines (a flood makes thousands) are counted by reason, the other lines shown.
    /// </summary>
    private static string StackReport(HostStackLink link)
    {
        const string Drop = "hoststack: drop ";
        string output = link.StopStack();
        int counters = output.IndexOf("hoststack: stopped; counters:", StringComparison.Ordinal);
        string before = counters >= 0 ? output[..counters] : output;
        string after = counters >= 0 ? output[counters..] : "(no counters: hoststack did not stop cleanly)";
        var lines = before.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToArray();
        string drops = string.Join(", ", lines.Where(l => l.StartsWith(Drop, StringComparison.Ordinal))
            .GroupBy(l => l[Drop.Length..]).Select(g => $"{g.Key} {g.Count()}"));
        string others = string.Join('\n', lines.Where(l => !l.StartsWith(Drop, StringComparison.Ordinal)));
        return $"hoststack printed (drop lines by reason: {(drops.Length > 0 ? drops : "none")}; the last 60 other lines):\n{Tail(others, 60)}\n{after}";
    }

    private static string Tail(string text, int lines)
    {
        string[] all = text.Split('\n');
        return all.Length <= lines ? text : $"[{all.Length - lines} lines left out]\n" + string.Join('\n', all[^lines..]);
    }

    /// <summary>Linux's retransmitted TCP segments in the namespace (/proc/net/snmp, Tcp: RetransSegs).</summary>
    private static string RetransmittedSegments(NetworkNamespace space)
    {
        var lines = Regex.Matches(space.Run("cat", "/proc/net/snmp").Output, @"(?m)^Tcp:(.*)$");
        if (lines.Count < 2)
            return "?";
        string[] names = lines[0].Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string[] values = lines[1].Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        int at = Array.IndexOf(names, "RetransSegs");
        return at < 0 ? "?" : values[at];
    }

    private void Record(string profile, RandomData data, UploadResult result, HostStackLink link)
    {
        double rate = data.Length / 1e6 / (Math.Max(1, result.HostStackMilliseconds) / 1000.0);
        string retransmitted = RetransmittedSegments(link.Space);
        log.WriteLine($"{profile}: {data.Length / MiB} MiB intact in {result.HostStackMilliseconds} ms (hoststack's clock, {rate:0.0} MB/s), " +
            $"{result.WallMilliseconds:0} ms from starting nc to the line; Linux retransmitted {retransmitted} segments");
        AppendMeasurement($"{profile,-34} | {data.Length / MiB,4} MiB | hoststack {result.HostStackMilliseconds,6} ms | wall {result.WallMilliseconds,7:0} ms | {rate,7:0.0} MB/s | Linux retransmitted {retransmitted} segments");
    }

    private static void AppendMeasurement(string line)
    {
        string directory = Path.Combine(Unikernel.Tool.Repository.FindRoot(), "build", "measurements");
        Directory.CreateDirectory(directory);
        File.AppendAllText(Path.Combine(directory, "tcp-netem.txt"),
            string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC | {line}\n"));
    }
}

/// <summary>
/// Whether the kernel has the netem qdisc (CONFIG_NET_SCH_NETEM, module sch_netem): probed once
/// by adding it to lo in a namespace of its own (deleted at once). Null when it has; else why not.
/// </summary>
public static class NetemProbe
{
    public static readonly Lazy<string?> Missing = new(Probe);

    private static string? Probe()
    {
        if (!File.Exists("/usr/sbin/tc") && !File.Exists("/sbin/tc") && !File.Exists("/usr/bin/tc"))
            return null;
        string name = "ukprobe" + Guid.NewGuid().ToString("N")[..8];
        var created = Unikernel.Tool.Build.ExternalProcess.TryRun("ip", ["netns", "add", name]);
        if (created.ExitCode != 0)
            return null; // the test itself will say what is wrong
        try
        {
            var netem = Unikernel.Tool.Build.ExternalProcess.TryRun("ip", ["netns", "exec", name, "tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms"]);
            return netem.ExitCode == 0 ? null
                : $"the kernel has no netem qdisc (CONFIG_NET_SCH_NETEM, module sch_netem; `tc qdisc add ... netem` said: {(netem.Output + netem.Error).Trim()})";
        }
        finally
        {
            Unikernel.Tool.Build.ExternalProcess.TryRun("ip", ["netns", "delete", name]);
        }
    }
}
