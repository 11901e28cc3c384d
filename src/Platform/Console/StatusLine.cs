namespace Unikernel.Platform;

/// <summary>
/// The boot log's step lines, as init systems print them: <c>[ OK ] DRAM 1024 MiB</c>,
/// <c>[FAIL] PHY link: no link within 5000 ms</c>. The caller writes the rest of the line.
/// </summary>
public static class StatusLine<TConsole> where TConsole : IConsole
{
    public static void Ok(string step)
    {
        TConsole.Write("[ OK ] "u8);
        ConsoleText<TConsole>.Write(step);
    }

    /// <summary>As <see cref="Ok(string)"/> with a UTF-8 literal: no string object in the image (first stages count bytes).</summary>
    public static void Ok(ReadOnlySpan<byte> step)
    {
        TConsole.Write("[ OK ] "u8);
        TConsole.Write(step);
    }

    public static void Fail(string step)
    {
        TConsole.Write("[FAIL] "u8);
        ConsoleText<TConsole>.Write(step);
    }

    /// <summary>As <see cref="Fail(string)"/> with a UTF-8 literal: no string object in the image (first stages count bytes).</summary>
    public static void Fail(ReadOnlySpan<byte> step)
    {
        TConsole.Write("[FAIL] "u8);
        TConsole.Write(step);
    }

    /// <summary>A step this board does not have (yet): the rest of the line says why.</summary>
    public static void Skip(string step)
    {
        TConsole.Write("[SKIP] "u8);
        ConsoleText<TConsole>.Write(step);
    }

    /// <summary>As <see cref="Skip(string)"/> with a UTF-8 literal: no string object in the image (first stages count bytes).</summary>
    public static void Skip(ReadOnlySpan<byte> step)
    {
        TConsole.Write("[SKIP] "u8);
        TConsole.Write(step);
    }
}
