using Unikernel.Tool.Build;

namespace Unikernel.Tool.Bench;

/// <summary>
/// A network namespace the bench creates for one row, with a unique name, and deletes on
/// dispose after stopping everything started in it. The bench's traffic never leaves its
/// namespaces, and uses only link-local addresses (169.254.0.0/16, fe80::/64).
/// The same idea as the tests' NetworkNamespace (tests/Unikernel.Tests/Net), kept here so the
/// tool does not depend on the test project.
/// </summary>
public sealed class BenchNamespace : IDisposable
{
    private static readonly List<BenchNamespace> Live = [];
    private readonly List<BackgroundProcess> _started = [];
    private bool _deleted;

    public BenchNamespace()
    {
        Name = "ukb" + Guid.NewGuid().ToString("N")[..10];
        ExternalProcess.Run("creating a network namespace", "ip", ["netns", "add", Name]);
        lock (Live)
            Live.Add(this);
        // No duplicate-address detection: link-local addresses are usable at once.
        Run("sysctl", "-q", "-w", "net.ipv6.conf.all.accept_dad=0");
        Run("sysctl", "-q", "-w", "net.ipv6.conf.default.accept_dad=0");
        Run("ip", "link", "set", "lo", "up");
    }

    public string Name { get; }

    /// <summary>The bench needs root (namespaces) and /dev/net/tun (TAP devices).</summary>
    public static string? WhyUnavailable() =>
        Environment.UserName != "root" ? "bench needs root: it creates network namespaces and TAP devices (run it with sudo)"
        : !File.Exists("/dev/net/tun") ? "bench needs /dev/net/tun for TAP devices (modprobe tun)"
        : null;

    /// <summary>Runs a command inside the namespace; a non-zero exit fails.</summary>
    public ExternalProcess.Result Run(params string[] command) =>
        ExternalProcess.Run($"running `{string.Join(' ', command)}` in {Name}", "ip", ["netns", "exec", Name, .. command]);

    /// <summary>Starts a long-running command inside; it is stopped on dispose.</summary>
    public BackgroundProcess Start(params string[] command)
    {
        var process = new BackgroundProcess("ip", ["netns", "exec", Name, .. command]);
        lock (_started)
            _started.Add(process);
        return process;
    }

    /// <summary>Brings Linux's end of an interface up with the given addresses.</summary>
    public void Address(string device, params string[] addresses)
    {
        Run("ip", "link", "set", device, "up");
        foreach (string address in addresses)
            Run("ip", "addr", "add", address, "dev", device);
    }

    /// <summary>A veth pair from this namespace (<paramref name="here"/>) to <paramref name="other"/> (<paramref name="there"/>).</summary>
    public void Veth(string here, BenchNamespace other, string there) =>
        Run("ip", "link", "add", here, "type", "veth", "peer", "name", there, "netns", other.Name);

    /// <summary>Waits until something in the namespace listens on a TCP port.</summary>
    public void WaitListening(int port, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!ExternalProcess.TryRun("ip", ["netns", "exec", Name, "ss", "-Hltn", $"sport = :{port}"]).Output.Contains($":{port}", StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline)
                throw new BenchFailure($"nothing listens on tcp {port} in {Name} after {timeout.TotalSeconds:0} s");
            Thread.Sleep(20);
        }
    }

    /// <summary>Deletes every namespace still alive (on SIGTERM or Ctrl-C): nothing is left behind.</summary>
    public static void DeleteAll()
    {
        BenchNamespace[] live;
        lock (Live)
            live = [.. Live];
        foreach (var space in live)
            space.Dispose();
    }

    public void Dispose()
    {
        BackgroundProcess[] started;
        lock (_started)
        {
            if (_deleted)
                return;
            _deleted = true;
            started = [.. _started];
        }
        for (int i = started.Length - 1; i >= 0; i--)
            started[i].Dispose();
        // Anything else still inside is ours too (a sender left behind by a failed step).
        foreach (string pid in ExternalProcess.TryRun("ip", ["netns", "pids", Name]).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            ExternalProcess.TryRun("kill", ["-KILL", pid.Trim()]);
        ExternalProcess.TryRun("ip", ["netns", "delete", Name]);
        lock (Live)
            Live.Remove(this);
    }
}
