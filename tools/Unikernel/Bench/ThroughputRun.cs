using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Unikernel.Tool.Bench;

/// <summary>
/// One transfer, timed by Linux in a shell inside the namespace around nc alone, from nc's start
/// (connect included) until the other side has closed, so every byte has arrived. Every row is
/// timed the same way, whatever the stack reports of its own.
/// Receive (<see cref="Send"/>): Linux's `nc` sends the stream to port 1337 of the stack and
/// shuts its side down at the end (-N); it exits when the stack closes too.
/// Send (<see cref="Fetch"/>): Linux's `nc -d` connects to the stack's source port, which sends
/// the stream and closes; `wc -c` counts what arrived (<see cref="Received"/>).
/// </summary>
public sealed record ThroughputRun(bool Connected, int ExitCode, TimeSpan Elapsed, string Output, long Received = -1)
{
    public const int Port = 1337;

    /// <summary>How long nc waits to connect, and at most without progress.</summary>
    private const int NetcatTimeoutSeconds = 5;

    private const string SendScript =
        "start=$(date +%s%N); nc -v -N -w \"$3\" \"$1\" \"$4\" < \"$2\" 2>&1; status=$?; end=$(date +%s%N); " +
        "echo \"bench: status $status ns $((end - start))\"";

    private const string FetchScript =
        "start=$(date +%s%N); bytes=$(nc -v -d -w \"$2\" \"$1\" \"$3\" | wc -c); end=$(date +%s%N); " +
        "echo \"bench: bytes $bytes ns $((end - start))\"";

    public double MegabytesPerSecond(long bytes) => bytes / Elapsed.TotalSeconds / 1e6;

    /// <summary>Linux sends <paramref name="stream"/> to port 1337 of <paramref name="address"/>.</summary>
    public static ThroughputRun Send(BenchNamespace sender, string address, StreamFile stream)
    {
        string text = RunScript(sender, address, stream.Length, SendScript, address, stream.Path,
            NetcatTimeoutSeconds.ToString(CultureInfo.InvariantCulture), Port.ToString(CultureInfo.InvariantCulture));
        var result = Regex.Match(text, @"bench: status (\d+) ns (\d+)");
        if (!result.Success)
            throw new BenchFailure($"the sender in {sender.Name} printed no timing; its output:\n{text}");
        bool connected = text.Contains($"{Port} port", StringComparison.Ordinal) && text.Contains("succeeded", StringComparison.Ordinal);
        return new ThroughputRun(connected, int.Parse(result.Groups[1].Value, CultureInfo.InvariantCulture),
            TimeSpan.FromTicks(long.Parse(result.Groups[2].Value, CultureInfo.InvariantCulture) / 100), text);
    }

    /// <summary>Linux connects to <paramref name="port"/> of <paramref name="address"/> and reads until the stack closes.</summary>
    public static ThroughputRun Fetch(BenchNamespace receiver, string address, int port, long expected)
    {
        string text = RunScript(receiver, address, expected, FetchScript, address,
            NetcatTimeoutSeconds.ToString(CultureInfo.InvariantCulture), port.ToString(CultureInfo.InvariantCulture));
        var result = Regex.Match(text, @"bench: bytes\s*(\d+) ns (\d+)");
        if (!result.Success)
            throw new BenchFailure($"the receiver in {receiver.Name} printed no timing; its output:\n{text}");
        bool connected = text.Contains($"{port} port", StringComparison.Ordinal) && text.Contains("succeeded", StringComparison.Ordinal);
        long received = long.Parse(result.Groups[1].Value, CultureInfo.InvariantCulture);
        return new ThroughputRun(connected, 0, TimeSpan.FromTicks(long.Parse(result.Groups[2].Value, CultureInfo.InvariantCulture) / 100), text, received);
    }

    private static string RunScript(BenchNamespace space, string address, long bytes, string script, params string[] arguments)
    {
        var start = new ProcessStartInfo("ip")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "netns", "exec", space.Name, "sh", "-c", script, "sh" }.Concat(arguments))
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new BenchFailure("could not start ip netns exec … nc");
        process.StandardInput.Close();
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        // Generous: a stack at 1 MB/s still finishes; nc's own -w catches a stalled transfer first.
        var limit = TimeSpan.FromSeconds(60 + bytes / 1e6);
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new BenchFailure($"nc with {address} did not finish within {limit.TotalSeconds:0} s");
        }
        return (output.Result + error.Result).Trim();
    }
}
