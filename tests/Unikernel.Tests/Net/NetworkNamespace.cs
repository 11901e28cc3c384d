using Unikernel.Tool.Build;

namespace Unikernel.Tests.Net;

/// <summary>
/// A network namespace of the test's own, with a unique name, deleted on dispose. Only
/// link-local and test ranges are used inside (169.254.0.0/16, fe80::/64).
/// </summary>
public sealed class NetworkNamespace : IDisposable
{
    public NetworkNamespace()
    {
        Name = "uk" + Guid.NewGuid().ToString("N")[..10];
        ExternalProcess.Run("creating a network namespace", "ip", ["netns", "add", Name]);
        // No duplicate-address detection: the link-local address is usable at once.
        Run("sysctl", "-q", "-w", "net.ipv6.conf.all.accept_dad=0");
        Run("sysctl", "-q", "-w", "net.ipv6.conf.default.accept_dad=0");
    }

    public string Name { get; }

    /// <summary>Runs a command inside the namespace; a non-zero exit fails.</summary>
    public ExternalProcess.Result Run(params string[] command) =>
        ExternalProcess.Run($"running {string.Join(' ', command)} in {Name}", "ip", ["netns", "exec", Name, .. command]);

    public ExternalProcess.Result TryRun(params string[] command) =>
        ExternalProcess.TryRun("ip", ["netns", "exec", Name, .. command]);

    public static bool Available() => Environment.UserName == "root" && File.Exists("/dev/net/tun");

    public void Dispose() => ExternalProcess.TryRun("ip", ["netns", "delete", Name]);
}
