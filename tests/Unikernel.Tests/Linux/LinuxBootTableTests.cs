using Unikernel.Tool.Bench;

namespace Unikernel.Tests.Linux;

/// <summary>What `unikernel bench --linux` prints, without QEMU: ratios to U-Boot, the target and the verdict, and a row not measured.</summary>
public sealed class LinuxBootTableTests
{
    private static LinuxBootRow UBoot => new(LinuxBootTable.UBoot, "sd", [13.0, 14.0, 13.4], [4, 4, 4]);

    [Fact]
    public void The_verdict_sets_our_median_against_half_of_u_boots()
    {
        var met = LinuxBootTable.Verdicts([UBoot, new(LinuxBootTable.Ours, "tcp", [6.0, 6.9, 6.5], [4, 4, 4])]);
        Assert.Equal(["orangepi-pc: Linux to /init 6.50 s with ours, 0.49x U-Boot's 13.40 s (target 0.5x: met)"], met);
        var missed = LinuxBootTable.Verdicts([UBoot, new(LinuxBootTable.Ours, "tcp", [7.0], [1])]);
        Assert.EndsWith("(target 0.5x: not met)", Assert.Single(missed));
    }

    [Fact]
    public void Without_our_boot_or_u_boot_there_is_no_verdict_and_the_row_says_why()
    {
        var unavailable = new LinuxBootRow(LinuxBootTable.Ours, "tcp", [], [], Unavailable: "not plugged in");
        Assert.Empty(LinuxBootTable.Verdicts([UBoot, unavailable]));
        Assert.Empty(LinuxBootTable.Verdicts([new(LinuxBootTable.UBoot, "sd", [], [], Failure: "no prompt"), new(LinuxBootTable.Ours, "tcp", [6.0], [4])]));
        Assert.False(unavailable.Measured);
        Assert.Null(unavailable.Median);

        var writer = new StringWriter();
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings { Out = new Spectre.Console.AnsiConsoleOutput(writer), Ansi = Spectre.Console.AnsiSupport.No });
        console.Profile.Width = 250;
        console.Write(LinuxBootTable.Create([UBoot, unavailable], 3));
        string text = writer.ToString();
        Assert.Contains("not plugged in", text);
        Assert.Contains("1.00x", text);
        Assert.Contains("6.70", text);
    }
}
