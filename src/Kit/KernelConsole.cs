using Unikernel.Boot;
using Unikernel.Net.Wire;

namespace Unikernel.Kit;

/// <summary>
/// The board's serial console (UART0 on every board), UTF-8 out. Each call writes straight to
/// the UART, waiting while its FIFO is full: about 87 us a byte at 115200 baud, so a line costs
/// milliseconds. Not locked: cores that print at the same time interleave their bytes; take
/// <see cref="Lock"/> around a line to keep it whole.
/// </summary>
public static class KernelConsole
{
    private static Spinlock s_lock;

    /// <summary>Writes <paramref name="text"/> as it is (UTF-8).</summary>
    public static void Write(ReadOnlySpan<byte> text) => ConsoleText<Board>.Write(text);

    /// <summary>Writes <paramref name="text"/> and a line end (CR LF).</summary>
    public static void WriteLine(ReadOnlySpan<byte> text) => ConsoleText<Board>.WriteLine(text);

    /// <summary>Writes a line end (CR LF).</summary>
    public static void WriteLine() => ConsoleText<Board>.WriteLine();

    /// <summary>Writes <paramref name="value"/> in decimal, no separators.</summary>
    public static void WriteDecimal(ulong value) => ConsoleText<Board>.WriteDecimal(value);

    /// <summary>Writes <paramref name="value"/> in decimal, with a minus sign when negative.</summary>
    public static void WriteSigned(long value)
    {
        if (value < 0)
        {
            Write("-"u8);
            // The magnitude of long.MinValue does not fit a long, but does a ulong.
            WriteDecimal(0 - (ulong)value);
            return;
        }
        WriteDecimal((ulong)value);
    }

    /// <summary>Writes <paramref name="value"/> in lower-case hex, <paramref name="digits"/> digits (leading zeros), no prefix.</summary>
    public static void WriteHex(ulong value, int digits) => ConsoleText<Board>.WriteHex(value, digits);

    /// <summary>Writes <paramref name="value"/> / <paramref name="divisor"/> with <paramref name="decimals"/> digits after the point, truncated (<c>1.97</c>); a divisor of 0 writes <c>-</c>.</summary>
    public static void WriteFraction(ulong value, ulong divisor, int decimals)
    {
        if (divisor == 0)
        {
            Write("-"u8);
            return;
        }
        WriteDecimal(value / divisor);
        if (decimals <= 0)
            return;
        Write("."u8);
        ulong rest = value % divisor;
        Span<byte> digit = stackalloc byte[1];
        for (int i = 0; i < decimals; i++)
        {
            rest *= 10;
            digit[0] = (byte)('0' + rest / divisor);
            Write(digit);
            rest %= divisor;
        }
    }

    /// <summary>Writes an IPv6 address in its RFC 5952 text form.</summary>
    public static void Write(Ipv6Address address) => AddressText<Board>.Write(address);

    /// <summary>Writes an IPv4 address in dotted decimal.</summary>
    public static void Write(Ipv4Address address) => AddressText<Board>.Write(address);

    /// <summary>Writes a MAC address as six colon-separated hex pairs.</summary>
    public static void Write(MacAddress address) => AddressText<Board>.Write(address);

    /// <summary>Takes the console for a whole line against other cores (a spinlock: waits while another core holds it). Not re-entrant.</summary>
    public static void Lock() => s_lock.Enter();

    /// <summary>Gives the console back after <see cref="Lock"/>.</summary>
    public static void Unlock() => s_lock.Exit();
}
