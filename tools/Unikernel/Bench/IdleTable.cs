using System.Globalization;
using Spectre.Console;

namespace Unikernel.Tool.Bench;

/// <summary>The idle bench's results: a table like the throughput bench's, and the comparisons the issue asks for in words.</summary>
public static class IdleTable
{
    public const string InterruptsRow = "ours, interrupts";
    public const string PollingRow = "ours, polling";
    public const string UBootRow = "U-Boot 2023.01";

    /// <summary>The most an idle, configured bootloader may use of a host core (issue 15).</summary>
    public const double TargetPercent = 5;

    public static Table Create(IReadOnlyList<IdleRow> rows, TimeSpan window, int pings, long uploadBytes)
    {
        var table = new Table()
            .Title($"Idle CPU over {window.TotalSeconds:0} s, ping6 median of {pings}, upload of {uploadBytes >> 20} MiB; QEMU orangepi-pc, one run")
            .AddColumn("image")
            .AddColumn("what")
            .AddColumn(new TableColumn("idle CPU (% of a core)").RightAligned())
            .AddColumn(new TableColumn("ping6 RTT (ms)").RightAligned())
            .AddColumn(new TableColumn("upload MB/s").RightAligned())
            .AddColumn("each upload (MB/s)");
        foreach (var row in rows)
        {
            if (row.Failure is { } failure)
            {
                table.AddRow(Markup.Escape(row.Name), Markup.Escape(row.What), "-", "-", "-", $"[red]failed: {Markup.Escape(failure.Split('\n')[0])}[/]");
                continue;
            }
            table.AddRow(Markup.Escape(row.Name), Markup.Escape(row.What), Number(row.IdlePercent, "0.0"), Number(row.PingMedian, "0.000"),
                Number(row.UploadMedian, "0.0"), row.UploadMegabytesPerSecond is { Count: > 0 } each ? string.Join(" ", each.Select(v => Number(v, "0.0"))) : "-");
        }
        table.Caption("idle: QEMU's utime+stime from /proc/PID/stat, booted and answering ping6, nothing sent; upload: nc to TCP 1337, timed until the verdict");
        return table;
    }

    /// <summary>The figures the issue's done-when line names, side by side, in words.</summary>
    public static IReadOnlyList<string> Verdicts(IReadOnlyList<IdleRow> rows)
    {
        var ours = Find(rows, InterruptsRow);
        var polling = Find(rows, PollingRow);
        var uboot = Find(rows, UBootRow);
        var lines = new List<string>();
        if (ours?.IdlePercent is { } idle)
            lines.Add($"idle: ours {Number(idle, "0.0")}% of a core ({(idle <= TargetPercent ? "within" : "over")} the {Number(TargetPercent, "0")}% target)"
                + (uboot?.IdlePercent is { } peer ? $", U-Boot {Number(peer, "0.0")}%" : "")
                + (polling?.IdlePercent is { } spin ? $", ours polling {Number(spin, "0.0")}%" : ""));
        if (ours?.PingMedian is { } ping && polling?.PingMedian is { } pingPolling)
            lines.Add($"ping6 RTT: interrupts {Number(ping, "0.000")} ms, polling {Number(pingPolling, "0.000")} ms ({Ratio(ping, pingPolling)} of polling's; lower is better)");
        if (ours?.UploadMedian is { } upload && polling?.UploadMedian is { } uploadPolling)
            lines.Add($"upload: interrupts {Number(upload, "0.0")} MB/s, polling {Number(uploadPolling, "0.0")} MB/s ({Ratio(upload, uploadPolling)} of polling's; higher is better)");
        return lines;
    }

    /// <summary>Appends the table and the verdicts, as plain text under a timestamp, to <paramref name="file"/>.</summary>
    public static void Append(string file, Table table, IReadOnlyList<string> verdicts, string commandLine)
    {
        BenchTable.Append(file, table, [], commandLine);
        File.AppendAllText(file, string.Join("", verdicts.Select(line => line + "\n")) + "\n");
    }

    private static IdleRow? Find(IReadOnlyList<IdleRow> rows, string name) => rows.FirstOrDefault(row => row.Name == name && row.Failure is null);

    private static string Ratio(double value, double reference) => (value / reference).ToString("0.00", CultureInfo.InvariantCulture) + "x";

    private static string Number(double? value, string format) => value is { } v && !double.IsNaN(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
}
