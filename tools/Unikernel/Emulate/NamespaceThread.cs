using System.Runtime.InteropServices;

namespace Unikernel.Tool.Emulate;

/// <summary>
/// Runs code inside a network namespace: on a thread of its own that has entered it (setns(2)
/// moves only the calling thread), so the sockets it opens belong to the namespace.
/// </summary>
public static class NamespaceThread
{
    public static void Run(string namespaceName, Action action)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle($"/var/run/netns/{namespaceName}");
                if (setns((int)handle.DangerousGetHandle(), CloneNewNetwork) != 0)
                    throw new IOException($"setns into {namespaceName} failed: {Marshal.GetLastPInvokeErrorMessage()}");
                action();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
    }

    /// <summary>Kills whatever still runs in the namespace (a command left behind by a failed step), then deletes it.</summary>
    public static void Delete(string namespaceName)
    {
        foreach (string pid in Build.ExternalProcess.TryRun("ip", ["netns", "pids", namespaceName]).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            Build.ExternalProcess.TryRun("kill", ["-KILL", pid.Trim()]);
        Build.ExternalProcess.TryRun("ip", ["netns", "delete", namespaceName]);
    }

    private const int CloneNewNetwork = 0x40000000; // CLONE_NEWNET

    [DllImport("libc", SetLastError = true)]
    private static extern int setns(int descriptor, int type);
}
