using System.Text.RegularExpressions;
using Unikernel.Tool.Build;
using Unikernel.Tool.Emulate;

namespace Unikernel.Tests;

[Collection("Images")]
public class BootTests(ImageFixture images)
{
    private static readonly TimeSpan BootTimeout = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData("orangepi-pc", "Allwinner H3")]
    [InlineData("qemu-virt", "QEMU virt")]
    public void Bootloader_prints_its_banner(string board, string soc)
    {
        var image = images.Bootloaders[board];
        using var qemu = QemuSession.Start(image);
        string? timerLine = qemu.WaitForLine(line => line.StartsWith("  timer "), BootTimeout);
        // The generic timer: the board file's frequency where it sets one (orangepi-pc: 24 MHz,
        // which emulate also gives QEMU), QEMU virt's own 62.5 MHz otherwise; time has passed.
        var timer = Regex.Match(timerLine ?? "", @"^  timer (\d+) Hz, (\d+) us since power-on$");
        Assert.True(timer.Success, $"no timer line from {board}:\n{qemu.Output}");
        Assert.Equal(board == "orangepi-pc" ? 24_000_000L : 62_500_000L, long.Parse(timer.Groups[1].Value));
        Assert.True(long.Parse(timer.Groups[2].Value) > 0);
        string? sizeLine = qemu.WaitForLine(line => line.StartsWith("  image "), BootTimeout);
        string output = qemu.Output;
        Assert.True(sizeLine is not null, $"no banner from {board}:\n{output}");
        Assert.Contains("Unikernel bootloader", output);
        Assert.Contains($"  board {board}", output);
        Assert.Contains($"  soc   {soc}", output);
        // The build id printed is the linker's, read back from the ELF we linked.
        Assert.Contains($"  build {BuildId(image)}", output);
        var size = Regex.Match(sizeLine!, @"image (\d+) bytes at 0x([0-9a-f]+)");
        Assert.True(size.Success, sizeLine);
        Assert.Equal(LoadedBytes(image), long.Parse(size.Groups[1].Value));
        Assert.DoesNotContain("panic", output);
    }

    [Theory]
    [InlineData("orangepi-pc", 1, @"^panic: index out of range at 0x([0-9a-f]{8})$", "IndexPastEnd")]
    [InlineData("qemu-virt", 1, @"^panic: index out of range at 0x([0-9a-f]{16})$", "IndexPastEnd")]
    [InlineData("orangepi-pc", 3, @"^panic: divide by zero at 0x([0-9a-f]{8})$", "Math__DivInt32")] // ARMv7 divides in a helper
    [InlineData("qemu-virt", 3, @"^panic: divide by zero at 0x([0-9a-f]{16})$", "Program__Main")]
    [InlineData("orangepi-pc", 4, @"^panic: arithmetic overflow at 0x([0-9a-f]{8})$", "Program__Main")]
    [InlineData("qemu-virt", 4, @"^panic: arithmetic overflow at 0x([0-9a-f]{16})$", "Program__Main")]
    [InlineData("orangepi-pc", 5, @"^panic: the probe asked for a panic at 0x([0-9a-f]{8})$", "Program__Main")]
    [InlineData("qemu-virt", 5, @"^panic: the probe asked for a panic at 0x([0-9a-f]{16})$", "Program__Main")]
    public void Runtime_failure_prints_one_panic_line_naming_the_failing_method(string board, int probeCase, string pattern, string method)
    {
        var image = images.FaultProbes[board];
        string line = RunProbe(image, probeCase, 0, pattern);
        ulong address = Convert.ToUInt64(Regex.Match(line, pattern).Groups[1].Value, 16);
        var symbol = ElfFile.Read(image.Elf).SymbolAt(address);
        Assert.True(symbol is not null, $"0x{address:x} is in no symbol of {image.Elf}");
        Assert.EndsWith(method, symbol!.Name);
    }

    [Theory]
    [InlineData("orangepi-pc", @"^panic: unexpected undefined instruction, FSR 0x[0-9a-f]{8}, fault address 0x[0-9a-f]{8} at 0x([0-9a-f]{8})$")]
    [InlineData("qemu-virt", @"^panic: unexpected synchronous exception, class 0x00 \(undefined instruction\), ESR 0x02000000, fault address 0x[0-9a-f]{16} at 0x([0-9a-f]{16})$")]
    public void Undefined_instruction_is_reported_by_the_vector_table(string board, string pattern)
    {
        var image = images.FaultProbes[board];
        string line = RunProbe(image, 2, 0, pattern);
        // The faulting instruction is the word the probe wrote into a static field: in .bss, in RAM.
        ulong address = Convert.ToUInt64(Regex.Match(line, pattern).Groups[1].Value, 16);
        var bss = ElfFile.Read(image.Elf).Sections.Single(s => s.Name == ".bss");
        Assert.InRange(address, bss.Address, bss.Address + bss.Size - 4);
    }

    [Theory]
    [InlineData("orangepi-pc", 0x01F03400UL, @"^panic: unexpected data abort, FSR 0x00000008, fault address 0x01f03400 at 0x([0-9a-f]{8})$")]
    [InlineData("qemu-virt", 0x0C000000UL, @"^panic: unexpected synchronous exception, class 0x25 \(data abort\), ESR 0x[0-9a-f]{8}, fault address 0x000000000c000000 at 0x([0-9a-f]{16})$")]
    public void Bus_fault_is_reported_with_the_fault_address(string board, ulong unmapped, string pattern) =>
        RunProbe(images.FaultProbes[board], 6, unmapped, pattern);

    [Theory]
    [InlineData("orangepi-pc")]
    [InlineData("qemu-virt")]
    public void Long_division_matches_the_host(string board)
    {
        string line = RunProbe(images.FaultProbes[board], 7, 0, @"^\d+$");
        Assert.Equal(ExpectedLongDivision(7).ToString(), line);
    }

    /// <summary>The same arithmetic as FaultProbe's LongDivision, done by the host's .NET.</summary>
    private static ulong ExpectedLongDivision(uint seed)
    {
        ulong dividend = 0xFEDCBA9876543210UL / seed;
        long signed = -(long)dividend / 12345;
        return (ulong)(signed % 1000) + dividend % 977;
    }

    private static string RunProbe(BuiltImage image, int probeCase, ulong address, string pattern)
    {
        using var qemu = QemuSession.Start(image,
        [
            "-device", $"loader,addr=0x4F000000,data={probeCase},data-len=4",
            "-device", $"loader,addr=0x4F000008,data=0x{address:x},data-len=4",
        ]);
        string? line = qemu.WaitForLine(l => Regex.IsMatch(l, pattern), BootTimeout);
        Assert.True(line is not null, $"expected a line matching {pattern}; the console said:\n{qemu.Output}");
        Assert.Contains($"fault probe: case {probeCase}", qemu.Output);
        return line!;
    }

    private static string BuildId(BuiltImage image)
    {
        // .note.gnu.build-id: namesz, descsz, type, "GNU\0", then descsz bytes of hash.
        var elf = ElfFile.Read(image.Elf);
        ulong start = elf.FindSymbol("__build_id_start")!.Value;
        ulong end = elf.FindSymbol("__build_id_end")!.Value;
        var rodata = elf.Sections.Single(s => s.Name == ".rodata");
        byte[] binary = File.ReadAllBytes(image.Binary);
        ulong fileOffset = rodata.Address - image.Board.Load.Address + (start - rodata.Address);
        return Convert.ToHexStringLower(binary, (int)fileOffset, (int)(end - start));
    }

    private static long LoadedBytes(BuiltImage image)
    {
        var elf = ElfFile.Read(image.Elf);
        return (long)(elf.FindSymbol("__image_end")!.Value - elf.FindSymbol("__image_start")!.Value);
    }
}
