namespace Unikernel.Platform;

/// <summary>
/// Formats text onto a console without allocating: ASCII strings, decimal and hexadecimal
/// numbers, hex dumps. Each call formats into a small stack buffer and writes it once. (Network
/// addresses are the stack's types: the boards print them, src/Boards/Shared/AddressText.cs.)
/// </summary>
public static class ConsoleText<TConsole> where TConsole : IConsole
{
    /// <summary>UTF-8 text as it is (<c>"..."u8</c>): in images that count bytes, a u8 literal costs its bytes, a string twice that plus a header.</summary>
    public static void Write(ReadOnlySpan<byte> text) => TConsole.Write(text);

    public static void WriteLine(ReadOnlySpan<byte> text)
    {
        TConsole.Write(text);
        TConsole.Write("\r\n"u8);
    }

    public static void Write(string text)
    {
        Span<byte> buffer = stackalloc byte[64];
        int index = 0;
        while (index < text.Length)
        {
            int count = 0;
            for (; count < buffer.Length && index < text.Length; count++, index++)
                buffer[count] = text[index] < 0x80 ? (byte)text[index] : (byte)'?';
            TConsole.Write(buffer.Slice(0, count));
        }
    }

    public static void WriteLine(string text)
    {
        Write(text);
        TConsole.Write("\r\n"u8);
    }

    public static void WriteLine() => TConsole.Write("\r\n"u8);

    public static void WriteDecimal(ulong value)
    {
        Span<byte> digits = stackalloc byte[20];
        int start = digits.Length;
        do
        {
            digits[--start] = (byte)('0' + (int)(value % 10));
            value /= 10;
        }
        while (value != 0);
        TConsole.Write(digits.Slice(start));
    }

    /// <summary>Hexadecimal, lower case, exactly <paramref name="digitCount"/> digits.</summary>
    public static void WriteHex(ulong value, int digitCount)
    {
        Span<byte> digits = stackalloc byte[16];
        int count = digitCount < 1 ? 1 : digitCount > 16 ? 16 : digitCount;
        for (int i = count - 1; i >= 0; i--, value >>= 4)
            digits[i] = HexDigit((int)(value & 0xF));
        TConsole.Write(digits.Slice(0, count));
    }

    public static void WriteHex(ReadOnlySpan<byte> bytes)
    {
        Span<byte> pair = stackalloc byte[2];
        foreach (byte value in bytes)
        {
            pair[0] = HexDigit(value >> 4);
            pair[1] = HexDigit(value & 0xF);
            TConsole.Write(pair);
        }
    }

    private static byte HexDigit(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
}
