using Unikernel.Tool.Build;
using Unikernel.Tool.Emulate;

namespace Unikernel.Tests.Net;

/// <summary>
/// A network namespace of the test's own, with a unique name. Disposing stops the programs
/// started in it, then deletes it. Only link-local and test ranges are used inside
/// (169.254.0.0/16, fe80::/64, fd00::/8).
/// </summary>
public sealed class NetworkNamespace : IDisposable
{
    private readonly List<BackgroundProcess> _started = [];

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

    /// <summary>Starts a long-running command inside (in the foreground: `ip netns exec` execs it); stopped on dispose.</summary>
    public BackgroundProcess Start(params string[] command)
    {
        var process = new BackgroundProcess("ip", ["netns", "exec", Name, .. command]);
        _started.Add(process);
        return process;
    }

    /// <summary>
    /// Runs <paramref name="action"/> on a thread of its own that has entered the namespace
    /// (setns(2) moves only the calling thread): sockets it opens belong to the namespace.
    /// </summary>
    public void Inside(Action action) => NamespaceThread.Run(Name, action);

    public static bool Available() => Environment.UserName == "root" && File.Exists("/dev/net/tun");

    /// <summary>Fails with the package to install when a program the test drives is missing.</summary>
    public static void Require(string program, string package)
    {
        string[] path = [.. (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'), "/usr/sbin", "/sbin"];
        Assert.True(path.Any(directory => directory.Length > 0 && File.Exists(Path.Combine(directory, program))),
            $"{program} is missing: run ./unikernel once as root (it installs {package}), or apt-get install {package}");
    }

    public void Dispose()
    {
        try
        {
            for (int i = _started.Count - 1; i >= 0; i--)
                _started[i].Dispose();
        }
        finally
        {
            DeleteNamespace();
        }
    }

    private void DeleteNamespace() => NamespaceThread.Delete(Name);
}
