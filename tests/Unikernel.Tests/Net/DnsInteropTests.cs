using Unikernel.Tool.Build;
using System.Text.RegularExpressions;

namespace Unikernel.Tests.Net;

/// <summary>
/// hoststack's DNS resolver against dnsmasq's DNS server, in a namespace of the test's own:
/// the server learnt from a router advertisement (radvd's RDNSS) or from DHCP (dnsmasq's
/// option 6), then `--resolve board.test` asks it for A and AAAA. Needs root, as CI is.
/// </summary>
[Collection("Host stack interop")]
public class DnsInteropTests
{
    private const string Name = "board.test";
    private const string Ipv4Answer = "169.254.77.7";
    private const string Ipv6Answer = "fd00:77::7";

    /// <summary>dnsmasq as a DNS server only for <see cref="Name"/> (nothing forwarded, no hosts file), with its queries logged.</summary>
    private static string[] DnsServer(TemporaryDirectory files, params string[] more) =>
    [
        "dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--bind-interfaces",
        $"--host-record={Name},{Ipv4Answer},{Ipv6Answer}", "--log-queries", $"--pid-file={files.File("dnsmasq.pid")}", .. more,
    ];

    [InteropFact]
    public void Name_resolves_through_the_dns_server_a_router_advertisement_names()
    {
        NetworkNamespace.Require("radvd", "radvd");
        NetworkNamespace.Require("dnsmasq", "dnsmasq-base");
        using var link = new HostStackLink(null, ["--resolve", Name], "fd00:77::1/64");
        link.Space.Run("ip", "addr", "add", "fd00:77::53/64", "dev", "uk0", "nodad");
        link.Space.Run("sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=1"); // radvd refuses to advertise otherwise
        using var files = new TemporaryDirectory();
        var dnsmasq = link.Space.Start(DnsServer(files, "--listen-address=fd00:77::53", "--port=53"));
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
                RDNSS fd00:77::53
                {
                    AdvRDNSSLifetime 600;
                };
            };
            """);
        var radvd = link.Space.Start("radvd", "--nodaemon", "--config", files.File("radvd.conf"),
            "--pidfile", files.File("radvd.pid"), "--logmethod", "stderr");
        WithLogsOf([dnsmasq, radvd], link, () =>
        {
            var learnt = link.Stack.WaitForLine(@"^hoststack: dns server (\S+) from (\S+), valid (\d+) s$", TimeSpan.FromSeconds(15));
            Assert.Equal("fd00:77::53", learnt.Groups[1].Value);
            Assert.Equal(link.PeerLinkLocal, learnt.Groups[2].Value);
            Assert.Equal("600", learnt.Groups[3].Value);

            AssertResolved(link);
            Assert.Matches(@$"query\[A\] {Regex.Escape(Name)} from fd00:77::", dnsmasq.Output);
            Assert.Matches(@$"query\[AAAA\] {Regex.Escape(Name)} from fd00:77::", dnsmasq.Output);
        });
    }

    [InteropFact]
    public void Name_resolves_through_the_dns_server_dhcp_names()
    {
        NetworkNamespace.Require("dnsmasq", "dnsmasq-base");
        using var link = new HostStackLink("dhcp", ["--resolve", Name], "169.254.77.1/24");
        using var files = new TemporaryDirectory();
        var dnsmasq = link.Space.Start(DnsServer(files, "--interface=uk0", "--except-interface=lo", "--dhcp-authoritative",
            "--dhcp-range=169.254.77.50,169.254.77.60,255.255.255.0,2m", "--dhcp-option=option:dns-server,169.254.77.1",
            $"--dhcp-leasefile={files.File("leases")}"));
        WithLogsOf([dnsmasq], link, () =>
        {
            var learnt = link.Stack.WaitForLine(@"^hoststack: dns server (\S+) from (\S+), valid (\d+) s$", TimeSpan.FromSeconds(15));
            Assert.Equal("169.254.77.1", learnt.Groups[1].Value);
            Assert.Equal("169.254.77.1", learnt.Groups[2].Value);

            AssertResolved(link);
            Assert.Matches(@$"query\[A\] {Regex.Escape(Name)} from 169\.254\.77\.", dnsmasq.Output);
        });
    }

    private static void AssertResolved(HostStackLink link)
    {
        var a = link.Stack.WaitForLine(@$"^hoststack: resolve(d)? {Regex.Escape(Name)} \(A\)(: | failed: )(.*)$", TimeSpan.FromSeconds(10));
        Assert.Equal($"hoststack: resolved {Name} (A): {Ipv4Answer}", a.Value.TrimEnd());
        var aaaa = link.Stack.WaitForLine(@$"^hoststack: resolve(d)? {Regex.Escape(Name)} \(AAAA\)(: | failed: )(.*)$", TimeSpan.FromSeconds(10));
        Assert.Equal($"hoststack: resolved {Name} (AAAA): {Ipv6Answer}", aaaa.Value.TrimEnd());
    }

    /// <summary>Runs <paramref name="check"/>; when it fails, the failure also shows what the helpers and hoststack printed.</summary>
    private static void WithLogsOf(BackgroundProcess[] helpers, HostStackLink link, Action check)
    {
        try
        {
            check();
        }
        catch (Exception e)
        {
            string logs = string.Join("\n\n", helpers.Select(h => $"`{h.CommandLine}` printed:\n{h.Output}"));
            throw new Xunit.Sdk.XunitException($"{e.Message}\n\n{logs}\n\nhoststack printed:\n{link.Stack.Output}", e);
        }
    }
}
