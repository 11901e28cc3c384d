using System.Globalization;
using Spectre.Console;

namespace Unikernel.Tool.Bench;

/// <summary>The results as a table: on the terminal, and appended as plain text to build/measurements/bench.txt.</summary>
public static class BenchTable
{
    public const string LwipRow = "lwIP 2.1.3";

    public static Table Create(IReadOnlyList<BenchRow> rows, long bytes, int runs)
    {
        var lwip = rows.FirstOrDefault(row => row.Name == LwipRow && row.Measured);
        var table = new Table()
            .Title($"TCP receive throughput, {Size(bytes)} from Linux nc, median of {runs} run{(runs == 1 ? "" : "s")}")
            .AddColumn("receiver")
            .AddColumn("path")
            .AddColumn(new TableColumn("MB/s").RightAligned())
            .AddColumn("each run (MB/s)")
            .AddColumn(new TableColumn("vs lwIP").RightAligned());
        foreach (var row in rows)
        {
            if (row.Measured)
            {
                string ratio = lwip is null ? "n/a" : (row.Median / lwip.Median).ToString("0.00", CultureInfo.InvariantCulture) + "x";
                table.AddRow(Markup.Escape(row.Name), Markup.Escape(row.Path), Number(row.Median),
                    string.Join(" ", row.MegabytesPerSecond.Select(Number)), ratio);
            }
            else
            {
                string why = row.Unavailable is { } unavailable ? $"[yellow]{Markup.Escape(unavailable)}[/]" : $"[red]failed: {Markup.Escape(FirstLine(row.Failure!))}[/]";
                table.AddRow(Markup.Escape(row.Name), Markup.Escape(row.Path), "-", why, "-");
            }
        }
        table.Caption("MB/s = 10^6 bytes/s, timed on the sender from nc's start until the receiver has closed");
        return table;
    }

    /// <summary>Appends the table, as plain text under a timestamp, to <paramref name="file"/>.</summary>
    public static void Append(string file, Table table, string commandLine)
    {
        var text = new StringWriter();
        var plain = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(text),
        });
        plain.Profile.Width = 200;
        plain.Write(table);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        string load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
        File.AppendAllText(file, $"{DateTimeOffset.Now:yyyy-MM-dd HH:mm:ss zzz}  {commandLine}  ({Environment.ProcessorCount} CPUs, load {load})\n{text}\n");
    }

    private static string Number(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);

    private static string Size(long bytes) =>
        bytes % (1 << 20) == 0 ? $"{bytes >> 20} MiB" : $"{bytes} bytes";

    private static string FirstLine(string text) => text.Split('\n')[0];
}
