using System.Runtime;
using Unikernel.Drivers.Console;

namespace Unikernel.Boot;

/// <summary>The bootloader: for now it brings up the console and prints its banner.</summary>
internal static class Program
{
    [RuntimeExport("__unikernel_main")]
    private static void Main()
    {
        Board.Initialize();
        Banner.Print();
    }
}
