using Unikernel.Tool;
using Unikernel.Tool.Boards;
using Unikernel.Tool.Build;

namespace Unikernel.Tests;

public class LinkerScriptTests
{
    private static string ScriptFor(string board) => LinkerScript.For(BoardCatalog.Load(Repository.FindRoot(), board));

    [Fact]
    public void Orange_pi_pc_runs_in_sram_a1_with_data_in_place()
    {
        string script = ScriptFor("orangepi-pc");
        Assert.Contains("image (rwx) : ORIGIN = 0x00000000, LENGTH = 0x8000", script); // what the boot ROM loads
        Assert.Contains("ram (rw)    : ORIGIN = 0x00008000, LENGTH = 0x8000", script);
        Assert.DoesNotContain("AT> image", script);
        Assert.Contains("ASSERT(__vectors % 32 == 0", script);
    }

    [Fact]
    public void Qemu_virt_copies_data_from_flash_to_ram()
    {
        string script = ScriptFor("qemu-virt");
        Assert.Contains("ORIGIN = 0x40100000", script);
        Assert.Contains("} > ram AT> image", script);
        Assert.Contains("ASSERT(__vectors % 2048 == 0", script);
    }

    [Fact]
    public void Pine64_plus_places_the_aarch64_entry_after_the_aarch32_stub()
    {
        string script = ScriptFor("pine64-plus");
        Assert.Contains("image (rwx) : ORIGIN = 0x00010000", script);
        Assert.Contains("ram (rw)    : ORIGIN = 0x00044000, LENGTH = 0x10000", script);
        Assert.Contains("ASSERT(_start == 0x10080", script);
    }

    [Fact]
    public void Heap_and_stack_sizes_come_from_the_board_file()
    {
        string script = ScriptFor("pine64-plus");
        Assert.Contains(". += 0x4000;", script);
        Assert.Contains(". += 0x8000;", script);
    }
}
