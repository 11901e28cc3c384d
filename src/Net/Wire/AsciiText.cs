namespace Unikernel.Net.Wire;

/// <summary>
/// The few text primitives the address types format with: no strings, no allocation, so the
/// same code prints an address on the board's console and in a host test.
/// </summary>
internal static class AsciiText
{
    public static byte HexDigit(int value) => (byte)(value < 10 ? '0' + value : 'a' + value - 10);

    /// <summary>Lower-case hex without leading zeros (RFC 5952 section 4.1, 4.3); returns the new position.</summary>
    public static int WriteHex(Span<byte> text, int position, ushort value)
    {
        int shift = 12;
        while (shift > 0 && (value >> shift & 0xF) == 0)
            shift -= 4;
        for (; shift >= 0; shift -= 4)
            text[position++] = HexDigit(value >> shift & 0xF);
        return position;
    }

    /// <summary>A byte in decimal without leading zeros; returns the new position.</summary>
    public static int WriteDecimal(Span<byte> text, int position, byte value)
    {
        if (value >= 100)
            text[position++] = (byte)('0' + value / 100);
        if (value >= 10)
            text[position++] = (byte)('0' + value / 10 % 10);
        text[position++] = (byte)('0' + value % 10);
        return position;
    }

    /// <summary>Copies formatted ASCII out if it fits; a destination too small gets nothing.</summary>
    public static bool CopyOut(ReadOnlySpan<byte> text, Span<byte> destination, out int written)
    {
        if (text.Length > destination.Length)
        {
            written = 0;
            return false;
        }
        text.CopyTo(destination);
        written = text.Length;
        return true;
    }

    /// <summary>Widens formatted ASCII into UTF-16 if it fits; a destination too small gets nothing.</summary>
    public static bool CopyOut(ReadOnlySpan<byte> text, Span<char> destination, out int written)
    {
        if (text.Length > destination.Length)
        {
            written = 0;
            return false;
        }
        for (int i = 0; i < text.Length; i++)
            destination[i] = (char)text[i];
        written = text.Length;
        return true;
    }
}
