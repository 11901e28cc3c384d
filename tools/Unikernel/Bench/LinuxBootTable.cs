using System.Globalization;
using Spectre.Console;

namespace Unikernel.Tool.Bench;

/// <summary>The Linux boot bench's table (seconds to /init, each run, CPUs, ratio to U-Boot) and its verdict against issue 18's target.</summary>
public static class LinuxBootTable
{
    public const string Direct = "QEMU -kernel (no bootloader)";
    public const string UBoot = "U-Boot 2023.01 from SD";
    public const string UBootStartingKernel = "U-Boot: to \"Starting kernel\"";
    public const string Ours = "ours: upload --linux over TCP";

    /// <summary>Issue 18: ours at most this fraction of U-Boot's time, QEMU start to /init.</summary>
    public const double Target = 0.5;

    public static Table Create(IReadOnlyList<LinuxBootRow> rows, int runs)
    {
        double? uboot = UBootMedian(rows);
        var table = new Table()
            .Title($"Linux to /init, orangepi-pc (QEMU), median of {runs} run{(runs == 1 ? "" : "s")}")
            .AddColumn("boot")
            .AddColumn("path")
            .AddColumn(new TableColumn("s").RightAligned())
            .AddColumn("each run (s)")
            .AddColumn("CPUs")
            .AddColumn(new TableColumn("vs U-Boot").RightAligned());
        foreach (var row in rows)
        {
            if (!row.Measured)
            {
                string why = row.Unavailable is { } unavailable ? $"[yellow]{Markup.Escape(unavailable)}[/]" : $"[red]failed: {Markup.Escape(FirstLine(row.Failure ?? "no value"))}[/]";
                table.AddRow(Markup.Escape(row.Name), Markup.Escape(row.Path), "-", why, "-", "-");
                continue;
            }
            string ratio = uboot is { } peer && row.Name != UBootStartingKernel ? Number(row.Median!.Value / peer, "0.00") + "x" : "-";
            table.AddRow(Markup.Escape(row.Name), Markup.Escape(row.Path), Number(row.Median!.Value, "0.00"),
                string.Join(" ", row.Seconds.Select(value => Number(value, "0.00"))),
                row.Cpus.All(cpus => cpus is null) ? "-" : string.Join(" ", row.Cpus.Select(cpus => cpus?.ToString(CultureInfo.InvariantCulture) ?? "?")), ratio);
        }
        if (uboot is { } target)
            table.AddRow("target", Markup.Escape($"ours <= {Number(Target, "0.0")}x U-Boot's"), Number(Target * target, "0.00"), "", "", Number(Target, "0.00") + "x");
        table.Caption("Seconds from QEMU's start to the initramfs's first line (\"UNIKERNEL-INIT: up\"), as the host sees the console. "
            + "Same kernel, device tree and initramfs in every row (build/linux/). U-Boot's time includes its defaults: 2 s boot delay and USB scan. "
            + "CPUs: what /init counted in each run.");
        return table;
    }

    /// <summary>Ours against U-Boot in words, when both were measured.</summary>
    public static IReadOnlyList<string> Verdicts(IReadOnlyList<LinuxBootRow> rows)
    {
        var ours = rows.FirstOrDefault(row => row.Name == Ours && row.Measured);
        if (ours is null || UBootMedian(rows) is not { } uboot)
            return [];
        double ratio = ours.Median!.Value / uboot;
        return [$"orangepi-pc: Linux to /init {Number(ours.Median!.Value, "0.00")} s with ours, {Number(ratio, "0.00")}x U-Boot's {Number(uboot, "0.00")} s "
            + $"(target {Number(Target, "0.0")}x: {(ratio <= Target ? "met" : "not met")})"];
    }

    private static double? UBootMedian(IReadOnlyList<LinuxBootRow> rows) => rows.FirstOrDefault(row => row.Name == UBoot && row.Measured)?.Median;

    private static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string FirstLine(string text) => text.Split('\n')[0];
}
