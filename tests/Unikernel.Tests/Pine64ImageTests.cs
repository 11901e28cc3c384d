using System.Buffers.Binary;
using Unikernel.Tool.Build;

namespace Unikernel.Tests;

/// <summary>
/// No emulator has an A64, so the pine64-plus image is checked as the boot ROM and the CPU
/// would see it: header and checksum, the AArch32 start, the AArch64 code and its vectors.
/// </summary>
[Collection("Images")]
public class Pine64ImageTests(ImageFixture images)
{
    private BuiltImage Image => images.Bootloaders["pine64-plus"];

    [Fact]
    public void Has_a_valid_egon_header_length_and_checksum()
    {
        byte[] binary = File.ReadAllBytes(Image.Binary);
        Assert.Null(EgonImage.Validate(binary));
        Assert.Equal((uint)binary.Length, BinaryPrimitives.ReadUInt32LittleEndian(binary.AsSpan(16)));
        Assert.Equal(0, binary.Length % 512);
    }

    [Fact]
    public void Fits_the_32_KiB_the_boot_rom_loads()
    {
        Assert.InRange(new FileInfo(Image.Binary).Length, 1, 32 * 1024);
        Assert.True(Image.Size.Fits);
    }

    [Fact]
    public void First_instruction_is_an_a32_branch_over_the_header()
    {
        uint first = BinaryPrimitives.ReadUInt32LittleEndian(File.ReadAllBytes(Image.Binary));
        // A32 B: cond 1110 (always), bits 27..24 = 1010; target = pc + 8 + imm24 * 4 (ARMv7 ARM, A8.8.18).
        Assert.Equal(0xEA000000u, first & 0xFF000000u);
        int target = 8 + ((int)(first << 8) >> 6);
        Assert.Equal(32, target); // the eGON header is 32 bytes
        string disassembly = Disassemble("--triple=armv7a", Path.Combine(Image.Directory, "obj", "aarch32-stub.o"));
        Assert.Matches(@"0:\s+[0-9a-f ]+\s+b\s", disassembly);
    }

    [Fact]
    public void Aarch32_stub_writes_the_aarch64_entry_to_rvbar_and_requests_a_warm_reset()
    {
        string stub = Path.Combine(Image.Directory, "obj", "aarch32-stub.o");
        string disassembly = Disassemble("--triple=armv7a", stub);
        Assert.Contains("mcr\tp15, #0, r0, c12, c0, #2", disassembly); // RMR write
        byte[] binary = File.ReadAllBytes(Image.Binary);
        byte[] stubBytes = File.ReadAllBytes(Path.Combine(Image.Directory, "obj", "aarch32-stub.bin"));
        // The image starts with the stub, except for the length and checksum sealed in after linking.
        Assert.Equal(stubBytes[..12], binary[..12]);
        Assert.Equal(stubBytes[20..], binary[20..stubBytes.Length]);
        // Its literal pool holds RVBAR (CPUCFG 0x017000A0) and the address of _start.
        var elf = ElfFile.Read(Image.Elf);
        ulong start = elf.FindSymbol("_start")!.Value;
        var words = Enumerable.Range(0, stubBytes.Length / 4).Select(i => BinaryPrimitives.ReadUInt32LittleEndian(stubBytes.AsSpan(i * 4))).ToList();
        Assert.Contains(0x017000A0u, words);
        Assert.Contains((uint)start, words);
        Assert.Equal(0x10080UL, start);
    }

    [Fact]
    public void Aarch64_code_disassembles_with_an_aligned_vector_table()
    {
        var elf = ElfFile.Read(Image.Elf);
        Assert.Equal(183, elf.Machine); // EM_AARCH64
        ulong vectors = elf.FindSymbol("__vectors")!.Value;
        Assert.Equal(0UL, vectors % 2048);
        string disassembly = Disassemble("-d", Image.Elf);
        Assert.Contains("<_start>:", disassembly);
        Assert.Contains("msr\tVBAR_EL3, x0", disassembly);
        Assert.Contains($"{vectors:x16} <__vectors>:", disassembly);
        // The table is the last of the entry code (src/Platform/Entry/aarch64.S): up to
        // __entry_code_end, by address (another symbol, such as __unikernel_core_index, may share
        // it and be the label objdump prints there).
        ulong end = elf.FindSymbol("__entry_code_end")!.Value;
        var table = disassembly.Split("<__vectors>:")[1].Split('\n')
            .TakeWhile(line => !TryAddress(line, out ulong address) || address < end);
        Assert.DoesNotContain(table, line => line.Contains("<unknown>"));
    }

    /// <summary>The address an objdump line starts with ("   10f84: d5 03 20 9f  nop"), if it has one.</summary>
    private static bool TryAddress(string line, out ulong address)
    {
        address = 0;
        int colon = line.IndexOf(':');
        return colon > 0 && ulong.TryParse(line[..colon].Trim(), System.Globalization.NumberStyles.HexNumber, null, out address);
    }

    private static string Disassemble(string option, string file)
    {
        var arguments = option == "-d" ? new[] { "-d", file } : new[] { "-d", option, file };
        return ExternalProcess.Run("disassembling", "llvm-objdump", arguments).Output;
    }

    /// <summary>
    /// The full init sequence is linked in (ilc drops whatever is not called, so a step missing
    /// from the board code is missing here): the first stage's PMIC, DRAM, SD card and checked
    /// second-stage load; the second stage's SoC steps, Ethernet and the netboot service.
    /// </summary>
    [Theory]
    [InlineData("first", "Pine64PlusPmic_2<", "__BringUp")]
    [InlineData("first", "DramController_3<", "A64DramClock_2<", "__Initialize")]
    [InlineData("first", "SmhcSdCard_3<", "__Initialize")]
    [InlineData("first", "SecondStage__Load")]
    [InlineData("first", "Sha256__ProcessBlocks")]
    [InlineData("second", "CpuFrequency_3<", "Pine64PlusCpuSupply_2<", "__SetOperatingPoint")]
    [InlineData("second", "A64ThermalSensor_2<", "__ReadMillicelsius")]
    [InlineData("second", "Sun6iRtc_2<", "__Read")]
    [InlineData("second", "Sun6iWatchdog_2<", "__Arm")]
    [InlineData("second", "Sun6iWatchdog_2<", "__Feed")]
    [InlineData("second", "Sun6iWatchdog_2<", "__Reboot")]
    [InlineData("second", "EmacClocks__EnableA64Rgmii")]
    [InlineData("second", "RgmiiPins_1<", "__ConfigureA64")]
    [InlineData("second", "EmacDriver_3<", "__Start")]
    [InlineData("second", "NetbootService_2<", "__Step")]
    [InlineData("second", "Mmu__Enable")]
    public void Each_init_step_is_linked_in(string stage, params string[] parts)
    {
        string elf = stage == "first" ? Image.Elf : Image.SecondStage!.Elf;
        var symbols = ExternalProcess.Run("listing symbols", "llvm-nm", ["--defined-only", elf]).Output.Split('\n');
        Assert.Contains(symbols, line => parts.All(part => line.Contains(part, StringComparison.Ordinal)));
    }
}
