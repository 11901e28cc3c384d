using Unikernel.Boot;

namespace Unikernel;

// Every image prints its panics on its board's console.
public static partial class Kernel
{
    internal static partial void WriteConsole(ReadOnlySpan<byte> bytes) => Board.Write(bytes);
}
