using System.Globalization;
using System.Text.RegularExpressions;

namespace Unikernel.Tool.Bench;

/// <summary>
/// What `unikernel bench --netboot` reads from consoles: U-Boot's DHCP and TFTP lines, our
/// board's discard line, ImageProbe's rate lines and the C reference's SHA-256 line. Each
/// parser returns null when its line is not in the text.
/// </summary>
public static partial class NetbootFigures
{
    public const double MiB = 1 << 20;

    /// <summary>U-Boot's <c>Bytes transferred = 33554432 (2000000 hex)</c>: the byte count of a finished tftpboot.</summary>
    public static long? TftpBytes(string console) =>
        TftpDone().Match(console) is { Success: true } match ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;

    /// <summary>
    /// The rate U-Boot prints after a transfer's hash marks (<c>\t 15.6 MiB/s</c>, KiB/s for slow
    /// ones), in MiB/s: its own clock, from the first data block to the last. The last one in the text.
    /// </summary>
    public static double? TftpOwnRate(string console)
    {
        var matches = TftpRate().Matches(console);
        if (matches.Count == 0)
            return null;
        var last = matches[^1];
        double value = double.Parse(last.Groups[1].Value, CultureInfo.InvariantCulture);
        return last.Groups[2].Value == "KiB" ? value / 1024 : value;
    }

    /// <summary>U-Boot's <c>DHCP client bound to address 169.254.10.150 (3013 ms)</c>: the address.</summary>
    public static string? DhcpBoundAddress(string console) =>
        DhcpBound().Match(console) is { Success: true } match ? match.Groups[1].Value : null;

    /// <summary>Our board's <c>discard: 33554432 bytes, 23302 frames in 1510 ms</c>.</summary>
    public static (long Bytes, long Frames, long Milliseconds)? Discard(string console) =>
        DiscardLine().Match(console) is { Success: true } match
            ? (Long(match.Groups[1]), Long(match.Groups[2]), Long(match.Groups[3]))
            : null;

    /// <summary>ImageProbe's <c>rate sha256 N bytes in T us, copy N bytes in T us</c>: SHA-256 and copy in MiB/s.</summary>
    public static (double Sha256, double Copy)? ProbeRates(string console) =>
        ProbeLine().Match(console) is { Success: true } match
            ? (Rate(Long(match.Groups[1]), Long(match.Groups[2]) / 1e6), Rate(Long(match.Groups[3]), Long(match.Groups[4]) / 1e6))
            : null;

    /// <summary>ImageProbe's <c>rate sha256-armv8 N bytes in T us</c> (AArch64 with the SHA-2 instructions), in MiB/s.</summary>
    public static double? ProbeArmv8Rate(string console) =>
        Armv8Line().Match(console) is { Success: true } match ? Rate(Long(match.Groups[1]), Long(match.Groups[2]) / 1e6) : null;

    /// <summary>bench/tcg-ceiling's <c>C sha256: 16 MiB in N ticks at F Hz</c>, in MiB/s.</summary>
    public static double? CeilingRate(string console) =>
        CeilingLine().Match(console) is { Success: true } match
            ? Long(match.Groups[1]) / (Long(match.Groups[2]) / (double)Long(match.Groups[3]))
            : null;

    /// <summary>MiB/s of <paramref name="bytes"/> in <paramref name="seconds"/>; NaN for no time.</summary>
    public static double Rate(long bytes, double seconds) => seconds > 0 ? bytes / MiB / seconds : double.NaN;

    private static long Long(Group group) => long.Parse(group.Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"Bytes transferred = (\d+) \(")]
    private static partial Regex TftpDone();

    [GeneratedRegex(@"^\s*([0-9.]+) (KiB|MiB)/s\s*$", RegexOptions.Multiline)]
    private static partial Regex TftpRate();

    [GeneratedRegex(@"DHCP client bound to address ([0-9.]+) \(\d+ ms\)")]
    private static partial Regex DhcpBound();

    [GeneratedRegex(@"discard: (\d+) bytes, (\d+) frames in (\d+) ms")]
    private static partial Regex DiscardLine();

    [GeneratedRegex(@"rate sha256 (\d+) bytes in (\d+) us, copy (\d+) bytes in (\d+) us")]
    private static partial Regex ProbeLine();

    [GeneratedRegex(@"rate sha256-armv8 (\d+) bytes in (\d+) us")]
    private static partial Regex Armv8Line();

    [GeneratedRegex(@"C sha256: (\d+) MiB in (\d+) ticks at (\d+) Hz")]
    private static partial Regex CeilingLine();
}
