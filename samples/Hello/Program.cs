using System.Runtime;
using Unikernel;
using Unikernel.Boot;
using Unikernel.Platform;

namespace Unikernel.Samples.Hello;

/// <summary>
/// A kernel of its own: the same toolchain, runtime and drivers as the bootloader, linked where
/// the board's kernel layout says. It says where it runs and on which board, then halts.
/// </summary>
internal static class Program
{
    [RuntimeExport("__unikernel_main")]
    private static void Main()
    {
        // The bootloader left the console set up; a kernel does not rely on it.
        Board.Initialize();
        ConsoleText<Board>.Write("hello from kernel at 0x");
        ConsoleText<Board>.WriteHex(Kernel.Image.ImageStart, 8);
        ConsoleText<Board>.Write(" on ");
        ConsoleText<Board>.WriteLine(Board.Name);
    }
}
