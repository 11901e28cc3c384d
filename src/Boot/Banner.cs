using Unikernel.Drivers.Console;

namespace Unikernel.Boot;

/// <summary>The first lines on the console: which board, SoC and build this image is.</summary>
internal static class Banner
{
    public static void Print()
    {
        ref readonly ImageLayout image = ref Kernel.Image;
        ConsoleText<Board>.WriteLine();
        ConsoleText<Board>.WriteLine("Unikernel bootloader");
        ConsoleText<Board>.Write("  board ");
        ConsoleText<Board>.WriteLine(Board.Name);
        ConsoleText<Board>.Write("  soc   ");
        ConsoleText<Board>.Write(Board.Soc);
        ConsoleText<Board>.Write(", ");
        ConsoleText<Board>.WriteLine(Board.Cpu);
        ConsoleText<Board>.Write("  build ");
        ConsoleText<Board>.WriteHex(image.BuildId);
        ConsoleText<Board>.WriteLine();
        ConsoleText<Board>.Write("  image ");
        ConsoleText<Board>.WriteDecimal(image.ImageSize);
        ConsoleText<Board>.Write(" bytes at 0x");
        ConsoleText<Board>.WriteHex(image.ImageStart, 8);
        ConsoleText<Board>.WriteLine();
        // The generic timer counts from power-on: this is how long the boot took so far.
        ConsoleText<Board>.Write("  timer ");
        ConsoleText<Board>.WriteDecimal(GenericTimer.Frequency);
        ConsoleText<Board>.Write(" Hz, ");
        ConsoleText<Board>.WriteDecimal((ulong)GenericTimer.Microseconds);
        ConsoleText<Board>.WriteLine(" us since power-on");
    }
}
