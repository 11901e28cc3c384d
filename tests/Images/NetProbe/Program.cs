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
        // The interface's pools come from the heap once; a thousand frames later it has not grown.
        var stack = NetChecks<Board>.Run();
        nuint pools = Kernel.HeapUsed;
        Span<byte> frame = stackalloc byte[60];
        Span<byte> reply = stackalloc byte[1514];
        for (int i = 0; i < 1000; i++)
        {
            NetChecks<Board>.ArpRequest(frame, new Unikernel.Net.Wire.MacAddress(0x02_00_5E_77_00_01UL));
            stack.Process(frame, reply);
        }
        ConsoleText<Board>.Write("heap used ");
        ConsoleText<Board>.WriteDecimal(pools);
        ConsoleText<Board>.WriteLine();
        ConsoleText<Board>.Write("heap after 1000 frames ");
        ConsoleText<Board>.WriteDecimal(Kernel.HeapUsed);
        ConsoleText<Board>.WriteLine();
        ConsoleText<Board>.WriteLine("runtime probe: end");
    }
}
