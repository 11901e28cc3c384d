using Microsoft.CodeAnalysis;

namespace Unikernel.Tests.Registers;

/// <summary>One broken register map per diagnostic: the ID, and the line and column it points at.</summary>
public class DiagnosticTests
{
    private static Diagnostic Single(params (string Path, string Text)[] files)
    {
        var result = GeneratorHarness.Run(files.Select(f => GeneratorHarness.File(f.Path, f.Text)), "class Empty { }");
        return Assert.Single(result.GeneratorDiagnostics);
    }

    private static void AssertAt(Diagnostic diagnostic, string id, string path, int line, int column)
    {
        Assert.Equal(id, diagnostic.Id);
        var span = diagnostic.Location.GetLineSpan();
        Assert.Equal(GeneratorHarness.Root + path, span.Path);
        Assert.Equal((line, column), (span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1));
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
    }

    private const string Block = "blocks/b.yaml";

    [Fact]
    public void UK0001_yaml_syntax() =>
        AssertAt(Single((Block, "block: b\nregisters:\n  A: { offset: 0x0\n  B: 1\n")), "UK0001", Block, 3, 14);

    [Fact]
    public void UK0002_unknown_key() =>
        AssertAt(Single((Block, "block: b\nregisters:\n  A:\n    ofset: 0x4\n    offset: 0x0\n")), "UK0002", Block, 4, 5);

    [Fact]
    public void UK0003_missing_key() =>
        AssertAt(Single((Block, "block: b\nregisters:\n  A:\n    offset: 0x0\n    fields:\n      F: { access: ro }\n")), "UK0003", Block, 6, 7);

    [Fact]
    public void UK0004_invalid_value() =>
        AssertAt(Single((Block, "block: b\nregisters:\n  A: { offset: 0x0, access: rwx }\n")), "UK0004", Block, 3, 29);

    [Fact]
    public void UK0005_overlapping_registers() =>
        AssertAt(Single((Block, "block: b\nregisters:\n  A: { offset: 0x0, width: 64 }\n  B: { offset: 0x4 }\n")), "UK0005", Block, 4, 3);

    [Fact]
    public void UK0006_overlapping_fields() =>
        AssertAt(Single((Block, "block: b\nregisters:\n  A:\n    offset: 0x0\n    fields:\n      X: { bits: \"3:0\" }\n      Y: { bits: \"4:3\" }\n")), "UK0006", Block, 7, 7);

    [Fact]
    public void UK0007_field_outside_register() =>
        AssertAt(Single((Block, "block: b\nregisters:\n  A:\n    offset: 0x0\n    width: 16\n    fields:\n      X: { bits: \"16:8\" }\n")), "UK0007", Block, 7, 7);

    [Fact]
    public void UK0008_reset_wider_than_register() =>
        AssertAt(Single((Block, "block: b\nregisters:\n  A: { offset: 0x0, width: 8, reset: 0x100 }\n")), "UK0008", Block, 3, 3);

    [Fact]
    public void UK0009_reset_outside_fields() =>
        AssertAt(Single((Block, "block: b\nregisters:\n  A:\n    offset: 0x0\n    reset: 0x11\n    fields:\n      X: { bits: \"3:0\" }\n")), "UK0009", Block, 3, 3);

    [Fact]
    public void UK0010_duplicate_name() =>
        AssertAt(Single((Block, "block: b\nregisters:\n  RX_CTL: { offset: 0x0 }\n  rx_ctl: { offset: 0x4 }\n")), "UK0010", Block, 4, 3);

    [Fact]
    public void UK0011_unknown_include() =>
        AssertAt(Single(("s.yaml", "soc: s\ninclude: [blocks/missing.yaml]\nperipherals: {}\n")), "UK0011", "s.yaml", 2, 11);

    [Fact]
    public void UK0011_unknown_block() =>
        AssertAt(Single(
            (Block, "block: b\nregisters:\n  A: { offset: 0x0 }\n"),
            ("s.yaml", "soc: s\ninclude: [blocks/b.yaml]\nperipherals:\n  P:\n    block: c\n    instances: { P0: { base: 0x1000 } }\n")),
            "UK0011", "s.yaml", 4, 3);

    [Fact]
    public void UK0012_unknown_enum() =>
        AssertAt(Single((Block, "block: b\nregisters:\n  A:\n    offset: 0x0\n    fields:\n      X: { bits: \"1:0\", enum: MODE }\n")), "UK0012", Block, 6, 7);

    [Fact]
    public void UK0013_overlapping_instances() =>
        AssertAt(Single(
            (Block, "block: b\nregisters:\n  A: { offset: 0x0 }\n  B: { offset: 0x40 }\n"),
            ("s.yaml", "soc: s\ninclude: [blocks/b.yaml]\nperipherals:\n  P:\n    block: b\n    instances:\n      P0: { base: 0x1000 }\n      P1: { base: 0x1020 }\n")),
            "UK0013", "s.yaml", 8, 7);

    [Fact]
    public void UK0014_enum_value_too_wide() =>
        AssertAt(Single((Block, "block: b\nregisters:\n  A:\n    offset: 0x0\n    fields:\n      X: { bits: \"1:0\", values: { ONE: 1, FOUR: 4 } }\n")), "UK0014", Block, 6, 43);

    // Board files have a reader of their own (BoardFileDiagnosticTests): a key of a register map is
    // not expected there, and the board's mistakes are reported as board-file diagnostics.
    [Fact]
    public void Board_files_are_read_as_board_files()
    {
        var result = GeneratorHarness.Run([GeneratorHarness.File("boards/x.yaml", "name: x\nblock: b\n")], "class Empty { }");
        AssertAt(result.GeneratorDiagnostics.First(d => d.Id == "UK0002"), "UK0002", "boards/x.yaml", 2, 1);
        Assert.Contains(result.GeneratorDiagnostics, d => d.GetMessage().Contains("'arch' is required"));
        Assert.DoesNotContain(result.GeneratorDiagnostics, d => d.GetMessage().Contains("register"));
    }
}
