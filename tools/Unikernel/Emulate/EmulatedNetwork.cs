using System.Diagnostics;
using System.Text.RegularExpressions;
using Unikernel.Registers.Boards;
using Unikernel.Tool.Build;

namespace Unikernel.Tool.Emulate;

/// <summary>
/// An emulated board on a network of its own: a network namespace with a unique name, a TAP
/// interface in it, and QEMU running the board's SD card image on that TAP. What `demo` and the
/// end-to-end tests stand on. Only link-local addresses are used (fe80::/64, 169.254.0.0/16).
/// Disposing stops QEMU and deletes the namespace, so nothing outlives it.
/// </summary>
public sealed class EmulatedNetwork : IDisposable
{
    public const string Tap = "uk0";

    /// <summary>Linux's address on the TAP when it serves DHCPv4 (<see cref="ServeDhcpv4"/>).</summary>
    public const string HostIpv4 = "169.254.77.1";

    private bool _disposed;
    private readonly ImpairedRelay? _relay;
    private BackgroundProcess? _dhcpServer;

    private EmulatedNetwork(string name, BackgroundProcess qemu, TimeSpan started, ImpairedRelay? relay)
    {
        Namespace = name;
        Qemu = qemu;
        Started = started;
        _relay = relay;
    }

    /// <summary>The namespace: run commands inside with <see cref="Run"/> or <c>ip netns exec</c>.</summary>
    public string Namespace { get; }

    /// <summary>QEMU, its output being the board's console.</summary>
    public BackgroundProcess Qemu { get; }

    /// <summary>When QEMU was started, on <see cref="Clock"/>.</summary>
    public TimeSpan Started { get; }

    public Stopwatch Clock { get; } = Stopwatch.StartNew();

    /// <summary>
    /// Creates the namespace and its TAP and boots <paramref name="image"/> (a board that boots from
    /// an SD card) in QEMU on it. <paramref name="extraQemuArguments"/> go on QEMU's command line.
    /// With <paramref name="impairment"/> (netem's words) the board is joined to the TAP through an
    /// <see cref="ImpairedRelay"/> that impairs what Linux sends it.
    /// </summary>
    public static EmulatedNetwork Start(BuiltImage image, string namePrefix = "uk", IEnumerable<string>? extraQemuArguments = null, string? impairment = null)
    {
        if (Environment.UserName != "root" || !File.Exists("/dev/net/tun"))
            throw new BuildFailure("an emulated network needs root (network namespaces, a TAP device) and /dev/net/tun; run as root");
        string name = namePrefix + Guid.NewGuid().ToString("N")[..10];
        ExternalProcess.Run("creating a network namespace", "ip", ["netns", "add", name]);
        ImpairedRelay? relay = null;
        try
        {
            void Inside(params string[] command) =>
                ExternalProcess.Run($"running {string.Join(' ', command)} in {name}", "ip", ["netns", "exec", name, .. command]);
            Inside("ip", "link", "set", "lo", "up");
            // No duplicate-address detection on our side: the link-local address is usable at once.
            Inside("sysctl", "-q", "-w", "net.ipv6.conf.all.accept_dad=0");
            Inside("sysctl", "-q", "-w", "net.ipv6.conf.default.accept_dad=0");
            string[] nic;
            if (impairment is null)
            {
                Inside("ip", "tuntap", "add", "dev", Tap, "mode", "tap");
                nic = TapArguments(image.Board, Tap);
            }
            else
            {
                relay = new ImpairedRelay(name, Tap, impairment, relayPort: 47001, qemuPort: 47002);
                nic = [.. relay.QemuArguments, .. QemuCommand.Nic(image.Board, ImpairedRelay.Netdev)];
            }
            Inside("ip", "link", "set", Tap, "up");
            var (program, arguments) = QemuCommand.For(image, [.. nic, .. extraQemuArguments ?? []]);
            var clock = Stopwatch.StartNew();
            var qemu = new BackgroundProcess("ip", ["netns", "exec", name, program, .. arguments]);
            return new EmulatedNetwork(name, qemu, clock.Elapsed, relay);
        }
        catch
        {
            relay?.Dispose();
            NamespaceThread.Delete(name);
            throw;
        }
    }

    /// <summary>QEMU's options for the board's NIC on an existing TAP interface.</summary>
    public static string[] TapArguments(BoardFile board, string tap) =>
        ["-netdev", $"tap,id=net0,ifname={tap},script=no,downscript=no", .. QemuCommand.Nic(board, "net0")];

    /// <summary>Waits for the bootloader's link-local address line (<c>[ OK ] IPv6 fe80::... (link-local)</c>) and returns the address.</summary>
    public string WaitForLinkLocal(TimeSpan timeout) =>
        Qemu.WaitForLine(@"\[ OK \] IPv6 (fe80::[0-9a-f:]+) \(link-local\)", timeout).Groups[1].Value;

    /// <summary>
    /// Gives Linux's end of the TAP <see cref="HostIpv4"/>/16 and starts dnsmasq on it, leasing
    /// 169.254.77.50-99 (link-local range, never routed) for its minimum of 2 minutes: a board
    /// that asks by DHCP gets an IPv4 address, for what cannot use a link-local IPv6 address with
    /// its zone (a browser). Returns at once; <see cref="WaitForIpv4"/> waits for the lease.
    /// </summary>
    public void ServeDhcpv4()
    {
        if (_dhcpServer is not null)
            return;
        ExternalProcess.Run("giving the TAP an IPv4 address", "ip", ["netns", "exec", Namespace, "ip", "address", "add", HostIpv4 + "/16", "dev", Tap]);
        string leases = Path.Combine(Path.GetTempPath(), Namespace + ".leases");
        _dhcpServer = new BackgroundProcess("ip", ["netns", "exec", Namespace, "dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null",
            "--user=root", "--port=0", "--log-facility=-", $"--dhcp-leasefile={leases}", $"--pid-file={Path.Combine(Path.GetTempPath(), Namespace + ".dnsmasq.pid")}",
            $"--interface={Tap}", "--bind-interfaces", "--dhcp-range=169.254.77.50,169.254.77.99,255.255.0.0,2m"]);
        _dhcpServer.WaitForLine("DHCP, sockets bound exclusively to interface", TimeSpan.FromSeconds(10));
    }

    /// <summary>Waits for a program's DHCP line (<c>[ OK ] IPv4 169.254.77.50/16 (DHCP)</c>, as the bootloader prints it) and returns the address.</summary>
    public string WaitForIpv4(TimeSpan timeout, int after = 0) =>
        Qemu.WaitForLine(@"\[ OK \] IPv4 (169\.254\.\d+\.\d+)/\d+ \(DHCP\)", timeout, after).Groups[1].Value;

    /// <summary>The address with the zone for the TAP, as ping6, nc and `unikernel upload` take it.</summary>
    public static string Scoped(string linkLocal) => $"{linkLocal}%{Tap}";

    /// <summary>Runs a command inside the namespace and returns its result (no exception on a non-zero exit).</summary>
    public ExternalProcess.Result Run(params string[] command) =>
        ExternalProcess.TryRun("ip", ["netns", "exec", Namespace, .. command]);

    /// <summary>Runs <paramref name="action"/> on a thread inside the namespace (its sockets are the namespace's).</summary>
    public void Inside(Action action) => NamespaceThread.Run(Namespace, action);

    /// <summary>The last console line matching <paramref name="pattern"/> after <paramref name="after"/> lines, waiting up to <paramref name="timeout"/>.</summary>
    public Match WaitForConsole(string pattern, TimeSpan timeout, int after = 0) => Qemu.WaitForLine(pattern, timeout, after);

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        try
        {
            Qemu.Dispose();
            _relay?.Dispose();
            _dhcpServer?.Dispose();
        }
        finally
        {
            NamespaceThread.Delete(Namespace);
        }
    }
}
