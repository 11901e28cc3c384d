using System.Diagnostics;
using System.Runtime.InteropServices;
using Unikernel.Registers.Boards;
using Unikernel.Tool.Build;

namespace Unikernel.Tool.Emulate;

/// <summary>
/// `unikernel emulate`: QEMU on the terminal. The console is QEMU's own stdio, so Ctrl-A X quits
/// and Ctrl-A C opens the monitor; with a timeout QEMU is stopped after that many seconds.
/// </summary>
public static class Emulator
{
    public static int Run(BuiltImage image, TimeSpan? timeout, IEnumerable<string>? extraArguments = null)
    {
        var (program, arguments) = QemuCommand.For(image, extraArguments);
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

    /// <summary>
    /// The TAP interface <paramref name="tap"/> made ready for QEMU (created if it does not exist,
    /// brought up), and QEMU's options to put the board's NIC on it.
    /// </summary>
    public static string[] PrepareTap(BoardFile board, string tap)
    {
        if (tap.Length is 0 or > 15 || tap.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
            throw new BuildFailure($"--tap '{tap}' is not an interface name (1 to 15 letters, digits, '-', '_' or '.')");
        if (!Directory.Exists($"/sys/class/net/{tap}"))
        {
            if (Environment.UserName != "root")
                throw new BuildFailure($"there is no interface {tap}, and creating a TAP needs root: run as root, or create it first (ip tuntap add dev {tap} mode tap user $USER)");
            ExternalProcess.Run($"creating TAP {tap}", "ip", ["tuntap", "add", "dev", tap, "mode", "tap"]);
        }
        else if (!File.Exists($"/sys/class/net/{tap}/tun_flags"))
            throw new BuildFailure($"{tap} exists but is not a TAP interface; pick another name");
        ExternalProcess.TryRun("ip", ["link", "set", tap, "up"]);
        return EmulatedNetwork.TapArguments(board, tap);
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
