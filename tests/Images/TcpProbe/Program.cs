using System.Runtime;
using Unikernel.Boot;
using Unikernel.Platform;

namespace Unikernel.Tests.Images;

internal static class Program
{
    [RuntimeExport("__unikernel_main")]
    private static void Main()
    {
        Board.Initialize();
        ConsoleText<Board>.WriteLine("runtime probe: begin");
        TcpChecks<Board>.Run();
        ConsoleText<Board>.Write("heap used ");
        ConsoleText<Board>.WriteDecimal(Kernel.HeapUsed);
        ConsoleText<Board>.WriteLine();
        ConsoleText<Board>.WriteLine("runtime probe: end");
    }
}
