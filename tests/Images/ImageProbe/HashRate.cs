using Unikernel.Boot.Image;
using Unikernel.Platform;

namespace Unikernel.Tests.Images;

/// <summary>
/// What the emulated CPU does per second on the bootloader's receive path, without the network:
/// SHA-256 and a block copy over the image's own bytes, a megabyte or more each. Printed after
/// the checks (the test compares only the lines before "runtime probe: end").
/// </summary>
internal static unsafe class HashRate<TConsole> where TConsole : IConsole
{
    private const int Rounds = 64;

    public static void Run()
    {
        ref readonly ImageLayout image = ref Kernel.Image;
        int length = (int)image.ImageSize & ~63;
        var source = new ReadOnlySpan<byte>((void*)image.ImageStart, length);
        Span<byte> hash = stackalloc byte[Sha256.HashLength];
        long start = GenericTimer.Microseconds;
        var sha = new Sha256();
        for (int i = 0; i < Rounds; i++)
            sha.Append(source);
        sha.Finish(hash);
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
        ulong bytes = (ulong)length * Rounds;
        ulong copiedBytes = (ulong)(length / buffer.Length * buffer.Length) * Rounds;
        ConsoleText<TConsole>.Write("rate sha256 ");
        ConsoleText<TConsole>.WriteDecimal(bytes);
        ConsoleText<TConsole>.Write(" bytes in ");
        ConsoleText<TConsole>.WriteDecimal((ulong)hashed);
        ConsoleText<TConsole>.Write(" us, copy ");
        ConsoleText<TConsole>.WriteDecimal(copiedBytes);
        ConsoleText<TConsole>.Write(" bytes in ");
        ConsoleText<TConsole>.WriteDecimal((ulong)copied);
        ConsoleText<TConsole>.WriteLine(" us");
    }
}
