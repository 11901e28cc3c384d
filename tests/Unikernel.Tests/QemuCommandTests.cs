using Unikernel.Tool;
using Unikernel.Tool.Boards;
using Unikernel.Tool.Build;
using Unikernel.Tool.Emulate;

namespace Unikernel.Tests;

/// <summary>The QEMU command lines `emulate`, `demo` and the image tests start (tools/Unikernel/Emulate/QemuCommand.cs).</summary>
public class QemuCommandTests
{
    private static List<string> Arguments(string board)
    {
        var file = BoardCatalog.Load(Repository.FindRoot(), board);
        var image = new BuiltImage(file, "/tmp/image", "Bootloader", new SizeReport(board, "Bootloader", [], 0, 0, ""));
        return QemuCommand.For(image).Arguments;
    }

    private static string After(List<string> arguments, string option) => arguments[arguments.IndexOf(option) + 1];

    [Fact]
    public void Qemu_virt_runs_four_cores_each_on_a_host_thread_of_its_own()
    {
        var arguments = Arguments("qemu-virt");
        Assert.Equal("4", After(arguments, "-smp"));
        Assert.Equal("tcg,thread=multi", After(arguments, "-accel"));
        // EL3 for the bootloader, EL2 for the Linux it starts (docs/linux.md).
        Assert.Equal("virt,secure=on,virtualization=on", After(arguments, "-M"));
    }

    [Fact]
    public void Orangepi_pc_runs_its_four_cores_each_on_a_host_thread_of_its_own()
    {
        var arguments = Arguments("orangepi-pc");
        // The machine fixes four cores; -smp is not needed.
        Assert.DoesNotContain("-smp", arguments);
        Assert.Equal("tcg,thread=multi", After(arguments, "-accel"));
    }
}
