using System.Diagnostics;
using System.Runtime.InteropServices;
using Unikernel.Tool.Build;

namespace Unikernel.Tool.Emulate;

/// <summary>
/// `unikernel emulate`: QEMU on the terminal. The console is QEMU's own stdio, so Ctrl-A X quits
/// and Ctrl-A C opens the monitor; with a timeout QEMU is stopped after that many seconds.
/// </summary>
public static class Emulator
{
    public static int Run(BuiltImage image, TimeSpan? timeout)
    {
        var (program, arguments) = QemuCommand.For(image);
        var start = new ProcessStartInfo(program) { UseShellExecute = false };
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        Console.Error.WriteLine($"{program} {string.Join(' ', arguments)}");
        Console.Error.WriteLine(timeout is { } t ? $"(stops after {t.TotalSeconds:0} s; Ctrl-A X quits)" : "(Ctrl-A X quits)");
        using var process = Process.Start(start) ?? throw new BuildFailure($"could not start {program}");
        if (timeout is { } limit && !process.WaitForExit(limit))
        {
            Stop(process);
            Console.Error.WriteLine();
            Console.Error.WriteLine($"emulate: stopped QEMU after {limit.TotalSeconds:0} s");
            return 0;
        }
        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>SIGTERM first, so QEMU puts the terminal back the way it found it; SIGKILL if it lingers.</summary>
    public static void Stop(Process process)
    {
        if (process.HasExited)
            return;
        _ = SendSignal(process.Id, SignalTerminate);
        if (!process.WaitForExit(TimeSpan.FromSeconds(3)))
            process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    private const int SignalTerminate = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int processId, int signal);
}
