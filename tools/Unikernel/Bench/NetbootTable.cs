using System.Globalization;
using Spectre.Console;

namespace Unikernel.Tool.Bench;

/// <summary>
/// The netboot bench's results: one row per figure with its median, each run, and its ratio to
/// the U-Boot figure it stands beside; a row naming the issue's targets; and the verdicts in words.
/// </summary>
public static class NetbootTable
{
    public const string UBootTftp = "U-Boot tftpboot (dnsmasq TFTP)";
    public const string UBootDhcp = "U-Boot: QEMU start to DHCP bound";
    public const string UBootFrames = "U-Boot TFTP frames/s (data blocks)";
    public const string Upload = "upload to TCP 1337, SHA-256 checked";
    public const string FirstPing = "QEMU start to first ping6 reply";
    public const string Discard = "TCP 9 discard (no hash, no copy)";
    public const string DiscardFrames = "frames/s received (discard)";
    public const string ProbeSha256 = "SHA-256, ours (ImageProbe)";
    public const string ProbeSha256Armv8 = "SHA-256 ARMv8 instructions, ours (ImageProbe)";
    public const string ProbeCopy = "copy, ours (ImageProbe)";
    public const string CeilingSha256 = "SHA-256 in C (bench/tcg-ceiling)";

    /// <summary>Issue 16: our upload at least this many times U-Boot's tftpboot rate.</summary>
    public const double RateTarget = 4;

    /// <summary>Issue 16: our first ping6 reply at most this fraction of U-Boot's time to DHCP bound.</summary>
    public const double FirstPingTarget = 0.05;

    public const string MibPerSecond = "MiB/s";
    public const string Seconds = "s";
    public const string FramesPerSecond = "frames/s";

    public static Table Create(IReadOnlyList<NetbootRow> rows, long bytes, int runs)
    {
        var table = new Table()
            .Title($"Netboot vs U-Boot, {Size(bytes)} random payload, QEMU on a TAP, median of {runs} run{(runs == 1 ? "" : "s")}")
            .AddColumn("board")
            .AddColumn("what")
            .AddColumn(new TableColumn("median").RightAligned())
            .AddColumn("unit")
            .AddColumn("each run")
            .AddColumn(new TableColumn("ours/U-Boot").RightAligned());
        foreach (var row in rows)
        {
            if (row.Failure is { } failure)
            {
                table.AddRow(Markup.Escape(row.Board), Markup.Escape(row.What), "-", row.Unit, $"[red]failed: {Markup.Escape(failure.Split('\n')[0])}[/]", "-");
                continue;
            }
            table.AddRow(Markup.Escape(row.Board), Markup.Escape(row.What), Number(row.Median, row.Unit), row.Unit,
                string.Join(" ", row.Values.Select(value => Number(value, row.Unit))), Ratio(row, rows));
        }
        if (Peer(rows, NetbootPeer.TftpRate) is { } tftp && Peer(rows, NetbootPeer.DhcpBound) is { } dhcp)
        {
            table.AddRow("target", Markup.Escape($"upload >= {Number(RateTarget, "x")}x U-Boot's tftp; first ping6 <= {Number(FirstPingTarget, "x")}x its DHCP bound"),
                $"{Number(RateTarget * tftp, MibPerSecond)} / {Number(FirstPingTarget * dhcp, Seconds)}", "MiB/s / s", "",
                $"{Number(RateTarget, "x")}x / {Number(FirstPingTarget, "x")}x");
        }
        table.Caption("MiB/s = 2^20 bytes/s. Times from the host: U-Boot's tftpboot from typing the command to its \"Bytes transferred\" line "
            + "(U-Boot's own rate in the log); our upload and discard from connect until the board's reply or close; QEMU start to the console's "
            + "DHCP line or to ping6's first reply. Frames/s: ours counted by the board's interface during the discard connection; U-Boot's are "
            + "its TFTP data blocks (1468 B, its default tftpblocksize) over the transfer, each also acknowledged. Ratios of MiB/s and frames/s: "
            + "higher is better; of seconds: lower is better.");
        return table;
    }

    /// <summary>The two comparisons the issue names, per board, in words.</summary>
    public static IReadOnlyList<string> Verdicts(IReadOnlyList<NetbootRow> rows)
    {
        var lines = new List<string>();
        double? tftp = Peer(rows, NetbootPeer.TftpRate), dhcp = Peer(rows, NetbootPeer.DhcpBound);
        foreach (string board in rows.Where(row => !row.IsPeer && row.What == Upload).Select(row => row.Board).Distinct())
        {
            if (Find(rows, board, Upload)?.Median is { } upload && tftp is { } peerRate)
            {
                double ratio = upload / peerRate;
                lines.Add($"{board}: upload {Number(upload, MibPerSecond)} MiB/s, {Number(ratio, "x")}x U-Boot's tftpboot {Number(peerRate, MibPerSecond)} MiB/s "
                    + $"(target {Number(RateTarget, "x")}x: {(ratio >= RateTarget ? "met" : "not met")})");
            }
            if (Find(rows, board, FirstPing)?.Median is { } ping && dhcp is { } peerTime)
            {
                double ratio = ping / peerTime;
                lines.Add($"{board}: first ping6 {Number(ping, Seconds)} s after QEMU start, {Number(ratio, "x")}x U-Boot's DHCP bound {Number(peerTime, Seconds)} s "
                    + $"(target {Number(FirstPingTarget, "x")}x: {(ratio <= FirstPingTarget ? "met" : "not met")})");
            }
        }
        return lines;
    }

    /// <summary>Appends the table and the verdicts, as plain text under a timestamp and the command line, to <paramref name="file"/>.</summary>
    public static void Append(string file, Table table, IReadOnlyList<string> verdicts, string commandLine) =>
        IdleTable.Append(file, table, verdicts, commandLine);

    private static string Ratio(NetbootRow row, IReadOnlyList<NetbootRow> rows) =>
        row.ComparedWith != NetbootPeer.None && row.Median is { } value && Peer(rows, row.ComparedWith) is { } peer
            ? Number(value / peer, "x") + "x"
            : "-";

    /// <summary>U-Boot's median for the comparison, if it was measured.</summary>
    private static double? Peer(IReadOnlyList<NetbootRow> rows, NetbootPeer comparison) =>
        rows.FirstOrDefault(row => row.IsPeer && row.ComparedWith == comparison && row.Failure is null)?.Median;

    private static NetbootRow? Find(IReadOnlyList<NetbootRow> rows, string board, string what) =>
        rows.FirstOrDefault(row => row.Board == board && row.What == what && row.Failure is null);

    private static string Number(double? value, string unit) => value is { } v && !double.IsNaN(v)
        ? v.ToString(unit switch { Seconds => "0.000", FramesPerSecond => "0", "x" => "0.00", _ => "0.0" }, CultureInfo.InvariantCulture)
        : "-";

    private static string Size(long bytes) => bytes % (1 << 20) == 0 ? $"{bytes >> 20} MiB" : $"{bytes} bytes";
}
