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

    private bool _disposed;
    private readonly ImpairedRelay? _relay;

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
        }
        finally
        {
            NamespaceThread.Delete(Namespace);
        }
    }
}
