using Microsoft.CodeAnalysis;

namespace Unikernel.Tests.Registers;

/// <summary>The board file's power section: typed constants per rail, and a diagnostic for each mistake.</summary>
public class BoardPowerTests
{
    private const string Board = "boards/x.yaml";
    private const string Head = "name: x\ndescription: X\nsoc: s\npower:\n";
    // The rest of a valid board, after the rails (which start on line 5).
    private const string Tail = "cpu: c\narch: arm\nconsole: { uart: UART0, clock: 24000000, baud: 115200 }\n"
        + "memory:\n  sram: { base: 0x0, size: 0x10000 }\n"
        + "image:\n  entry: armv7\n  format: raw\n  load: { region: sram, limit: 0x8000 }\n  ram: { region: sram, offset: 0x8000, size: 0x8000 }\n  heap: 0x2000\n  stack: 0x4000\n";

    private static (string? Code, IReadOnlyList<Diagnostic> Diagnostics) Generate(string power)
    {
        var result = GeneratorHarness.Run([GeneratorHarness.File(Board, Head + power + Tail)], "class Empty { }");
        string? code = result.Run.Results.SelectMany(r => r.GeneratedSources)
            .Where(s => s.HintName == "Board.x.g.cs").Select(s => s.SourceText.ToString()).SingleOrDefault();
        return (code, result.GeneratorDiagnostics);
    }

    private static void AssertAt(Diagnostic diagnostic, string id, int line, int column)
    {
        Assert.Equal(id, diagnostic.Id);
        var span = diagnostic.Location.GetLineSpan();
        Assert.Equal(GeneratorHarness.Root + Board, span.Path);
        Assert.Equal((line, column), (span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1));
    }

    [Fact]
    public void Each_rail_becomes_constants()
    {
        var (code, diagnostics) = Generate("  DCDC5: { consumer: vcc-dram, min-mv: 1360, max-mv: 1500, target-mv: 1500 }\n  DC1SW: { consumer: \"vcc-phy\", min-mv: 3300, max-mv: 3300, target-mv: 3300 }\n");
        Assert.Empty(diagnostics);
        Assert.NotNull(code);
        Assert.Contains("public static class Power", code);
        Assert.Contains("public static class Dcdc5\n        {\n            public const string Rail = \"DCDC5\";\n            public const string Consumer = \"vcc-dram\";\n"
            + "            public const int MinMillivolts = 1360;\n            public const int MaxMillivolts = 1500;\n            public const int TargetMillivolts = 1500;\n", code);
        Assert.Contains("public static class Dc1sw", code);
    }

    [Fact]
    public void An_unknown_key_in_a_rail_is_UK0002() =>
        AssertAt(Assert.Single(Generate("  DCDC5: { consumer: d, min-mv: 1500, max-mv: 1500, target-mv: 1500, volts: 1.5 }\n").Diagnostics), "UK0002", 5, 70);

    [Fact]
    public void A_missing_bound_is_UK0003() =>
        AssertAt(Assert.Single(Generate("  DCDC5: { consumer: d, min-mv: 1500, target-mv: 1500 }\n").Diagnostics), "UK0003", 5, 3);

    [Fact]
    public void A_target_outside_its_range_is_UK0004() =>
        AssertAt(Assert.Single(Generate("  DCDC2: { consumer: cpu, min-mv: 1040, max-mv: 1300, target-mv: 1400 }\n").Diagnostics), "UK0004", 5, 3);

    [Fact]
    public void A_voltage_that_is_not_a_number_is_UK0004() =>
        AssertAt(Assert.Single(Generate("  DCDC2: { consumer: cpu, min-mv: low, max-mv: 1300, target-mv: 1100 }\n").Diagnostics), "UK0004", 5, 35);

    [Fact]
    public void A_rail_without_a_mapping_is_UK0004() =>
        AssertAt(Assert.Single(Generate("  DCDC2: 1100\n").Diagnostics), "UK0004", 5, 10);
}
