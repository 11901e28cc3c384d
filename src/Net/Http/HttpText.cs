namespace Unikernel.Net.Http;

/// <summary>The character classes and small conversions of HTTP's grammar (RFC 9110 section 5.6), on bytes: no strings, no allocation.</summary>
internal static class HttpText
{
    /// <summary>tchar (RFC 9110 section 5.6.2): what a method or a field name is made of.</summary>
    public static bool IsTokenChar(byte c) =>
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '!' || c == '#' || c == '$' || c == '%' || c == '&' || c == '\'' || c == '*' || c == '+'
        || c == '-' || c == '.' || c == '^' || c == '_' || c == '`' || c == '|' || c == '~';

    /// <summary>A byte a field value may hold (RFC 9110 section 5.5): VCHAR, SP, HTAB and obs-text; no other control.</summary>
    public static bool IsFieldValueChar(byte c) => c == ' ' || c == '\t' || (c >= 0x21 && c != 0x7F);

    public static bool IsWhitespace(byte c) => c == ' ' || c == '\t';

    public static byte ToLower(byte c) => c >= 'A' && c <= 'Z' ? (byte)(c + 32) : c;

    /// <summary>ASCII case-insensitive equality (field names, RFC 9110 section 5.1; tokens such as <c>chunked</c>).</summary>
    public static bool EqualsIgnoringCase(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.Length != b.Length)
            return false;
        for (int i = 0; i < a.Length; i++)
        {
            if (ToLower(a[i]) != ToLower(b[i]))
                return false;
        }
        return true;
    }

    /// <summary><paramref name="text"/> without optional whitespace (OWS) at either end.</summary>
    public static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> text)
    {
        int start = 0;
        int end = text.Length;
        while (start < end && IsWhitespace(text[start]))
            start++;
        while (end > start && IsWhitespace(text[end - 1]))
            end--;
        return text.Slice(start, end - start);
    }

    /// <summary>
    /// The next element of a comma-separated list (RFC 9110 section 5.6.1), trimmed, from
    /// <paramref name="position"/> on; false when the list is done. Empty elements are returned
    /// as empty spans: the caller says whether they count.
    /// </summary>
    public static bool NextListElement(ReadOnlySpan<byte> list, ref int position, out ReadOnlySpan<byte> element)
    {
        element = default;
        if (position > list.Length)
            return false;
        int end = position;
        while (end < list.Length && list[end] != ',')
            end++;
        element = Trim(list.Slice(position, end - position));
        position = end + 1;
        return true;
    }

    /// <summary>A decimal number of digits only (RFC 9110 section 8.6: Content-Length = 1*DIGIT); false on anything else or past <see cref="long.MaxValue"/>.</summary>
    public static bool TryParseDecimal(ReadOnlySpan<byte> digits, out long value)
    {
        value = 0;
        if (digits.IsEmpty)
            return false;
        for (int i = 0; i < digits.Length; i++)
        {
            int digit = digits[i] - '0';
            if (digit < 0 || digit > 9 || value > (long.MaxValue - digit) / 10)
                return false;
            value = value * 10 + digit;
        }
        return true;
    }

    /// <summary>The value of a hex digit, or -1.</summary>
    public static int HexValue(byte c) =>
        c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

    public static byte HexDigit(int value) => (byte)(value < 10 ? '0' + value : 'a' + value - 10);

    /// <summary>Writes <paramref name="value"/> in decimal at the end of <paramref name="destination"/>'s used part; returns the digits written (0 if they do not fit).</summary>
    public static int WriteDecimal(Span<byte> destination, ulong value)
    {
        Span<byte> digits = stackalloc byte[20];
        int start = digits.Length;
        do
        {
            digits[--start] = (byte)('0' + (int)(value % 10));
            value /= 10;
        }
        while (value != 0);
        int count = digits.Length - start;
        if (count > destination.Length)
            return 0;
        digits.Slice(start).CopyTo(destination);
        return count;
    }
}
