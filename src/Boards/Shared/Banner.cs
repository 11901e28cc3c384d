using Unikernel.Platform;

namespace Unikernel.Boot;

/// <summary>
/// The first lines on the console: which board, SoC and build this image is. UTF-8 literals: the
/// banner is in the 32 KiB first stage, where a string literal costs twice its bytes plus a header.
/// </summary>
internal static class Banner
{
    public static void Print()
    {
        ref readonly ImageLayout image = ref Kernel.Image;
        ConsoleText<Board>.WriteLine();
        Board.Write("Unikernel bootloader"u8);
        ConsoleText<Board>.WriteLine();
        Board.Write("  board "u8);
        ConsoleText<Board>.WriteLine(Board.Name);
        Board.Write("  soc   "u8);
        ConsoleText<Board>.Write(Board.Soc);
        Board.Write(", "u8);
        ConsoleText<Board>.WriteLine(Board.Cpu);
        Board.Write("  build "u8);
        ConsoleText<Board>.WriteHex(image.BuildId);
        ConsoleText<Board>.WriteLine();
        Board.Write("  image "u8);
        ConsoleText<Board>.WriteDecimal(image.ImageSize);
        Board.Write(" bytes at 0x"u8);
        ConsoleText<Board>.WriteHex(image.ImageStart, 8);
        ConsoleText<Board>.WriteLine();
        // The generic timer counts from power-on: this is how long the boot took so far.
        Board.Write("  timer "u8);
        ConsoleText<Board>.WriteDecimal(GenericTimer.Frequency);
        Board.Write(" Hz, "u8);
        ConsoleText<Board>.WriteDecimal((ulong)GenericTimer.Microseconds);
        Board.Write(" us since power-on"u8);
        ConsoleText<Board>.WriteLine();
    }
}
