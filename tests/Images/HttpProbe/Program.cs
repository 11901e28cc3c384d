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
        var checks = new HttpChecks<Board>();
        checks.Run();
        // The stacks and the server took their buffers once; a hundred more requests take nothing.
        nuint pools = Kernel.HeapUsed;
        checks.KeepAliveRequests(100);
        ConsoleText<Board>.Write("heap used ");
        ConsoleText<Board>.WriteDecimal(pools);
        ConsoleText<Board>.WriteLine();
        ConsoleText<Board>.Write("heap after 100 requests ");
        ConsoleText<Board>.WriteDecimal(Kernel.HeapUsed);
        ConsoleText<Board>.WriteLine();
        ConsoleText<Board>.WriteLine("runtime probe: end");
    }
}
