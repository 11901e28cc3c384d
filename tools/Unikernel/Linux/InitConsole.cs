using System.Globalization;
using System.Text.RegularExpressions;

namespace Unikernel.Tool.Linux;

/// <summary>The console lines the initramfs's /init prints (<see cref="Initramfs.InitScript"/>), and how to read them.</summary>
public static partial class InitConsole
{
    public const string Prefix = "UNIKERNEL-INIT:";

    /// <summary>The first line /init prints: what "time to /init" waits for.</summary>
    public const string UpPattern = @"^UNIKERNEL-INIT: up ";

    /// <summary>The last line /init prints before poweroff.</summary>
    public const string DonePattern = @"^UNIKERNEL-INIT: done";

    /// <summary>The number of CPUs Linux brought up, from the cpus line, or null.</summary>
    public static int? Cpus(string console) =>
        CpusLine().Match(console) is { Success: true } match ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;

    /// <summary>The IPv4 address of the lease, from the lease line, or null (no lease, or not yet).</summary>
    public static string? Lease(string console) => LeaseLine().Match(console) is { Success: true } match ? match.Groups[1].Value : null;

    [GeneratedRegex(@"^UNIKERNEL-INIT: cpus (\d+)", RegexOptions.Multiline)]
    private static partial Regex CpusLine();

    [GeneratedRegex(@"^UNIKERNEL-INIT: lease (\d+\.\d+\.\d+\.\d+)", RegexOptions.Multiline)]
    private static partial Regex LeaseLine();
}
