using Unikernel.Tool.Build;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Unikernel.Tests.Net;

/// <summary>
/// `unikernel hoststack` on the TAP interface uk0 inside a namespace of the test's own: the
/// stack creates uk0 (so it appears in the namespace), then Linux's end of it is brought up
/// with <c>peerAddresses</c>. Disposing stops hoststack and everything else started in the
/// namespace, and deletes it.
/// </summary>
public sealed class HostStackLink : IDisposable
{
    public const string Mac = "02:00:5e:77:00:02";
    /// <summary>The modified EUI-64 link-local address of <see cref="Mac"/> (U/L bit flipped, ff:fe inserted).</summary>
    public const string LinkLocal = "fe80::5eff:fe77:2";

    /// <param name="ipv4">hoststack's --ipv4 (an address/prefix, or "dhcp"); none when null.</param>
    /// <param name="peerAddresses">addresses for Linux's end of uk0, such as 169.254.77.1/16.</param>
    public HostStackLink(string? ipv4, params string[] peerAddresses)
        : this(ipv4, [], peerAddresses)
    {
    }

    /// <param name="stackOptions">more hoststack options, such as --impair 'loss 5%'.</param>
    public HostStackLink(string? ipv4, string[] stackOptions, params string[] peerAddresses)
    {
        Space = new NetworkNamespace();
        try
        {
            string tool = typeof(Unikernel.Tool.Repository).Assembly.Location;
            string[] options = ipv4 is null ? stackOptions : ["--ipv4", ipv4, .. stackOptions];
            Stack = Space.Start(["dotnet", tool, "hoststack", "--tap", "uk0", "--mac", Mac, .. options]);
            Banner = Stack.WaitForLine("^hoststack: uk0 .*", TimeSpan.FromSeconds(30)).Value;
            Space.Run("ip", "link", "set", "lo", "up");
            Space.Run("ip", "link", "set", "uk0", "up");
            foreach (string address in peerAddresses)
                Space.Run("ip", "addr", "add", address, "dev", "uk0");
        }
        catch
        {
            Space.Dispose();
            throw;
        }
    }

    public NetworkNamespace Space { get; }

    public BackgroundProcess Stack { get; }

    /// <summary>hoststack's first line: `hoststack: uk0 mac … ipv6 …`.</summary>
    public string Banner { get; }

    /// <summary>Linux's own link-local address on its end of uk0.</summary>
    public string PeerLinkLocal =>
        Regex.Match(Space.Run("ip", "-6", "-o", "addr", "show", "dev", "uk0", "scope", "link").Output, @"inet6 (fe80::[0-9a-f:]+)/").Groups[1].Value;

    /// <summary>`ping` from the namespace; the interval is in seconds.</summary>
    public Unikernel.Tool.Build.ExternalProcess.Result Ping(string target, int count, string interval = "0.2") =>
        Space.TryRun(["ping", target.Contains(':') ? "-6" : "-4", "-c", count.ToString(CultureInfo.InvariantCulture), "-i", interval, "-W", "2", target]);

    public static bool AllReceived(Unikernel.Tool.Build.ExternalProcess.Result ping, int count) =>
        ping.Output.Contains($"{count} packets transmitted, {count} received", StringComparison.Ordinal);

    /// <summary>Stops hoststack (SIGTERM) and returns all it printed, counters last.</summary>
    public string StopStack() => Stack.Stop();

    /// <summary>The `name value` lines after `hoststack: stopped; counters:`.</summary>
    public static Dictionary<string, ulong> Counters(string output)
    {
        var counters = new Dictionary<string, ulong>();
        int start = output.IndexOf("hoststack: stopped; counters:", StringComparison.Ordinal);
        Assert.True(start >= 0, "hoststack did not print its counters on SIGTERM; output:\n" + output);
        foreach (Match line in Regex.Matches(output[start..], @"(?m)^([a-z0-9.\-]+) (\d+)\r?$"))
            counters[line.Groups[1].Value] = ulong.Parse(line.Groups[2].Value, CultureInfo.InvariantCulture);
        return counters;
    }

    public void Dispose() => Space.Dispose();
}

/// <summary>A fact that needs root and /dev/net/tun (network namespaces, TAP devices): skipped otherwise, run in CI.</summary>
public sealed class InteropFactAttribute : FactAttribute
{
    public InteropFactAttribute()
    {
        if (!NetworkNamespace.Available())
            Skip = "needs root and /dev/net/tun for network namespaces and TAP devices (CI runs as root)";
    }
}

/// <summary>A theory that needs root and /dev/net/tun, as <see cref="InteropFactAttribute"/>.</summary>
public sealed class InteropTheoryAttribute : TheoryAttribute
{
    public InteropTheoryAttribute()
    {
        if (!NetworkNamespace.Available())
            Skip = "needs root and /dev/net/tun for network namespaces and TAP devices (CI runs as root)";
    }
}

/// <summary>The interop tests run one after another: the RTT measurement wants a quiet machine.</summary>
[CollectionDefinition("Host stack interop", DisableParallelization = true)]
public sealed class HostStackInteropCollection;
