using System.Diagnostics;
using System.Text;
using Unikernel.Tool.Build;

namespace Unikernel.Tool.Emulate;

/// <summary>
/// QEMU running an image with its console captured, for tests and scripts: wait for a line,
/// read everything printed so far, and kill it when done.
/// </summary>
public sealed class QemuSession : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly object _gate = new();

    private QemuSession(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static QemuSession Start(BuiltImage image, IEnumerable<string>? extraArguments = null)
    {
        var (program, arguments) = QemuCommand.For(image, extraArguments);
        return Start(program, arguments);
    }

    /// <summary>QEMU with a command line of the caller's (a peer's image, not one of ours).</summary>
    public static QemuSession Start(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // With stdio not a terminal, the serial console still goes to stdout.
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        return new QemuSession(Process.Start(start) ?? throw new BuildFailure($"could not start {program}"));
    }

    /// <summary>QEMU's process ID.</summary>
    public int Id => _process.Id;

    /// <summary>Types <paramref name="text"/> on the board's console.</summary>
    public void Send(string text)
    {
        _process.StandardInput.Write(text);
        _process.StandardInput.Flush();
    }

    public string Output
    {
        get
        {
            lock (_gate)
                return _output.ToString();
        }
    }

    /// <summary>Waits until a console line satisfies <paramref name="match"/>; returns it, or null on timeout or exit.</summary>
    public string? WaitForLine(Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            foreach (string line in Output.Split('\n'))
            {
                string trimmed = line.TrimEnd('\r');
                if (match(trimmed))
                    return trimmed;
            }
            if (_process.HasExited)
                return null;
            Thread.Sleep(20);
        }
        return null;
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_gate)
            _output.Append(line).Append('\n');
    }

    public void Dispose()
    {
        try
        {
            Emulator.Stop(_process);
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
