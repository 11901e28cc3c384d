using System.Runtime;
using Unikernel.Kit;

namespace Unikernel.Samples.Hello;

/// <summary>
/// A kernel of its own: the same toolchain, runtime and drivers as the bootloader, linked where
/// the board's kernel layout says, on the kit's API (src/Kit). It says where it runs and on
/// which board, then halts.
/// </summary>
internal static class Program
{
    [RuntimeExport("__unikernel_main")]
    private static void Main()
    {
        if (!Machine.Start())
            return;
        KernelConsole.Write("hello from kernel at 0x"u8);
        KernelConsole.WriteHex(Machine.ImageStart, 8);
        KernelConsole.Write(" on "u8);
        KernelConsole.WriteLine(Machine.BoardName);
    }
}
