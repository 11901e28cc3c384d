using System.Globalization;
using System.Text.RegularExpressions;

namespace Unikernel.Tool.Bench;

/// <summary>
/// What a TAP allows a user-space stack on this machine, in the same run as the stacks: frames
/// of 1514 B moved one system call each, no stack at all (bench/tap-limits).
/// Read: tap-read keeps a TAP full from Linux's side (a packet socket bound to it, sendmmsg,
/// qdisc bypassed) and reads as fast as it can; MB/s from the first frame to the last.
/// Write: tap-write writes IPv4 UDP frames to Linux's own address on the TAP as fast as it can,
/// so Linux's receive path runs inside each write; MB/s of what Linux counted (Ip InReceives).
/// Each run in a namespace of its own, over as many frames as the stream has bytes.
/// </summary>
public static class TapLimits
{
    public const string Tap = "uk0";

    /// <summary>A full-size Ethernet frame: 14 B header and a 1500 B payload.</summary>
    public const int FrameLength = 1514;

    /// <summary>Builds tap-read or tap-write into build/bench/ when its source is newer.</summary>
    public static string Build(string root, string program)
    {
        string directory = Path.Combine(root, "bench", "tap-limits");
        return CHarness.Build($"building bench/tap-limits/{program}.c", Path.Combine(root, "build", "bench", program),
            [Path.Combine(directory, program + ".c"), Path.Combine(directory, "tap.h")], ["-O2", "-Wall", Path.Combine(directory, program + ".c")]);
    }

    /// <summary>One run of <paramref name="program"/> over <paramref name="bytes"/> worth of frames; its MB/s.</summary>
    public static double Run(string program, long bytes)
    {
        long frames = Math.Max(1000, bytes / FrameLength);
        using var space = new BenchNamespace();
        string output = space.Run(program, "--tap", Tap, "--frames", frames.ToString(CultureInfo.InvariantCulture)).Output;
        var rate = Regex.Match(output, @"frames/s, ([\d.]+) MB/s");
        return rate.Success ? double.Parse(rate.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new BenchFailure($"{Path.GetFileName(program)} printed no rate:\n{output}");
    }
}
