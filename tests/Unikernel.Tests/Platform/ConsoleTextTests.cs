using System.Text;
using Unikernel.Platform;

namespace Unikernel.Tests.Platform;

public class ConsoleTextTests
{
    private struct BufferConsole : IConsole
    {
        public static readonly StringBuilder Text = new();

        public static void Write(ReadOnlySpan<byte> bytes) => Text.Append(Encoding.ASCII.GetString(bytes));
    }

    public ConsoleTextTests() => BufferConsole.Text.Clear();

    [Theory]
    [InlineData(0UL, "0")]
    [InlineData(7UL, "7")]
    [InlineData(1234567890UL, "1234567890")]
    [InlineData(ulong.MaxValue, "18446744073709551615")]
    public void Writes_decimal_numbers(ulong value, string expected)
    {
        ConsoleText<BufferConsole>.WriteDecimal(value);
        Assert.Equal(expected, BufferConsole.Text.ToString());
    }

    [Theory]
    [InlineData(0x1C28000UL, 8, "01c28000")]
    [InlineData(0xABUL, 2, "ab")]
    [InlineData(0x1234UL, 2, "34")]
    [InlineData(ulong.MaxValue, 16, "ffffffffffffffff")]
    public void Writes_fixed_width_hex(ulong value, int digits, string expected)
    {
        ConsoleText<BufferConsole>.WriteHex(value, digits);
        Assert.Equal(expected, BufferConsole.Text.ToString());
    }

    [Fact]
    public void Writes_bytes_as_hex()
    {
        ConsoleText<BufferConsole>.WriteHex([0x00, 0x5f, 0xa0, 0xff]);
        Assert.Equal("005fa0ff", BufferConsole.Text.ToString());
    }

    [Fact]
    public void Writes_long_strings_in_pieces_and_replaces_non_ascii()
    {
        string text = new string('x', 150) + "é";
        ConsoleText<BufferConsole>.WriteLine(text);
        Assert.Equal(new string('x', 150) + "?\r\n", BufferConsole.Text.ToString());
    }
}
