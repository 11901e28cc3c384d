using System.Diagnostics;
using System.Text.RegularExpressions;
using Unikernel.Tool.Emulate;

namespace Unikernel.Tests.Net;

/// <summary>
/// The network stack against Linux's own: `unikernel hoststack` on a TAP interface inside a
/// network namespace of the test's own (link-local addresses only), pinged by Linux over IPv4
/// and IPv6. Needs root, as CI is.
/// </summary>
public class HostStackInteropTests
{
    [Fact]
    public void Linux_pings_the_host_stack_over_ipv4_and_ipv6_and_learns_its_mac()
    {
        Assert.True(NetworkNamespace.Available(), "this test needs root and /dev/net/tun (CI runs as root)");
        using var space = new NetworkNamespace();
        string tool = typeof(Unikernel.Tool.Repository).Assembly.Location;
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in new[] { "netns", "exec", space.Name, "dotnet", tool, "hoststack", "--tap", "uk0", "--ipv4", "169.254.77.2/16", "--mac", "02:00:5e:77:00:02" })
            start.ArgumentList.Add(argument);
        using var stack = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        stack.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        stack.BeginOutputReadLine();
        try
        {
            string banner = WaitFor(output, "hoststack: uk0", TimeSpan.FromSeconds(30));
            string linkLocal = Regex.Match(banner, @"ipv6 ([0-9a-f:]+)").Groups[1].Value;
            Assert.Equal("fe80::5eff:fe77:2", linkLocal); // modified EUI-64 of 02:00:5e:77:00:02 (U/L bit flipped, ff:fe inserted)
            space.Run("ip", "link", "set", "uk0", "up");
            space.Run("ip", "addr", "add", "169.254.77.1/16", "dev", "uk0");

            var ping = space.TryRun("ping", "-c", "20", "-i", "0.2", "-W", "2", "169.254.77.2");
            Assert.True(ping.Output.Contains("20 packets transmitted, 20 received"), ping.Output + ping.Error);
            var ping6 = space.TryRun("ping", "-6", "-c", "20", "-i", "0.2", "-W", "2", linkLocal + "%uk0");
            Assert.True(ping6.Output.Contains("20 packets transmitted, 20 received"), ping6.Output + ping6.Error);

            string neighbours = space.Run("ip", "neigh", "show", "dev", "uk0").Output;
            Assert.Contains("169.254.77.2 lladdr 02:00:5e:77:00:02", neighbours);
            Assert.Contains($"{linkLocal} lladdr 02:00:5e:77:00:02", neighbours);
        }
        finally
        {
            Emulator.Stop(stack);
        }
        string counters = output.ToString();
        ulong Count(string name) => ulong.Parse(Regex.Match(counters, $@"(?m)^{Regex.Escape(name)} (\d+)$").Groups[1].Value);
        Assert.Contains("hoststack: stopped; counters:", counters);
        Assert.True(Count("replied") >= 40, counters);
        ulong drops = 0;
        foreach (Match drop in Regex.Matches(counters, @"(?m)^drop\.[a-z-]+ (\d+)$"))
            drops += ulong.Parse(drop.Groups[1].Value);
        Assert.Equal(Count("received"), Count("replied") + Count("absorbed") + drops);
    }

    private static string WaitFor(System.Text.StringBuilder output, string prefix, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            lock (output)
            {
                string? line = output.ToString().Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
                if (line is not null)
                    return line;
            }
            Thread.Sleep(50);
        }
        throw new TimeoutException($"no line starting with '{prefix}' in {timeout}; output:\n{output}");
    }
}
