using Microsoft.CodeAnalysis;
using Unikernel.Registers.Boards;
using Unikernel.Tool.Boards;

namespace Unikernel.Tests.Registers;

/// <summary>
/// One broken board file per kind of mistake: the register generator reports it as a compiler
/// error at its file, line and column, and the tool (which reads the file with the same reader)
/// shows the same message.
/// </summary>
public class BoardFileDiagnosticTests
{
    private const string Board = "boards/test-board.yaml";

    /// <summary>A board with every section, so that each can be broken.</summary>
    private const string Valid = """
        name: test-board
        description: A test board
        soc: s
        cpu: cortex-a53
        arch: arm64
        console: { uart: UART0, clock: 24000000, baud: 115200 }
        timer: { frequency: 24000000 }
        ethernet: { phy: RTL8211E, address: 1, interface: rgmii, tx-delay-ps: 0, rx-delay-ps: 0 }
        pmic: { device: axp803, bus: rsb, address: 0x3A3 }
        power:
          DCDC5: { consumer: vcc-dram, min-mv: 1500, max-mv: 1500, target-mv: 1500 }
        memory:
          sram: { base: 0x0, size: 0x10000 }
          dram: { base: 0x40000000, size: 0x40000000 }
        image:
          entry: aarch64
          format: egon
          load: { region: sram, offset: 0, limit: 0x8000 }
          ram: { region: sram, offset: 0x8000, size: 0x8000 }
          heap: 0x2000
          stack: 0x4000
          aarch32-switch: { rvbar: 0x017000A0, stub-size: 0x80 }
        second-stage:
          card-offset: 0xa000
          load: { region: dram, offset: 0, limit: 0x100000 }
          ram: { region: dram, offset: 0x100000, size: 0x1f00000 }
          heap: 0x1000000
          stack: 0x10000
        kernel:
          load: { region: dram, offset: 0x2000000, limit: 0x1000000 }
          ram: { region: dram, offset: 0x3000000, size: 0x1000000 }
          heap: 0x100000
          stack: 0x10000
        emulator:
          command: qemu-system-aarch64
          machine: virt
          options: [-m, 512M]
          boot: bios

        """;

    private sealed record Mistake(string Find, string Replace, string Id, int Line, int Column, string Message)
    {
        public string Text
        {
            get
            {
                Assert.Contains(Find, Valid);
                return Valid.Replace(Find, Replace);
            }
        }
    }

    private static readonly Dictionary<string, Mistake> Mistakes = new()
    {
        ["yaml syntax"] = new("soc: s\n", "soc: s: x\n", "UK0001", 3, 7, "not valid YAML"),
        ["unterminated flow sequence"] = new("soc: s\n", "soc: [s\n", "UK0001", 3, 6, "not valid YAML"),
        ["unknown key"] = new("cpu: cortex-a53\n", "cpu: cortex-a53\ncpus: 4\n", "UK0002", 5, 1, "unknown key 'cpus'; expected one of: name, description"),
        ["missing key"] = new("cpu: cortex-a53\n", "", "UK0003", 1, 1, "'cpu' is required"),
        ["missing section"] = new("console: { uart: UART0, clock: 24000000, baud: 115200 }\n", "", "UK0003", 1, 1, "'console' is required: a mapping"),
        ["missing number"] = new(", baud: 115200 }", " }", "UK0003", 6, 10, "'baud' is required: a number"),
        ["number that does not parse"] = new("heap: 0x2000", "heap: 0x2g00", "UK0004", 20, 9, "'heap' must be a number such as 0x8000 or 32768, not '0x2g00'"),
        ["unknown architecture"] = new("arch: arm64", "arch: riscv64", "UK0004", 5, 7, "arch must be 'arm' (ARMv7-A) or 'arm64' (AArch64), not 'riscv64'"),
        ["unknown image format"] = new("format: egon", "format: elf", "UK0004", 17, 11, "format must be 'egon' or 'raw', not 'elf'"),
        ["rgmii delay the syscon cannot set"] = new("tx-delay-ps: 0", "tx-delay-ps: 250", "UK0004", 8, 71, "'tx-delay-ps' must be a multiple of 100 from 0 to 700, not 250"),
        ["second stage over the first"] = new("card-offset: 0xa000", "card-offset: 0x9000", "UK0004", 24, 16, "card-offset must be a multiple of 512 past the first stage (at least 0xa000), not 0x9000"),
        ["unknown emulator boot"] = new("boot: bios", "boot: floppy", "UK0004", 38, 9, "boot must be 'sdcard' or 'bios', not 'floppy'"),
        ["emulator options not a list"] = new("options: [-m, 512M]", "options: -m 512M", "UK0004", 37, 12, "options must be a list of words"),
        ["section not a mapping"] = new("timer: { frequency: 24000000 }", "timer: 24000000", "UK0004", 7, 8, "'timer' must be a mapping"),
        ["power target outside its range"] = new("target-mv: 1500 }", "target-mv: 1600 }", "UK0004", 11, 3, "rail 'DCDC5' needs min-mv <= target-mv <= max-mv"),
        ["duplicate region name"] = new("  dram: { base: 0x40000000, size: 0x40000000 }\n", "  dram: { base: 0x40000000, size: 0x40000000 }\n  SRAM: { base: 0x90000000, size: 0x1000 }\n", "UK0010", 15, 3, "'SRAM' is defined twice in memory"),
        ["unknown region"] = new("ram: { region: sram, offset: 0x8000", "ram: { region: sdram, offset: 0x8000", "UK0011", 19, 18, "no memory region 'sdram'; the board has: sram, dram"),
        ["overlapping regions"] = new("dram: { base: 0x40000000", "dram: { base: 0x8000", "UK0015", 14, 3, "memory region 'dram' overlaps 'sram'"),
        ["slice past the end of its region"] = new("limit: 0x1000000", "limit: 0x40000000", "UK0016", 30, 9, "offset 0x2000000 + limit 0x40000000 runs past the end of region 'dram' (0x40000000 bytes)"),
        ["heap and stack larger than ram"] = new("stack: 0x4000", "stack: 0x7000", "UK0016", 20, 9, "heap (0x2000) and stack (0x7000) do not fit the ram slice of 0x8000 bytes"),
        ["name that differs from the file name"] = new("name: test-board", "name: other", "UK0017", 1, 7, "the board is named 'other' but its file is 'test-board.yaml'; make them match"),
    };

    public static TheoryData<string> MistakeNames() => [.. Mistakes.Keys];

    private static Diagnostic Generate(string text)
    {
        var result = GeneratorHarness.Run([GeneratorHarness.File(Board, text)], "class Empty { }");
        Assert.DoesNotContain(result.Run.Results.SelectMany(r => r.GeneratedSources), s => s.HintName == "Board.test-board.g.cs");
        return Assert.Single(result.GeneratorDiagnostics);
    }

    [Theory]
    [MemberData(nameof(MistakeNames))]
    public void The_generator_reports_it_where_it_is(string name)
    {
        var mistake = Mistakes[name];
        var diagnostic = Generate(mistake.Text);
        Assert.Equal(mistake.Id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        var span = diagnostic.Location.GetLineSpan();
        Assert.Equal(GeneratorHarness.Root + Board, span.Path);
        Assert.Equal((mistake.Line, mistake.Column), (span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1));
        Assert.Contains(mistake.Message, diagnostic.GetMessage());
    }

    [Theory]
    [MemberData(nameof(MistakeNames))]
    public void The_tool_shows_the_same_message(string name)
    {
        var mistake = Mistakes[name];
        var diagnostic = Generate(mistake.Text);
        var error = Assert.Throws<BoardFileException>(() => BoardCatalog.Parse(GeneratorHarness.Root + Board, mistake.Text));
        Assert.Equal($"{GeneratorHarness.Root + Board}({mistake.Line},{mistake.Column}): {diagnostic.Id}: {diagnostic.GetMessage()}", error.Message);
    }

    [Fact]
    public void The_valid_board_has_no_diagnostics_and_reads_whole()
    {
        var result = GeneratorHarness.Run([GeneratorHarness.File(Board, Valid)], "class Empty { }");
        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Contains("public const ulong CardOffset = 0xA000;", result.Source("Board.test-board.g.cs"));

        var board = BoardCatalog.Parse(GeneratorHarness.Root + Board, Valid);
        Assert.Equal(new ConsoleUart("UART0", 24000000, 115200, board.Console.UartPosition), board.Console);
        Assert.Equal(24000000UL, board.TimerFrequency);
        Assert.Equal(new EthernetPhy("RTL8211E", 1, "rgmii", 0, 0), board.Ethernet);
        Assert.Equal(new Pmic("axp803", "rsb", 0x3A3), board.Pmic);
        Assert.Equal([new PowerRail("DCDC5", "vcc-dram", 1500, 1500, 1500)], board.Power!);
        Assert.Equal(new Aarch32Switch(0x017000A0, 0x80), board.Aarch32Switch);
        Assert.Equal(0x40000000UL, board.SecondStage!.Layout.Load.Address);
        Assert.Equal(0x43000000UL, board.Kernel!.Ram.Address);
        Assert.Equal(new[] { "-m", "512M" }, board.Emulator!.Options);
        Assert.Equal(EmulatorBoot.Bios, board.Emulator.Boot);
    }

    [Fact]
    public void Several_mistakes_are_all_reported()
    {
        string text = Mistakes["unknown architecture"].Text.Replace("format: egon", "format: elf").Replace("stack: 0x4000", "stack: 0x7000");
        var result = GeneratorHarness.Run([GeneratorHarness.File(Board, text)], "class Empty { }");
        Assert.Equal(["UK0004", "UK0004", "UK0016"], result.GeneratorDiagnostics.Select(d => d.Id).Order());
        var error = Assert.Throws<BoardFileException>(() => BoardCatalog.Parse(GeneratorHarness.Root + Board, text));
        Assert.Equal(3, error.Diagnostics.Count);
        Assert.Equal(3, error.Message.Split('\n').Length);
    }

    // ---- the console UART, checked against the board's SoC ----

    private const string Soc = "soc: s\nperipherals:\n  UART:\n    block: b\n    instances: { UART0: { base: 0x1000 } }\n";

    [Fact]
    public void A_console_uart_the_soc_lacks_is_UK0011_in_the_generator()
    {
        string text = Valid.Replace("uart: UART0", "uart: UART9");
        var result = GeneratorHarness.Run([GeneratorHarness.File(Board, text), GeneratorHarness.File("s.yaml", Soc)], "class Empty { }");
        var diagnostic = Assert.Single(result.GeneratorDiagnostics, d => d.Location.GetLineSpan().Path.EndsWith(Board, StringComparison.Ordinal));
        Assert.Equal("UK0011", diagnostic.Id);
        Assert.Equal((6, 18), (diagnostic.Location.GetLineSpan().StartLinePosition.Line + 1, diagnostic.Location.GetLineSpan().StartLinePosition.Character + 1));
        Assert.Equal("console UART 'UART9' is not an instance of SoC 's'", diagnostic.GetMessage());
    }

    [Fact]
    public void A_console_uart_the_soc_lacks_is_the_same_message_in_the_tool()
    {
        string root = Path.Combine(Path.GetTempPath(), "uk-boards-" + Guid.NewGuid().ToString("N"));
        try
        {
            string board = Path.Combine(root, "hardware", "boards", "test-board.yaml");
            Directory.CreateDirectory(Path.GetDirectoryName(board)!);
            File.WriteAllText(board, Valid.Replace("uart: UART0", "uart: UART9"));
            File.WriteAllText(Path.Combine(root, "hardware", "s.yaml"), Soc);
            var error = Assert.Throws<BoardFileException>(() => BoardCatalog.Load(root, "test-board"));
            Assert.Equal($"{board}(6,18): UK0011: console UART 'UART9' is not an instance of SoC 's'", error.Message);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    // ---- the network device, checked against the board's SoC as the console is ----

    [Fact]
    public void A_network_device_the_soc_lacks_is_UK0011_at_its_name()
    {
        string text = Valid.Replace("timer: { frequency: 24000000 }", "timer: { frequency: 24000000 }\nnetwork: { device: VIRTIO31 }");
        var result = GeneratorHarness.Run([GeneratorHarness.File(Board, text), GeneratorHarness.File("s.yaml", Soc)], "class Empty { }");
        var diagnostic = Assert.Single(result.GeneratorDiagnostics, d => d.Location.GetLineSpan().Path.EndsWith(Board, StringComparison.Ordinal));
        Assert.Equal("UK0011", diagnostic.Id);
        Assert.Equal((8, 20), (diagnostic.Location.GetLineSpan().StartLinePosition.Line + 1, diagnostic.Location.GetLineSpan().StartLinePosition.Character + 1));
        Assert.Equal("network device 'VIRTIO31' is not an instance of SoC 's'", diagnostic.GetMessage());
    }

    [Fact]
    public void A_network_device_of_the_soc_gives_its_base_and_interrupt()
    {
        string soc = "soc: s\ninclude: [b.yaml]\nperipherals:\n  UART:\n    block: b\n    instances: { UART0: { base: 0x1000 } }\n  NIC:\n    block: b\n    instances: { NIC0: { base: 0x2000, irq: 79 } }\n";
        string text = Valid.Replace("timer: { frequency: 24000000 }", "timer: { frequency: 24000000 }\nnetwork: { device: NIC0 }");
        var result = GeneratorHarness.Run([GeneratorHarness.File(Board, text), GeneratorHarness.File("s.yaml", soc),
            GeneratorHarness.File("b.yaml", "block: b\nregisters:\n  R: { offset: 0x0 }\n")], "class Empty { }");
        Assert.Empty(result.GeneratorDiagnostics);
        string board = result.Source("Board.test-board.g.cs");
        Assert.Contains("public const string Device = \"NIC0\";", board);
        Assert.Contains("public const nuint Base = global::Unikernel.Hardware.S.Nic0.Base;", board);
        Assert.Contains("public const int Irq = global::Unikernel.Hardware.S.Nic0.Irq;", board);
    }
}
