using Unikernel.Platform;

namespace Unikernel.Tests.Images;

/// <summary>The "name value" lines the probes print, on the board and on the host alike.</summary>
public static class ProbeLines<TConsole> where TConsole : IConsole
{
    public static void Line(string name, ulong value)
    {
        ConsoleText<TConsole>.Write(name);
        ConsoleText<TConsole>.Write(" ");
        ConsoleText<TConsole>.WriteDecimal(value);
        ConsoleText<TConsole>.WriteLine();
    }

    public static void Hex(string name, ReadOnlySpan<byte> bytes)
    {
        ConsoleText<TConsole>.Write(name);
        ConsoleText<TConsole>.Write(" ");
        ConsoleText<TConsole>.WriteHex(bytes);
        ConsoleText<TConsole>.WriteLine();
    }
}
