using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Unikernel.Tool.Build;

namespace Unikernel.Tests.Net;

/// <summary>
/// Smaller MTUs: hoststack on a 1280-byte link (--mtu 1280, and Linux's end of uk0 the same),
/// 64 MiB each way; and path MTU discovery through a Linux router whose next link carries only
/// 1280 bytes, so that the router's real Packet Too Big makes hoststack's segments shrink.
/// </summary>
public partial class TcpInteropTests
{
    private const int SmallMtu = 1280;

    /// <summary>
    /// 64 MiB uploaded to port 1337 (Linux to hoststack), then the same 64 MiB through the echo on
    /// port 7 (both ways at once: what hoststack sends is checked by SHA-256 on Linux's side). Linux
    /// does not drop an oversized frame a TAP hands it, so hoststack reports the longest frame it
    /// wrote, which must fit the link: 14 bytes of Ethernet header and 1280 of IP.
    /// </summary>
    [InteropTheory]
    [InlineData("IPv4")]
    [InlineData("IPv6")]
    public void Transfer_of_64_MiB_over_a_1280_byte_link_arrives_intact_both_ways(string family)
    {
        NetworkNamespace.Require("nc", "netcat-openbsd");
        using var link = new HostStackLink(Address + "/16", ["--mtu", SmallMtu.ToString(CultureInfo.InvariantCulture)], "169.254.77.1/16");
        link.Space.Run("ip", "link", "set", "uk0", "mtu", SmallMtu.ToString(CultureInfo.InvariantCulture));
        Assert.Contains($"mtu {SmallMtu};", link.Banner, StringComparison.Ordinal);
        string target = family == "IPv4" ? Address : Ipv6Target;
        using var files = new TemporaryDirectory();
        var data = RandomFile(files.File("upload"), 64 * MiB);

        var result = Upload(link, target, data);
        Record($"mtu {SmallMtu} upload ({family})", data, result, link);

        var echo = Echo(link, target, data, files.File("echoed"));
        log.WriteLine($"mtu {SmallMtu} echo ({family}): 64 MiB out and back intact in {echo:0} ms");

        string output = link.StopStack();
        var largest = Regex.Match(output, @"hoststack: largest frame sent (\d+) bytes \(link mtu (\d+)\)");
        Assert.True(largest.Success, "hoststack printed no largest frame line:\n" + Tail(output, 20));
        Assert.Equal(SmallMtu.ToString(CultureInfo.InvariantCulture), largest.Groups[2].Value);
        int frame = int.Parse(largest.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(frame, SmallMtu - 100, 14 + SmallMtu);
    }

    /// <summary>
    /// fd00:77::/64 is hoststack's link (radvd in the link's namespace, which routes); fd00:78::/64
    /// a veth pair to a second namespace, to which the router's route carries 1280 bytes (the link
    /// itself 1500, so the far host's own full-size segments come through). The far host's SYN
    /// offers MSS 1440; hoststack's echo answers in 1500-byte packets, the router sends Packet Too
    /// Big, and the data must still arrive intact, which it cannot unless hoststack lowers its
    /// path MTU and resends in 1220-byte segments.
    /// </summary>
    [InteropFact]
    public void Packet_too_big_from_a_linux_router_shrinks_hoststacks_segments()
    {
        NetworkNamespace.Require("nc", "netcat-openbsd");
        NetworkNamespace.Require("radvd", "radvd");
        using var link = new HostStackLink(null, "fd00:77::1/64");
        using var far = new NetworkNamespace();
        using var files = new TemporaryDirectory();
        var router = link.Space;
        router.Run("sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=1");
        ExternalProcess.Run("creating a veth pair", "ip", ["link", "add", "ukr", "netns", router.Name, "type", "veth", "peer", "name", "ukf", "netns", far.Name]);
        router.Run("ip", "link", "set", "ukr", "up");
        router.Run("ip", "addr", "add", "fd00:78::1/64", "dev", "ukr");
        far.Run("ip", "link", "set", "lo", "up");
        far.Run("ip", "link", "set", "ukf", "up");
        far.Run("ip", "addr", "add", "fd00:78::2/64", "dev", "ukf");
        far.Run("ip", "-6", "route", "add", "fd00:77::/64", "via", "fd00:78::1");
        // The router's route to the far host carries 1280 bytes, locked so forwarding heeds it (net.ipv6.conf.ukr.mtu
        // would do too, but the veth's carrier coming up resets it to the link's 1500).
        router.Run("ip", "-6", "route", "add", "fd00:78::2/128", "dev", "ukr", "mtu", "lock", SmallMtu.ToString(CultureInfo.InvariantCulture));
        File.WriteAllText(files.File("radvd.conf"), """
            interface uk0
            {
                AdvSendAdvert on;
                MinRtrAdvInterval 3;
                MaxRtrAdvInterval 4;
                prefix fd00:77::/64
                {
                    AdvOnLink on;
                    AdvAutonomous on;
                };
            };
            """);
        var radvd = router.Start("radvd", "--nodaemon", "--config", files.File("radvd.conf"),
            "--pidfile", files.File("radvd.pid"), "--logmethod", "stderr");
        var announced = link.Stack.WaitForLine(@"^hoststack: ipv6 (fd00:77:[0-9a-f:]+)/64 from router", TimeSpan.FromSeconds(15));
        string global = announced.Groups[1].Value;

        var data = RandomFile(files.File("echo-in"), 8 * MiB);
        string output = files.File("echo-out");
        var clock = Stopwatch.StartNew();
        using var nc = far.Start("sh", "-c", $"exec nc -N {global} 7 < {data.Path} > {output}");
        bool exited = nc.WaitForExit(TimeSpan.FromSeconds(30));
        double elapsed = clock.Elapsed.TotalMilliseconds;
        string back = File.Exists(output) ? Sha256Of(output) : "none";
        long length = File.Exists(output) ? new FileInfo(output).Length : 0;
        string tooBig = Regex.Match(router.Run("cat", "/proc/net/snmp6").Output, @"Icmp6OutPktTooBigs\s+(\d+)").Groups[1].Value;
        Check(exited && nc.ExitCode == 0 && back == data.Sha256,
            () => $"echo through the router: nc {(exited ? $"exited with {nc.ExitCode}" : "still running after 30 s")}, {length} of {data.Length} bytes came back " +
                $"(sha256 {back}); the router sent {tooBig} Packet Too Big; nc printed: {nc.Output.Trim()}\n{StackReport(link)}");
        Assert.True(int.Parse(tooBig, CultureInfo.InvariantCulture) > 0, "the router sent no Packet Too Big: the path was never too small");
        log.WriteLine($"8 MiB echoed through a 1280-byte hop in {elapsed:0} ms; the router sent {tooBig} Packet Too Big");
        GC.KeepAlive(radvd);
    }

    /// <summary>The file through the TCP echo on port 7; fails unless what comes back hashes the same. Returns the milliseconds taken.</summary>
    private double Echo(HostStackLink link, string target, RandomData data, string output)
    {
        var clock = Stopwatch.StartNew();
        using var nc = link.Space.Start("sh", "-c", $"exec nc -N {target} 7 < {data.Path} > {output}");
        bool exited = nc.WaitForExit(Timeout);
        double elapsed = clock.Elapsed.TotalMilliseconds;
        string back = File.Exists(output) ? Sha256Of(output) : "none";
        long length = File.Exists(output) ? new FileInfo(output).Length : 0;
        Check(exited && nc.ExitCode == 0 && back == data.Sha256,
            () => $"echo over {target}: nc {(exited ? $"exited with {nc.ExitCode}" : "still running after 60 s")}, {length} of {data.Length} bytes came back " +
                $"(sha256 {back}); nc printed: {nc.Output.Trim()}\n{StackReport(link)}");
        return elapsed;
    }

    private static string Sha256Of(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }
}
