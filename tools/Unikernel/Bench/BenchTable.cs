using System.Globalization;
using Spectre.Console;

namespace Unikernel.Tool.Bench;

/// <summary>
/// The results as a table, one line per stack with both directions: on the terminal, and
/// appended as plain text to build/measurements/bench.txt. Ratios are to tuned lwIP's median of
/// the same direction in the same run; receive is also shown as a share of the TAP read limit.
/// </summary>
public static class BenchTable
{
    /// <summary>hoststack with TCP offloads on its TAP (up to 64 KiB a system call): the row the verdicts use.</summary>
    public const string OursRow = "hoststack (ours)";
    /// <summary>hoststack with --no-offload: one 1514-byte frame per system call, on the same terms as lwIP's harness and the TAP limits.</summary>
    public const string OursPerFrameRow = "hoststack, one frame per call";
    public const string LwipRow = "lwIP 2.1.3 tuned";
    public const string TapReadRow = "TAP read limit";
    public const string TapWriteRow = "TAP write limit";

    public static Table Create(IReadOnlyList<BenchRow> rows, long bytes, int runs)
    {
        var lwipReceive = Find(rows, LwipRow, BenchDirection.Receive);
        var lwipSend = Find(rows, LwipRow, BenchDirection.Send);
        var tapRead = Find(rows, TapReadRow, BenchDirection.Receive);
        var table = new Table()
            .Title($"TCP throughput over a TAP, {Size(bytes)} each way, median of {runs} run{(runs == 1 ? "" : "s")}")
            .AddColumn("stack")
            .AddColumn("path")
            .AddColumn(new TableColumn("receive MB/s").RightAligned())
            .AddColumn(new TableColumn("vs lwIP").RightAligned())
            .AddColumn(new TableColumn("of TAP read").RightAligned())
            .AddColumn(new TableColumn("send MB/s").RightAligned())
            .AddColumn(new TableColumn("vs lwIP").RightAligned())
            .AddColumn("each run, receive / send (MB/s)");
        foreach (var name in rows.Select(row => row.Name).Distinct())
        {
            var receive = rows.FirstOrDefault(row => row.Name == name && row.Direction == BenchDirection.Receive);
            var send = rows.FirstOrDefault(row => row.Name == name && row.Direction == BenchDirection.Send);
            bool limit = name is TapReadRow or TapWriteRow;
            table.AddRow(Markup.Escape(name), Markup.Escape((receive ?? send)!.Path),
                Cell(receive), limit ? "" : Ratio(receive, lwipReceive), limit ? "" : Ratio(receive, tapRead),
                Cell(send), limit ? "" : Ratio(send, lwipSend),
                $"{Runs(receive)} / {Runs(send)}");
        }
        table.Caption("MB/s = 10^6 bytes/s; TCP timed by Linux around nc, from its start until the other side has closed; the TAP limits move 1514 B frames one system call each, no stack, as do lwIP and hoststack, one frame per call; hoststack (ours) and + SHA-256 use TCP offloads, up to 64 KiB a call");
        return table;
    }

    /// <summary>The issue's targets against this run: ours above tuned lwIP both ways, receive at least 0.6x the TAP read limit.</summary>
    public static IEnumerable<string> Verdicts(IReadOnlyList<BenchRow> rows)
    {
        var receive = Find(rows, OursRow, BenchDirection.Receive);
        var send = Find(rows, OursRow, BenchDirection.Send);
        var lwipReceive = Find(rows, LwipRow, BenchDirection.Receive);
        var lwipSend = Find(rows, LwipRow, BenchDirection.Send);
        var tapRead = Find(rows, TapReadRow, BenchDirection.Receive);
        if (receive is not null && lwipReceive is not null)
            yield return Verdict("receive vs tuned lwIP", receive.Median / lwipReceive.Median, 1.0, above: true);
        if (send is not null && lwipSend is not null)
            yield return Verdict("send vs tuned lwIP", send.Median / lwipSend.Median, 1.0, above: true);
        if (receive is not null && tapRead is not null)
            yield return Verdict("receive vs the TAP read limit", receive.Median / tapRead.Median, 0.6, above: false);
    }

    /// <summary>Appends the table and the verdicts, as plain text under a timestamp, to <paramref name="file"/>.</summary>
    public static void Append(string file, Table table, IEnumerable<string> verdicts, string commandLine)
    {
        var text = new StringWriter();
        var plain = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(text),
        });
        plain.Profile.Width = 220;
        plain.Write(table);
        foreach (string verdict in verdicts)
            text.WriteLine(verdict);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        string load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
        File.AppendAllText(file, $"{DateTimeOffset.Now:yyyy-MM-dd HH:mm:ss zzz}  {commandLine}  ({Environment.ProcessorCount} CPUs, load {load})\n{text}\n");
    }

    private static BenchRow? Find(IReadOnlyList<BenchRow> rows, string name, BenchDirection direction) =>
        rows.FirstOrDefault(row => row.Name == name && row.Direction == direction && row.Measured);

    private static string Verdict(string what, double ratio, double target, bool above) =>
        $"{what}: {ratio.ToString("0.00", CultureInfo.InvariantCulture)}x (target {(above ? ">" : ">=")} {target.ToString("0.0", CultureInfo.InvariantCulture)}x): "
        + ((above ? ratio > target : ratio >= target) ? "met" : "not met");

    private static string Cell(BenchRow? row) =>
        row is null ? ""
        : row.Measured ? Number(row.Median)
        : row.Unavailable is { } unavailable ? $"[yellow]{Markup.Escape(unavailable)}[/]"
        : $"[red]failed: {Markup.Escape(FirstLine(row.Failure!))}[/]";

    private static string Ratio(BenchRow? row, BenchRow? reference) =>
        row is null || !row.Measured ? "" : reference is null ? "n/a" : (row.Median / reference.Median).ToString("0.00", CultureInfo.InvariantCulture) + "x";

    private static string Runs(BenchRow? row) =>
        row is null || row.MegabytesPerSecond.Count == 0 ? "-" : string.Join(" ", row.MegabytesPerSecond.Select(Number));

    private static string Number(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);

    private static string Size(long bytes) =>
        bytes % (1 << 20) == 0 ? $"{bytes >> 20} MiB" : $"{bytes} bytes";

    private static string FirstLine(string text) => text.Split('\n')[0];
}
