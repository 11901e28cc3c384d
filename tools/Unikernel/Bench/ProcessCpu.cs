using System.Globalization;
using System.Runtime.InteropServices;

namespace Unikernel.Tool.Bench;

/// <summary>
/// The CPU time a process has used, from /proc/PID/stat (proc(5): utime and stime, fields 14
/// and 15, in clock ticks of sysconf(_SC_CLK_TCK)), and over a window as a share of one host core.
/// </summary>
public static class ProcessCpu
{
    /// <summary>utime + stime in clock ticks, from the text of /proc/PID/stat.</summary>
    public static long ParseTicks(string stat)
    {
        // Field 2, the command, is in parentheses and may hold spaces and parentheses: count from the last ')'.
        int close = stat.LastIndexOf(')');
        if (close < 0)
            throw new FormatException($"not a /proc/PID/stat line: {stat}");
        string[] fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // fields[0] is field 3 (state): utime, field 14, is fields[11]; stime fields[12].
        if (fields.Length < 13)
            throw new FormatException($"/proc/PID/stat has too few fields: {stat}");
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    /// <summary>The CPU time process <paramref name="pid"/> has used so far.</summary>
    public static TimeSpan Read(int pid) =>
        TimeSpan.FromSeconds((double)ParseTicks(File.ReadAllText($"/proc/{pid}/stat")) / TicksPerSecond);

    /// <summary>CPU time used over wall time, in percent of one core (two busy threads make 200).</summary>
    public static double Percent(TimeSpan used, TimeSpan wall) => used.TotalSeconds / wall.TotalSeconds * 100;

    /// <summary>Watches <paramref name="pid"/> for <paramref name="window"/> and returns its CPU use in percent of one core.</summary>
    public static double Measure(int pid, TimeSpan window)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        TimeSpan before = Read(pid);
        Thread.Sleep(window);
        TimeSpan after = Read(pid);
        return Percent(after - before, watch.Elapsed);
    }

    private static long TicksPerSecond => sysconf(ClockTicks) is var ticks and > 0 ? ticks : 100;

    private const int ClockTicks = 2; // _SC_CLK_TCK

    [DllImport("libc", SetLastError = true)]
    private static extern long sysconf(int name);
}
