namespace Unikernel.Net.Tests.Wire;

/// <summary>
/// Emitting must write every byte it claims and read none it did not write: emit the same thing
/// into buffers pre-filled with different junk, and the bytes must come out identical.
/// </summary>
internal static class Junk
{
    public const byte Fill = 0xAA;

    /// <summary>A buffer of <paramref name="length"/> bytes of <paramref name="fill"/>.</summary>
    public static byte[] Buffer(int length, byte fill = Fill)
    {
        var buffer = new byte[length];
        Array.Fill(buffer, fill);
        return buffer;
    }

    /// <summary>
    /// Runs <paramref name="emit"/> over zeros, 0xAA and 0x55 and returns what it wrote (the
    /// length it returns); fails if the three differ, or if bytes past that length were touched.
    /// </summary>
    public static byte[] AssertNoStaleBytes(int bufferLength, Func<byte[], int> emit)
    {
        byte[]? first = null;
        foreach (byte fill in new byte[] { 0x00, Fill, 0x55 })
        {
            byte[] buffer = Buffer(bufferLength, fill);
            int written = emit(buffer);
            byte[] emitted = buffer.AsSpan(0, written).ToArray();
            if (first is null)
                first = emitted;
            else
                Assert.Equal(first, emitted);
            for (int i = written; i < bufferLength; i++)
                Assert.Equal(fill, buffer[i]);
        }
        return first!;
    }
}
