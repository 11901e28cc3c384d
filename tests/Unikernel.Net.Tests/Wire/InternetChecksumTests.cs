using Unikernel.Net.Wire;

namespace Unikernel.Net.Tests.Wire;

public class InternetChecksumTests
{
    /// <summary>The plain definition: 16-bit big-endian words, byte by byte, an odd last byte as the high half.</summary>
    private static ushort ReferenceSum(ReadOnlySpan<byte> data, ushort initial = 0)
    {
        ulong sum = initial;
        for (int i = 0; i < data.Length; i++)
        {
            sum += i % 2 == 0 ? (ulong)data[i] << 8 : data[i];
            if (sum > 0xFFFF_FFFF)
                sum = (sum & 0xFFFF) + (sum >> 16);
        }
        while (sum > 0xFFFF)
            sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)sum;
    }

    [Fact]
    public void Sums_the_RFC_1071_example()
    {
        // RFC 1071 section 3: 0001 f203 f4f5 f6f7 sums to ddf2, so the checksum is 220d.
        byte[] data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        Assert.Equal(0xddf2, InternetChecksum.Sum(data));
        Assert.Equal(0x220d, InternetChecksum.Compute(data));
    }

    [Fact]
    public void Pads_an_odd_last_byte_with_a_zero_on_the_right()
    {
        Assert.Equal(0xab00, InternetChecksum.Sum([0xab]));
        Assert.Equal(0x0102 + 0x0300, InternetChecksum.Sum([0x01, 0x02, 0x03]));
    }

    [Fact]
    public void Sums_nothing_to_zero()
    {
        Assert.Equal(0, InternetChecksum.Sum(ReadOnlySpan<byte>.Empty));
        Assert.Equal(0xFFFF, InternetChecksum.Compute(ReadOnlySpan<byte>.Empty));
    }

    public static TheoryData<int> Lengths()
    {
        var lengths = new TheoryData<int>();
        for (int length = 0; length <= 70; length++)
            lengths.Add(length);
        foreach (int length in new[] { 127, 128, 1499, 1500, 1501, 9001, 65535, 1 << 20 })
            lengths.Add(length);
        return lengths;
    }

    /// <summary>
    /// The sum loads aligned words (a halfword first when the start is 2 mod 4, byte pairs when
    /// it is odd), so each start address modulo 8 takes its own path through the code.
    /// </summary>
    [Fact]
    public void Matches_the_reference_at_every_start_alignment()
    {
        var random = new Random(1071);
        byte[] buffer = new byte[1600];
        random.NextBytes(buffer);
        for (int offset = 0; offset < 8; offset++)
        {
            foreach (int length in new[] { 0, 1, 2, 3, 4, 5, 6, 7, 15, 16, 17, 18, 19, 33, 1448, 1500, 1501 })
            {
                ReadOnlySpan<byte> data = buffer.AsSpan(offset, length);
                ushort initial = (ushort)random.Next(0x10000);
                Assert.True(ReferenceSum(data, initial) == InternetChecksum.Sum(data, initial), $"offset {offset}, length {length}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Matches_the_byte_at_a_time_reference_on_random_data(int length)
    {
        var random = new Random(length);
        for (int round = 0; round < 8; round++)
        {
            byte[] data = new byte[length];
            random.NextBytes(data);
            Assert.Equal(ReferenceSum(data), InternetChecksum.Sum(data));
            ushort initial = (ushort)random.Next(0x10000);
            Assert.Equal(ReferenceSum(data, initial), InternetChecksum.Sum(data, initial));
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4096)]
    [InlineData(1 << 20)]
    public void Carries_around_on_data_of_all_ones(int length)
    {
        byte[] data = new byte[length];
        Array.Fill(data, (byte)0xFF);
        Assert.Equal(ReferenceSum(data), InternetChecksum.Sum(data));
    }

    [Fact]
    public void Data_with_its_own_checksum_verifies()
    {
        var random = new Random(1071);
        for (int length = 4; length < 200; length += 3)
        {
            byte[] data = new byte[length];
            random.NextBytes(data);
            data[2] = 0;
            data[3] = 0;
            ushort checksum = InternetChecksum.Compute(data);
            data[2] = (byte)(checksum >> 8);
            data[3] = (byte)checksum;
            Assert.True(InternetChecksum.Verify(data));
            data[length - 1] ^= 0x01;
            Assert.False(InternetChecksum.Verify(data));
        }
    }

    [Fact]
    public void Adds_with_the_carry_brought_around()
    {
        Assert.Equal(1, InternetChecksum.Add(0xFFFF, 0x0001));
        Assert.Equal(2, InternetChecksum.Add(0x8000, 0x8001));
        Assert.Equal(0xFFFF, InternetChecksum.Add(0xFFFF, 0x0000));
        Assert.Equal(0x3579, InternetChecksum.Add(0x1234, 0x2345));
    }

    [Fact]
    public void Sums_in_pieces_like_in_one_go_when_pieces_are_even()
    {
        var random = new Random(768);
        byte[] data = new byte[301];
        random.NextBytes(data);
        ushort pieces = InternetChecksum.Sum(data.AsSpan(0, 40));
        pieces = InternetChecksum.Sum(data.AsSpan(40, 102), pieces);
        pieces = InternetChecksum.Sum(data.AsSpan(142), pieces);
        Assert.Equal(InternetChecksum.Sum(data), pieces);
    }

    [Fact]
    public void Sums_the_IPv4_pseudo_header_of_RFC_768()
    {
        Ipv4Address source = Golden.V4("192.0.2.1"), destination = Golden.V4("198.51.100.254");
        // source, destination, zero, protocol, UDP length
        byte[] pseudo = Golden.Bytes("c0000201" + "c63364fe" + "00" + "11" + "05dc");
        Assert.Equal(ReferenceSum(pseudo), InternetChecksum.PseudoHeaderSum(source, destination, IpProtocol.Udp, 1500));
    }

    [Fact]
    public void Sums_the_IPv6_pseudo_header_of_RFC_8200()
    {
        Ipv6Address source = Golden.V6("fe80::5054:ff:fe12:3456"), destination = Golden.V6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
        // RFC 8200 section 8.1: source, destination, 32-bit length, three zeros, next header
        byte[] pseudo = Golden.Bytes("fe80000000000000" + "505400fffe123456" + new string('f', 32) + "00012345" + "000000" + "3a");
        Assert.Equal(ReferenceSum(pseudo), InternetChecksum.PseudoHeaderSum(source, destination, IpProtocol.Icmpv6, 0x12345));
    }
}
