using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Unikernel.Tool.Bench;

/// <summary>
/// One transfer: Linux's `nc` sends the stream from inside a namespace to port 1337 of a
/// receiver and shuts its side down at the end (-N); it exits when the receiver closes too.
/// The clock is the sender's, in a shell inside the namespace around nc alone: from nc's start
/// (connect included) until the receiver has closed, so every byte has arrived. Every row is
/// timed the same way, whatever the receiver reports of its own.
/// </summary>
public sealed record ThroughputRun(bool Connected, int ExitCode, TimeSpan Elapsed, string Output)
{
    public const int Port = 1337;

    /// <summary>How long nc waits to connect, and at most without progress.</summary>
    private const int NetcatTimeoutSeconds = 5;

    private const string Script =
        "start=$(date +%s%N); nc -v -N -w \"$3\" \"$1\" \"$4\" < \"$2\" 2>&1; status=$?; end=$(date +%s%N); " +
        "echo \"bench: status $status ns $((end - start))\"";

    public double MegabytesPerSecond(long bytes) => bytes / Elapsed.TotalSeconds / 1e6;

    public static ThroughputRun Send(BenchNamespace sender, string address, StreamFile stream)
    {
        var start = new ProcessStartInfo("ip")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "netns", "exec", sender.Name, "sh", "-c", Script, "sh", address, stream.Path,
                     NetcatTimeoutSeconds.ToString(CultureInfo.InvariantCulture), Port.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new BenchFailure("could not start ip netns exec … nc");
        process.StandardInput.Close();
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        // Generous: a stack at 1 MB/s still finishes; nc's own -w catches a stalled transfer first.
        var limit = TimeSpan.FromSeconds(60 + stream.Length / 1e6);
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new BenchFailure($"nc to {address} did not finish within {limit.TotalSeconds:0} s");
        }
        string text = (output.Result + error.Result).Trim();
        var result = Regex.Match(text, @"bench: status (\d+) ns (\d+)");
        if (!result.Success)
            throw new BenchFailure($"the sender in {sender.Name} printed no timing; its output:\n{text}");
        bool connected = text.Contains($"{Port} port", StringComparison.Ordinal) && text.Contains("succeeded", StringComparison.Ordinal);
        return new ThroughputRun(connected, int.Parse(result.Groups[1].Value, CultureInfo.InvariantCulture),
            TimeSpan.FromTicks(long.Parse(result.Groups[2].Value, CultureInfo.InvariantCulture) / 100), text);
    }
}
