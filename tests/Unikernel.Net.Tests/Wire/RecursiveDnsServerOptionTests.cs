using Unikernel.Net.Wire;

namespace Unikernel.Net.Tests.Wire;

public class RecursiveDnsServerOptionTests
{
    /// <summary>RFC 8106 section 5.1 by hand: type 25, length 3, reserved, lifetime 600, fd00::53.</summary>
    private const string OneServer = "1903" + "0000" + "00000258" + "fd000000000000000000000000000053";

    [Fact]
    public void Rdnss_option_gives_its_lifetime_and_addresses()
    {
        Assert.True(RecursiveDnsServerOption.TryParse(Golden.Bytes(OneServer), out var option, out _));
        Assert.Equal(600u, option.Lifetime);
        Assert.Equal(1, option.AddressCount);
        Assert.Equal(Golden.V6("fd00::53"), option.Address(0));
    }

    [Theory]
    [InlineData("1902" + "0000" + "00000258" + "fd000000000000000000000000000053")] // even length: half an address
    [InlineData("1904" + "0000" + "00000258" + "fd000000000000000000000000000053" + "0000000000000000")]
    [InlineData("1901" + "0000" + "00000258")] // no address
    public void Rdnss_option_with_a_length_that_does_not_hold_whole_addresses_is_refused(string hex)
    {
        Assert.False(RecursiveDnsServerOption.TryParse(Golden.Bytes(hex), out _, out _));
    }

    [Fact]
    public void Dnssl_option_gives_its_names_and_stops_at_the_padding()
    {
        // Type 31, length 4 (32 bytes): reserved, lifetime 600, "lan" "test" 0, "board" 0, 7 bytes of padding.
        byte[] bytes = Golden.Bytes("1f04" + "0000" + "00000258" + "036c616e" + "0474657374" + "00" + "05626f61726400" + "00000000000000");
        Assert.True(DnsSearchListOption.TryParse(bytes, out var option, out _));
        Assert.Equal(600u, option.Lifetime);
        Assert.True(option.TryReadName(0, out var first, out int next));
        Assert.Equal("036c616e047465737400", Convert.ToHexString(first).ToLowerInvariant());
        Assert.True(option.TryReadName(next, out var second, out next));
        Assert.Equal("05626f61726400", Convert.ToHexString(second).ToLowerInvariant());
        Assert.False(option.TryReadName(next, out _, out _));
    }

    [Fact]
    public void Dnssl_name_with_a_pointer_is_refused()
    {
        byte[] bytes = Golden.Bytes("1f02" + "0000" + "00000258" + "c00c000000000000");
        Assert.True(DnsSearchListOption.TryParse(bytes, out var option, out _));
        Assert.False(option.TryReadName(0, out _, out _));
    }
}
