using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Unikernel.Tool.Emulate;

namespace Unikernel.Tool.Bench;

/// <summary>
/// A long-running program of the bench (a receiver: lwip-sink, hoststack, nc -l) in the
/// foreground of its own process, its standard input closed so it never reads the terminal.
/// Its output is kept line by line; disposing stops it (SIGTERM, then SIGKILL).
/// </summary>
public sealed class BenchProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private int _lines;

    public BenchProcess(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        CommandLine = $"{program} {string.Join(' ', arguments)}";
        _process = Process.Start(start) ?? throw new BenchFailure($"could not start {CommandLine}");
        _process.StandardInput.Close();
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string CommandLine { get; }

    /// <summary>Everything printed so far, standard output and error interleaved by arrival.</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>How many lines have been printed so far: pass it to <see cref="WaitForLine"/> to wait for a newer one.</summary>
    public int LineCount
    {
        get { lock (_output) return _lines; }
    }

    /// <summary>The first line matching <paramref name="pattern"/> after the first <paramref name="after"/> lines; a timeout fails with all the program printed.</summary>
    public Match WaitForLine(string pattern, TimeSpan timeout, int after = 0)
    {
        var regex = new Regex(pattern);
        var watch = Stopwatch.StartNew();
        while (true)
        {
            foreach (string line in Output.Split('\n').Skip(after))
            {
                var match = regex.Match(line.TrimEnd('\r'));
                if (match.Success)
                    return match;
            }
            bool exited = _process.HasExited;
            if (watch.Elapsed > timeout || (exited && watch.Elapsed > TimeSpan.FromMilliseconds(200)))
                throw new BenchFailure($"no line matching /{pattern}/ within {timeout.TotalSeconds:0} s from `{CommandLine}`" +
                    $"{(exited ? $" (it exited with {_process.ExitCode})" : "")}; its output:\n{Output.TrimEnd()}");
            Thread.Sleep(20);
        }
    }

    public void Dispose()
    {
        try
        {
            Emulator.Stop(_process); // SIGTERM; SIGKILL to the whole tree after 3 s
            _process.WaitForExit();  // also drains the asynchronous readers
        }
        catch (InvalidOperationException)
        {
            // Already reaped.
        }
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
        {
            _output.AppendLine(line);
            _lines++;
        }
    }
}
