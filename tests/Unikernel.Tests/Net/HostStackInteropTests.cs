using Unikernel.Tool.Build;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Unikernel.Tests.Net;

/// <summary>
/// The network stack against Linux's own: `unikernel hoststack` on a TAP interface inside a
/// network namespace of each test's own (link-local and fd00::/8 addresses only), against
/// Linux's ping, dnsmasq (DHCP), radvd (SLAAC) and netcat (UDP). Needs root, as CI is.
/// </summary>
[Collection("Host stack interop")]
public class HostStackInteropTests
{
    [InteropFact]
    public void Linux_pings_the_host_stack_over_ipv4_and_ipv6_and_learns_its_mac()
    {
        string counters;
        using (var link = new HostStackLink("169.254.77.2/16", "169.254.77.1/16"))
        {
            string linkLocal = Regex.Match(link.Banner, @"ipv6 ([0-9a-f:]+)").Groups[1].Value;
            Assert.Equal(HostStackLink.LinkLocal, linkLocal);

            var ping = link.Ping("169.254.77.2", 20);
            Assert.True(HostStackLink.AllReceived(ping, 20), ping.Output + ping.Error);
            var ping6 = link.Ping(linkLocal + "%uk0", 20);
            Assert.True(HostStackLink.AllReceived(ping6, 20), ping6.Output + ping6.Error);

            string neighbours = link.Space.Run("ip", "neigh", "show", "dev", "uk0").Output;
            Assert.Contains($"169.254.77.2 lladdr {HostStackLink.Mac}", neighbours);
            Assert.Contains($"{linkLocal} lladdr {HostStackLink.Mac}", neighbours);
            counters = link.StopStack();
        }
        var count = HostStackLink.Counters(counters);
        Assert.True(count["replied"] >= 40, counters);
        ulong drops = count.Where(c => c.Key.StartsWith("drop.", StringComparison.Ordinal)).Aggregate(0UL, (sum, c) => sum + c.Value);
        Assert.Equal(count["received"], count["replied"] + count["absorbed"] + drops);
    }

    /// <summary>
    /// dnsmasq on Linux's end of uk0 leases 169.254.77.50-60 for 2 minutes (its minimum) with
    /// T1 8 s and T2 14 s, so hoststack renews within about 10 s of the lease.
    /// </summary>
    [InteropFact]
    public void Dhcp_lease_from_dnsmasq_is_announced_then_renewed_and_the_address_answers_ping()
    {
        NetworkNamespace.Require("dnsmasq", "dnsmasq-base");
        using var link = new HostStackLink("dhcp", "169.254.77.1/24");
        using var files = new TemporaryDirectory();
        var dnsmasq = link.Space.Start("dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--port=0",
            "--interface=uk0", "--except-interface=lo", "--bind-interfaces", "--dhcp-authoritative",
            "--dhcp-range=169.254.77.50,169.254.77.60,255.255.255.0,2m",
            "--dhcp-option=option:T1,8", "--dhcp-option=option:T2,14",
            $"--dhcp-leasefile={files.File("leases")}", $"--pid-file={files.File("dnsmasq.pid")}", "--log-dhcp");
        WithLogOf(dnsmasq, () =>
        {
            dnsmasq.WaitForLine("DHCP, sockets bound exclusively to interface uk0", TimeSpan.FromSeconds(10));

            var leased = link.Stack.WaitForLine(@"^hoststack: ipv4 (169\.254\.77\.(\d+))/(\d+) leased from (\S+) for (\d+) s$", TimeSpan.FromSeconds(15));
            string address = leased.Groups[1].Value;
            Assert.InRange(int.Parse(leased.Groups[2].Value, CultureInfo.InvariantCulture), 50, 60);
            Assert.Equal("24", leased.Groups[3].Value);
            Assert.Equal("169.254.77.1", leased.Groups[4].Value);
            Assert.InRange(int.Parse(leased.Groups[5].Value, CultureInfo.InvariantCulture), 110, 120);
            Assert.Contains($"DHCPACK(uk0) {address} {HostStackLink.Mac}", dnsmasq.Output);

            var renewed = link.Stack.WaitForLine(@"^hoststack: ipv4 (\S+)/(\d+) renewed from (\S+) for (\d+) s$", TimeSpan.FromSeconds(20));
            Assert.Equal(address, renewed.Groups[1].Value);
            Assert.Equal("24", renewed.Groups[2].Value);
            Assert.Equal("169.254.77.1", renewed.Groups[3].Value);
            Assert.InRange(int.Parse(renewed.Groups[4].Value, CultureInfo.InvariantCulture), 110, 120);

            var ping = link.Ping(address, 5);
            Assert.True(HostStackLink.AllReceived(ping, 5), ping.Output + ping.Error);
        });
    }

    /// <summary>
    /// dnsmasq leases hoststack 169.254.77.50 (a static lease for its MAC), which Linux already
    /// holds (on lo, so it answers ARP for it on uk0): hoststack's ARP probe (RFC 5227) gets an
    /// answer, it DECLINEs the address, and ten seconds later takes one from the dynamic range.
    /// </summary>
    [InteropFact]
    public void Dhcp_address_another_host_answers_arp_for_is_declined_and_another_is_leased()
    {
        NetworkNamespace.Require("dnsmasq", "dnsmasq-base");
        using var link = new HostStackLink("dhcp", "169.254.77.1/24");
        link.Space.Run("ip", "addr", "add", "169.254.77.50/32", "dev", "lo");
        using var files = new TemporaryDirectory();
        var dnsmasq = link.Space.Start("dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--port=0",
            "--interface=uk0", "--except-interface=lo", "--bind-interfaces", "--dhcp-authoritative", "--no-ping",
            "--dhcp-range=169.254.77.51,169.254.77.60,255.255.255.0,2m", $"--dhcp-host={HostStackLink.Mac},169.254.77.50",
            $"--dhcp-leasefile={files.File("leases")}", $"--pid-file={files.File("dnsmasq.pid")}", "--log-dhcp");
        WithLogOf(dnsmasq, () =>
        {
            link.Stack.WaitForLine(@"^hoststack: ipv4 169\.254\.77\.50 declined: ", TimeSpan.FromSeconds(10));
            var leased = link.Stack.WaitForLine(@"^hoststack: ipv4 (169\.254\.77\.(\d+))/24 leased from 169\.254\.77\.1 for \d+ s$", TimeSpan.FromSeconds(20));
            Assert.InRange(int.Parse(leased.Groups[2].Value, CultureInfo.InvariantCulture), 51, 60);
            Assert.DoesNotContain("ipv4 169.254.77.50/24 leased", link.Stack.Output);
            Assert.Contains("DHCPDECLINE(uk0) 169.254.77.50", dnsmasq.Output);
        });
    }

    /// <summary>radvd on Linux's end of uk0 advertises fd00:77::/64 (on-link, autonomous) every 3-4 s.</summary>
    [InteropFact]
    public void Slaac_address_from_radvd_is_announced_and_answers_ping6()
    {
        NetworkNamespace.Require("radvd", "radvd");
        using var link = new HostStackLink(null, "fd00:77::1/64");
        link.Space.Run("sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=1"); // radvd refuses to advertise otherwise
        using var files = new TemporaryDirectory();
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
                    AdvValidLifetime 3600;
                    AdvPreferredLifetime 1800;
                };
            };
            """);
        var radvd = link.Space.Start("radvd", "--nodaemon", "--config", files.File("radvd.conf"),
            "--pidfile", files.File("radvd.pid"), "--logmethod", "stderr", "--debug", "1");
        WithLogOf(radvd, () =>
        {
            string router = link.PeerLinkLocal;
            var announced = link.Stack.WaitForLine(@"^hoststack: ipv6 (fd00:77:[0-9a-f:]+)/64 from router (fe80::[0-9a-f:]+), valid (\d+) s$", TimeSpan.FromSeconds(15));
            string global = announced.Groups[1].Value;
            Assert.True(IPAddress.TryParse(global, out var parsed), global);
            Assert.Equal(IPAddress.Parse("fd00:77::").GetAddressBytes()[..8], parsed!.GetAddressBytes()[..8]);
            Assert.Equal(router, announced.Groups[2].Value);
            Assert.Equal("3600", announced.Groups[3].Value);

            var ping6 = link.Ping(global, 20);
            Assert.True(HostStackLink.AllReceived(ping6, 20), ping6.Output + ping6.Error);
        });
    }

    [InteropFact]
    public void Udp_echo_on_port_7_answers_netcat_over_ipv4_and_ipv6()
    {
        NetworkNamespace.Require("nc", "netcat-openbsd");
        using var link = new HostStackLink("169.254.77.2/16", "169.254.77.1/16");
        // nc connects its UDP socket, so only a reply from the address and port it sent to is printed.
        foreach (string target in new[] { "169.254.77.2", HostStackLink.LinkLocal + "%uk0" })
        {
            string line = $"hello over {target} {Guid.NewGuid():N}";
            var nc = link.Space.TryRun("sh", "-c", $"echo '{line}' | nc -u -w 2 {target} 7");
            Assert.True(nc.Output.Trim() == line, $"nc -u {target} 7 printed '{nc.Output.Trim()}' (exit {nc.ExitCode}, {nc.Error.Trim()}), not the echo of '{line}'; hoststack:\n{link.Stack.Output}");
        }
    }

    /// <summary>
    /// A datagram to closed port 9 is refused: Linux turns ICMP port unreachable (IPv4 type 3
    /// code 3) and ICMPv6 destination unreachable code 4 (and only those) into ECONNREFUSED on a
    /// connected socket. The socket is opened inside the namespace. A burst of 100 datagrams
    /// must get fewer than 100 errors back (rate limit), counted by Linux's ICMP statistics.
    /// </summary>
    [InteropFact]
    public void Closed_udp_port_is_refused_with_rate_limited_icmp_over_ipv4_and_ipv6()
    {
        using var link = new HostStackLink("169.254.77.2/16", "169.254.77.1/16");
        Assert.True(HostStackLink.AllReceived(link.Ping("169.254.77.2", 1), 1)); // neighbours known first
        Assert.True(HostStackLink.AllReceived(link.Ping(HostStackLink.LinkLocal + "%uk0", 1), 1));
        long index = long.Parse(Regex.Match(link.Space.Run("ip", "-o", "link", "show", "uk0").Output, @"^(\d+):").Groups[1].Value, CultureInfo.InvariantCulture);
        var targets = new[]
        {
            (Family: "IPv4", Endpoint: new IPEndPoint(IPAddress.Parse("169.254.77.2"), 9), File: "/proc/net/snmp", Counter: @"IcmpMsg:.*"),
            (Family: "IPv6", Endpoint: new IPEndPoint(new IPAddress(IPAddress.Parse(HostStackLink.LinkLocal).GetAddressBytes(), index), 9), File: "/proc/net/snmp6", Counter: "Icmp6InType1"),
        };
        foreach (var target in targets)
        {
            SocketError refused = SocketError.Success;
            link.Space.Inside(() =>
            {
                for (int attempt = 0; attempt < 3 && refused != SocketError.ConnectionRefused; attempt++)
                {
                    using var socket = new Socket(target.Endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 1500 };
                    socket.Connect(target.Endpoint);
                    socket.Send("knock"u8);
                    try
                    {
                        socket.Receive(new byte[64]);
                        refused = SocketError.Success;
                    }
                    catch (SocketException e)
                    {
                        refused = e.SocketErrorCode;
                    }
                }
            });
            Assert.True(refused == SocketError.ConnectionRefused,
                $"{target.Family}: a datagram to {target.Endpoint} got {refused}, not ConnectionRefused (ICMP port unreachable); hoststack:\n{link.Stack.Output}");

            Thread.Sleep(1100); // let a per-second rate limit refill
            ulong before = DestinationUnreachableReceived(link.Space, target.File, target.Family);
            link.Space.Inside(() =>
            {
                using var socket = new Socket(target.Endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                for (int i = 0; i < 100; i++)
                    socket.SendTo("burst"u8, target.Endpoint);
            });
            Thread.Sleep(500);
            ulong errors = DestinationUnreachableReceived(link.Space, target.File, target.Family) - before;
            Assert.True(errors is >= 1 and < 100, $"{target.Family}: 100 datagrams to closed port 9 got {errors} destination unreachable errors back; want at least 1 and fewer than 100 (rate-limited)");
        }
    }

    /// <summary>Linux's count of received destination unreachable messages in the namespace (IcmpMsg InType3, Icmp6InType1).</summary>
    private static ulong DestinationUnreachableReceived(NetworkNamespace space, string file, string family)
    {
        string text = space.Run("cat", file).Output;
        if (family == "IPv6")
        {
            var line = Regex.Match(text, @"(?m)^Icmp6InType1\s+(\d+)");
            return line.Success ? ulong.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        }
        // Two lines: "IcmpMsg: InType0 InType3 ..." then the values; a type not yet seen is not listed.
        var lines = Regex.Matches(text, @"(?m)^IcmpMsg:(.*)$");
        if (lines.Count < 2)
            return 0;
        string[] names = lines[0].Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string[] values = lines[1].Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        int at = Array.IndexOf(names, "InType3");
        return at < 0 ? 0 : ulong.Parse(values[at], CultureInfo.InvariantCulture);
    }

    /// <summary>Runs <paramref name="check"/>; when it fails, the failure also shows the helper program's output.</summary>
    private static void WithLogOf(BackgroundProcess helper, Action check)
    {
        try
        {
            check();
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}\n\n`{helper.CommandLine}` printed:\n{helper.Output}", e);
        }
    }
}

/// <summary>A directory for one test's files (config, lease, pid files), deleted on dispose.</summary>
public sealed class TemporaryDirectory : IDisposable
{
    public TemporaryDirectory() => Path = Directory.CreateTempSubdirectory("unikernel-interop-").FullName;

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
