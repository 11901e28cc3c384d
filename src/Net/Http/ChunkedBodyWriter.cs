namespace Unikernel.Net.Http;

/// <summary>
/// The framing of a chunked response body (RFC 9112 section 7.1): a size line before each
/// chunk, CRLF after it, and the last chunk with an empty trailer.
/// </summary>
public static class ChunkedBodyWriter
{
    /// <summary>The longest size line: eight hex digits (a chunk under 4 GiB) and CRLF.</summary>
    public const int MaxSizeLineLength = 10;

    /// <summary>The last chunk with no trailer fields: <c>0 CRLF CRLF</c>.</summary>
    public static ReadOnlySpan<byte> LastChunk => "0\r\n\r\n"u8;

    /// <summary>What ends each chunk's data.</summary>
    public static ReadOnlySpan<byte> ChunkEnd => "\r\n"u8;

    /// <summary>
    /// Writes the size line of a chunk of <paramref name="length"/> bytes (more than 0) so that
    /// it ends exactly at the end of <paramref name="destination"/>, which must hold
    /// <see cref="MaxSizeLineLength"/> bytes or the line's length: the chunk's data then follows
    /// it without a copy. Returns the line's length.
    /// </summary>
    public static int WriteSizeLineBefore(Span<byte> destination, int length)
    {
        int end = destination.Length;
        destination[--end] = (byte)'\n';
        destination[--end] = (byte)'\r';
        uint value = (uint)length;
        do
        {
            destination[--end] = HttpText.HexDigit((int)(value & 0xF));
            value >>= 4;
        }
        while (value != 0);
        return destination.Length - end;
    }
}
