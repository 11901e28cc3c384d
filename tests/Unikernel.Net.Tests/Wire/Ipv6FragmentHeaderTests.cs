using Unikernel.Net.Wire;

namespace Unikernel.Net.Tests.Wire;

public class Ipv6FragmentHeaderTests
{
    /// <summary>RFC 8200 section 4.5: Next Header 58, reserved, offset 185 units (1480 bytes) with M, identification 0x12345678.</summary>
    private const string Middle = "3a00" + "05c9" + "12345678";

    [Fact]
    public void Reads_next_header_offset_in_bytes_more_flag_and_identification()
    {
        Assert.True(Ipv6FragmentHeader.TryParse(Golden.Bytes(Middle), out var header, out _));
        Assert.Equal(IpProtocol.Icmpv6, header.NextHeader);
        Assert.Equal(1480, header.Offset);
        Assert.True(header.MoreFragments);
        Assert.Equal(0x1234_5678U, header.Identification);
    }

    [Fact]
    public void Emit_writes_the_same_bytes()
    {
        byte[] buffer = Junk.Buffer(Ipv6FragmentHeader.Length);
        Ipv6FragmentHeader.Emit(buffer, IpProtocol.Icmpv6, 1480, true, 0x1234_5678);
        Assert.Equal(Golden.Bytes(Middle), buffer);
    }

    [Fact]
    public void Reserved_bits_are_not_part_of_the_offset_or_the_flag()
    {
        Assert.True(Ipv6FragmentHeader.TryParse(Golden.Bytes("3aff" + "0006" + "00000001"), out var header, out _));
        Assert.Equal(0, header.Offset);
        Assert.False(header.MoreFragments);
    }

    [Fact]
    public void Shorter_than_8_bytes_is_truncated()
    {
        Assert.False(Ipv6FragmentHeader.Check(new byte[7], out var error));
        Assert.Equal(WireError.Truncated, error);
    }
}
