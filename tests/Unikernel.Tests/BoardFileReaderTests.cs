using Unikernel.Tool;
using Unikernel.Registers.Boards;
using Unikernel.Tool.Boards;

namespace Unikernel.Tests;

public class BoardFileReaderTests
{
    private const string Valid = """
        name: test-board
        description: A test board
        soc: h3
        cpu: cortex-a7
        arch: arm
        console: { uart: UART0, clock: 24000000, baud: 115200 }
        memory:
          sram: { base: 0x0, size: 0x10000 }
          dram: { base: 0x40000000, size: 0x40000000 }
        image:
          entry: armv7
          format: egon
          load: { region: sram, offset: 0, limit: 0x8000 }
          ram: { region: sram, offset: 0x8000, size: 0x8000 }
          heap: 0x2000
          stack: 0x4000
        """;

    private static BoardFile Parse(string text) => BoardCatalog.Parse("/boards/test-board.yaml", text);

    private static BoardFileException Fails(string text) => Assert.Throws<BoardFileException>(() => Parse(text));

    [Fact]
    public void Reads_a_valid_board()
    {
        var board = Parse(Valid);
        Assert.Equal("test-board", board.Name);
        Assert.Equal("arm", board.Arch);
        Assert.Equal(ImageFormat.Egon, board.Format);
        Assert.Equal(0x8000UL, board.LoadLimit);
        Assert.Equal(0x8000UL, board.Ram.Address);
        Assert.Null(board.Emulator);
    }

    [Theory]
    [InlineData("orangepi-pc", "arm", ImageFormat.Egon, 0x8000UL)]
    [InlineData("pine64-plus", "arm64", ImageFormat.Egon, 0x8000UL)]
    [InlineData("qemu-virt", "arm64", ImageFormat.Raw, 0x4000000UL)]
    public void Reads_the_project_boards(string name, string arch, ImageFormat format, ulong limit)
    {
        var board = BoardCatalog.Load(Repository.FindRoot(), name);
        Assert.Equal(arch, board.Arch);
        Assert.Equal(format, board.Format);
        Assert.Equal(limit, board.LoadLimit);
    }

    [Theory]
    [InlineData("orangepi-pc", 0x4200_0000UL, 0x4300_0000UL, 0x4330_0000UL)]
    [InlineData("pine64-plus", 0x4200_0000UL, 0x4FA0_0000UL, 0x4FE0_0000UL)]
    [InlineData("qemu-virt", 0x4200_0000UL, null, null)]
    public void Reads_the_linux_placements(string name, ulong kernel, ulong? tree, ulong? initrd)
    {
        var linux = BoardCatalog.Load(Repository.FindRoot(), name).Linux!;
        Assert.Equal(kernel, linux.Region.Base + linux.KernelOffset);
        Assert.Equal(tree, linux.Region.Base + linux.DeviceTreeOffset);
        Assert.Equal(initrd, linux.Region.Base + linux.InitrdOffset);
        Assert.Equal(0x1_0000UL, linux.DeviceTreeGrowth);
    }

    [Fact]
    public void Reports_a_linux_placement_past_its_region_or_in_no_region()
    {
        var error = Fails(Valid + "\nlinux: { region: dram, kernel: 0x40000000, device-tree-growth: 0x10000 }\n");
        Assert.Contains("kernel offset 0x40000000 is past the end of region 'dram'", error.Message);
        error = Fails(Valid + "\nlinux: { region: ddr, kernel: 0x2000000, device-tree-growth: 0x10000 }\n");
        Assert.Contains("no memory region 'ddr'", error.Message);
        error = Fails(Valid + "\nlinux: { region: dram, kernel: 0x2000000 }\n");
        Assert.Contains("'device-tree-growth' is required", error.Message);
        Assert.Null(Parse(Valid).Linux);
    }

    [Fact]
    public void Reports_yaml_syntax_errors_with_line_and_column()
    {
        var error = Fails(Valid.Replace("soc: h3", "soc: h3: x"));
        Assert.Equal("/boards/test-board.yaml", error.Diagnostics[0].Path);
        Assert.Equal(3, error.Diagnostics[0].Line);
        Assert.Contains("not valid YAML", error.Message);
    }

    // YamlDotNet throws InvalidOperationException, not YamlException, on this: it must still
    // become a board-file error with a position.
    [Fact]
    public void Reports_an_unterminated_flow_sequence()
    {
        var error = Fails(Valid.Replace("soc: h3", "soc: [h3"));
        Assert.Contains("unterminated", error.Message);
        Assert.True(error.Diagnostics[0].Line >= 1, $"line {error.Diagnostics[0].Line}");
    }

    [Fact]
    public void Reports_an_unknown_key_where_it_is()
    {
        var error = Fails(Valid.Replace("  heap: 0x2000", "  haep: 0x2000"));
        // 'heap' is then missing too: reported where the image mapping starts, before this.
        var unknown = Assert.Single(error.Diagnostics, d => d.Id == "UK0002");
        Assert.Equal(15, unknown.Line);
        Assert.Equal(3, unknown.Column);
        Assert.Contains("unknown key 'haep'", unknown.Message);
    }

    [Fact]
    public void Reports_a_missing_key()
    {
        var error = Fails(Valid.Replace("cpu: cortex-a7\n", ""));
        Assert.Contains("'cpu' is required", error.Message);
    }

    [Fact]
    public void Reports_a_number_that_does_not_parse()
    {
        var error = Fails(Valid.Replace("heap: 0x2000", "heap: 0x2g00"));
        Assert.Contains("must be a number", error.Message);
        Assert.Equal(15, error.Diagnostics[0].Line);
    }

    [Fact]
    public void Reports_a_region_that_does_not_exist()
    {
        var error = Fails(Valid.Replace("ram: { region: sram,", "ram: { region: sdram,"));
        Assert.Contains("no memory region 'sdram'", error.Message);
        Assert.Contains("sram, dram", error.Message);
    }

    [Fact]
    public void Reports_overlapping_regions()
    {
        var error = Fails(Valid.Replace("dram: { base: 0x40000000", "dram: { base: 0x8000"));
        Assert.Contains("overlaps 'sram'", error.Message);
    }

    [Fact]
    public void Reports_a_slice_past_the_end_of_its_region()
    {
        var error = Fails(Valid.Replace("limit: 0x8000", "limit: 0x20000"));
        Assert.Contains("runs past the end of region 'sram'", error.Message);
    }

    [Fact]
    public void Reports_heap_and_stack_larger_than_ram()
    {
        var error = Fails(Valid.Replace("stack: 0x4000", "stack: 0x7000"));
        Assert.Contains("do not fit the ram slice", error.Message);
    }

    [Fact]
    public void Reports_an_unknown_architecture()
    {
        var error = Fails(Valid.Replace("arch: arm", "arch: riscv64"));
        Assert.Contains("arch must be 'arm'", error.Message);
        Assert.Equal(5, error.Diagnostics[0].Line);
    }

    [Fact]
    public void Reports_a_console_without_its_baud_rate()
    {
        var error = Fails(Valid.Replace(", baud: 115200", ""));
        Assert.Contains("'baud' is required", error.Message);
        Assert.Equal(6, error.Diagnostics[0].Line);
    }

    [Theory]
    [InlineData("tx-delay-ps: 250")]
    [InlineData("tx-delay-ps: 800")]
    [InlineData("rx-delay-ps: 3200")]
    public void Reports_an_rgmii_delay_the_syscon_cannot_set(string delay)
    {
        string ethernet = "console: { uart: UART0, clock: 24000000, baud: 115200 }\nethernet: { phy: RTL8211E, address: 1, interface: rgmii, " + delay + " }";
        var error = Fails(Valid.Replace("console: { uart: UART0, clock: 24000000, baud: 115200 }", ethernet));
        Assert.Contains("must be a multiple of 100", error.Message);
        Assert.Equal(7, error.Diagnostics[0].Line);
    }

    [Fact]
    public void Reads_rgmii_delays_in_whole_steps()
    {
        string ethernet = "console: { uart: UART0, clock: 24000000, baud: 115200 }\nethernet: { phy: RTL8211E, address: 1, interface: rgmii, tx-delay-ps: 700, rx-delay-ps: 3100 }";
        Assert.Equal("test-board", Parse(Valid.Replace("console: { uart: UART0, clock: 24000000, baud: 115200 }", ethernet)).Name);
    }

    [Fact]
    public void Reports_a_name_that_differs_from_the_file_name()
    {
        var error = Fails(Valid.Replace("name: test-board", "name: other"));
        Assert.Contains("its file is 'test-board.yaml'", error.Message);
    }

    [Fact]
    public void Reports_an_unknown_board_with_the_known_ones()
    {
        var error = Assert.Throws<BoardFileException>(() => BoardCatalog.Load(Repository.FindRoot(), "pine64"));
        Assert.Contains("no board named 'pine64'", error.Message);
        Assert.Contains("pine64-plus", error.Message);
    }

    [Fact]
    public void Reads_a_power_section()
    {
        var board = Parse(Valid + "\npower:\n  DCDC5: { consumer: vcc-dram, min-mv: 1500, max-mv: 1500, target-mv: 1500 }\n");
        Assert.Equal("test-board", board.Name);
    }

    [Fact]
    public void Reports_an_unknown_key_in_a_power_rail()
    {
        var error = Fails(Valid + "\npower:\n  DCDC5: { consumer: vcc-dram, min-mv: 1500, max-mv: 1500, target-mv: 1500, volt: 1 }\n");
        Assert.Contains("volt", error.Message);
    }

    [Fact]
    public void Reports_a_power_target_outside_its_range()
    {
        var error = Fails(Valid + "\npower:\n  DCDC2: { consumer: cpu, min-mv: 1040, max-mv: 1300, target-mv: 1400 }\n");
        Assert.Contains("min-mv <= target-mv <= max-mv", error.Message);
    }
}
