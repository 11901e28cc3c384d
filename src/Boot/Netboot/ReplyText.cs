using Unikernel.Platform;

namespace Unikernel.Boot.Netboot;

/// <summary>
/// A console that writes into one line buffer: the bootloader's reply is formatted once with
/// <see cref="ConsoleText{TConsole}"/> and then sent on the connection and printed on the UART.
/// Static, like the other consoles (one reply is built at a time).
/// </summary>
internal struct ReplyText : IConsole
{
    private static readonly byte[] s_buffer = new byte[160];
    private static int s_length;

    public static ReadOnlySpan<byte> Text => s_buffer.AsSpan(0, s_length);

    public static void Clear() => s_length = 0;

    public static void Write(ReadOnlySpan<byte> bytes)
    {
        int count = Math.Min(bytes.Length, s_buffer.Length - s_length);
        bytes.Slice(0, count).CopyTo(s_buffer.AsSpan(s_length));
        s_length += count;
    }
}
