using System.Runtime;
using Unikernel.Boot;

namespace Unikernel.Loader;

/// <summary>The first stage: banner, then the board's DRAM and the second stage from the SD card.</summary>
internal static class Program
{
    [RuntimeExport("__unikernel_main")]
    private static void Main()
    {
        Board.Initialize();
        Banner.Print();
    }
}
