using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Unikernel.Tool.Emulate;

namespace Unikernel.Tool.Build;

/// <summary>
/// A long-running program a test or the bench owns (hoststack, dnsmasq, radvd, lwip-tuned, nc),
/// in the foreground of its own process, its standard input closed so it never reads the
/// terminal: standard output and error are kept, line by line, and disposing stops it
/// (SIGTERM, then SIGKILL), so nothing outlives its owner.
/// </summary>
public sealed class BackgroundProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private bool _disposed;

    public BackgroundProcess(string program, IEnumerable<string> arguments)
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
        _process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {CommandLine}");
        _process.StandardInput.Close();
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string CommandLine { get; }

    /// <summary>The process ID (for `ip netns exec`, the command's own: ip execs it).</summary>
    public int Id => _process.Id;

    /// <summary>Everything printed so far (standard output and error, interleaved by arrival).</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The first line matching <paramref name="pattern"/>; a timeout fails with everything printed so far.</summary>
    public Match WaitForLine(string pattern, TimeSpan timeout, int after = 0)
    {
        var regex = new Regex(pattern);
        var watch = Stopwatch.StartNew();
        while (true)
        {
            string[] lines = Output.Split('\n');
            foreach (string line in lines.Skip(after))
            {
                var match = regex.Match(line.TrimEnd('\r'));
                if (match.Success)
                    return match;
            }
            if (watch.Elapsed > timeout || (_process.HasExited && watch.Elapsed > TimeSpan.FromMilliseconds(200)))
                throw new TimeoutException($"no line matching /{pattern}/ within {timeout.TotalSeconds:0} s " +
                    $"from `{CommandLine}`{(_process.HasExited ? $" (exited with {_process.ExitCode})" : "")}; its output:\n{Output}");
            Thread.Sleep(50);
        }
    }

    /// <summary>The first line after <paramref name="after"/> lines matching <paramref name="pattern"/> so far, without waiting; null if none.</summary>
    public string? FindLine(string pattern, int after = 0)
    {
        var regex = new Regex(pattern);
        return Output.Split('\n').Skip(after).Select(line => line.TrimEnd('\r')).FirstOrDefault(line => regex.IsMatch(line));
    }

    /// <summary>Waits for the program to end by itself; false when it is still running after <paramref name="timeout"/>.</summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
            return false;
        _process.WaitForExit(); // also drains the asynchronous readers
        return true;
    }

    /// <summary>The exit code, once it has exited.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>How many lines have been printed so far (to wait for a line printed after them).</summary>
    public int LineCount => Output.Split('\n').Length - 1;

    /// <summary>Stops the program and waits until its output is complete.</summary>
    public string Stop()
    {
        Emulator.Stop(_process);   // SIGTERM; SIGKILL to the whole tree after 3 s
        _process.WaitForExit();    // also drains the asynchronous readers
        return Output;
    }

    public void Dispose()
    {
        // Both the test and the namespace that started it may dispose it.
        if (_disposed)
            return;
        _disposed = true;
        try
        {
            Stop();
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }
}
