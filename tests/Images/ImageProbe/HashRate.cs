using Unikernel.Boot.Image;
using Unikernel.Platform;

namespace Unikernel.Tests.Images;

/// <summary>
/// What the emulated CPU does per second on the bootloader's receive path, without the network:
/// SHA-256 and a block copy over the image's own bytes, a megabyte or more each. Printed after
/// the checks (the test compares only the lines before "runtime probe: end"):
/// <c>rate sha256 N bytes in T us, copy N bytes in T us</c> with the portable (C#) block
/// function, the same code on every board; then, where the CPU has the ARMv8 SHA-256
/// instructions (which <see cref="Sha256"/> then uses), <c>rate sha256-armv8 N bytes in T us</c>
/// over the same bytes, which must give the same hash.
/// </summary>
internal static unsafe class HashRate<TConsole> where TConsole : IConsole
{
    private const int Rounds = 64;

    public static void Run()
    {
        ref readonly ImageLayout image = ref Kernel.Image;
        int length = (int)image.ImageSize & ~63;
        byte* bytes = (byte*)image.ImageStart;
        var source = new ReadOnlySpan<byte>(bytes, length);
        int blocks = length / Sha256.BlockLength;
        // The same starting words for both block functions (any eight do for a rate).
        uint* portable = stackalloc uint[8];
        long start = GenericTimer.Microseconds;
        for (int i = 0; i < Rounds; i++)
            Sha256.HashBlocksPortable(portable, bytes, blocks);
        long hashed = GenericTimer.Microseconds - start;

        // Copy into the stack: the one region every board's probe has room in.
        Span<byte> buffer = stackalloc byte[4096];
        start = GenericTimer.Microseconds;
        for (int i = 0; i < Rounds; i++)
        {
            for (int offset = 0; offset + buffer.Length <= length; offset += buffer.Length)
                source.Slice(offset, buffer.Length).CopyTo(buffer);
        }
        long copied = GenericTimer.Microseconds - start;
        ulong total = (ulong)length * Rounds;
        ulong copiedBytes = (ulong)(length / buffer.Length * buffer.Length) * Rounds;
        ConsoleText<TConsole>.Write("rate sha256 ");
        ConsoleText<TConsole>.WriteDecimal(total);
        ConsoleText<TConsole>.Write(" bytes in ");
        ConsoleText<TConsole>.WriteDecimal((ulong)hashed);
        ConsoleText<TConsole>.Write(" us, copy ");
        ConsoleText<TConsole>.WriteDecimal(copiedBytes);
        ConsoleText<TConsole>.Write(" bytes in ");
        ConsoleText<TConsole>.WriteDecimal((ulong)copied);
        ConsoleText<TConsole>.WriteLine(" us");

        if (!Sha256Instructions.Available)
            return;
        uint* armv8 = stackalloc uint[8];
        start = GenericTimer.Microseconds;
        for (int i = 0; i < Rounds; i++)
            Sha256Instructions.HashBlocks(armv8, bytes, (nuint)blocks);
        hashed = GenericTimer.Microseconds - start;
        for (int i = 0; i < 8; i++)
        {
            if (armv8[i] != portable[i])
                Kernel.Panic("rate sha256-armv8: the instructions' hash is not the portable one's"u8);
        }
        ConsoleText<TConsole>.Write("rate sha256-armv8 ");
        ConsoleText<TConsole>.WriteDecimal(total);
        ConsoleText<TConsole>.Write(" bytes in ");
        ConsoleText<TConsole>.WriteDecimal((ulong)hashed);
        ConsoleText<TConsole>.WriteLine(" us");
    }
}
