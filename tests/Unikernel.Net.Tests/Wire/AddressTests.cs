using System.Net;
using System.Text;
using Unikernel.Net.Wire;

namespace Unikernel.Net.Tests.Wire;

public class AddressTests
{
    [Fact]
    public void Mac_address_reads_writes_and_formats_like_Linux()
    {
        byte[] bytes = [0x52, 0x54, 0x00, 0x12, 0x34, 0x56];
        var address = new MacAddress(bytes);
        Assert.Equal(0x5254_0012_3456UL, address.Value);
        Assert.Equal("52:54:00:12:34:56", Golden.Text(address));
        byte[] copy = Junk.Buffer(8);
        address.CopyTo(copy);
        Assert.Equal([.. bytes, Junk.Fill, Junk.Fill], copy);

        Span<byte> utf8 = stackalloc byte[32];
        Assert.True(address.TryFormat(utf8, out int written));
        Assert.Equal("52:54:00:12:34:56", Encoding.ASCII.GetString(utf8.Slice(0, written)));
    }

    [Fact]
    public void Mac_address_knows_its_kind()
    {
        Assert.True(MacAddress.Broadcast.IsBroadcast);
        Assert.True(MacAddress.Broadcast.IsMulticast);
        Assert.True(Golden.Mac("33:33:00:00:00:01").IsMulticast);
        Assert.True(Golden.Mac("52:54:00:12:34:56").IsUnicast);
        Assert.True(Golden.Mac("52:54:00:12:34:56").IsLocallyAdministered);
        Assert.False(Golden.Mac("00:1a:2b:3c:4d:5e").IsLocallyAdministered);
        Assert.Equal("ff:ff:ff:ff:ff:ff", Golden.Text(MacAddress.Broadcast));
        Assert.Equal("00:00:00:00:00:00", Golden.Text(MacAddress.Zero));
    }

    [Fact]
    public void Multicast_groups_map_to_Ethernet_group_addresses()
    {
        // RFC 2464 section 7 and RFC 1112 section 6.4.
        Assert.Equal(Golden.Mac("33:33:ff:00:00:02"), MacAddress.FromIpv6Multicast(Golden.V6("ff02::1:ff00:2")));
        Assert.Equal(Golden.Mac("33:33:00:00:00:01"), MacAddress.FromIpv6Multicast(Ipv6Address.AllNodes));
        Assert.Equal(Golden.Mac("01:00:5e:00:00:fb"), MacAddress.FromIpv4Multicast(Golden.V4("224.0.0.251")));
        Assert.Equal(Golden.Mac("01:00:5e:00:00:01"), MacAddress.FromIpv4Multicast(Golden.V4("239.128.0.1")));
    }

    [Theory]
    [InlineData("10.0.2.15")]
    [InlineData("0.0.0.0")]
    [InlineData("255.255.255.255")]
    [InlineData("192.168.100.9")]
    public void Ipv4_address_formats_in_dotted_decimal(string text)
    {
        var address = Golden.V4(text);
        Assert.Equal(text, Golden.Text(address));
        Span<byte> utf8 = stackalloc byte[Ipv4Address.MaxFormattedLength];
        Assert.True(address.TryFormat(utf8, out int written));
        Assert.Equal(text, Encoding.ASCII.GetString(utf8.Slice(0, written)));
    }

    [Fact]
    public void Ipv4_address_reads_writes_and_classifies()
    {
        var address = new Ipv4Address(10, 0, 2, 15);
        Assert.Equal(0x0A00_020FU, address.Value);
        Assert.Equal(address, new Ipv4Address([10, 0, 2, 15]));
        byte[] copy = new byte[4];
        address.CopyTo(copy);
        Assert.Equal([10, 0, 2, 15], copy);
        Assert.True(Ipv4Address.Any.IsUnspecified);
        Assert.True(Ipv4Address.Broadcast.IsBroadcast);
        Assert.True(Ipv4Address.Loopback.IsLoopback);
        Assert.True(Golden.V4("224.0.0.1").IsMulticast);
        Assert.True(Golden.V4("239.255.255.255").IsMulticast);
        Assert.False(Golden.V4("240.0.0.1").IsMulticast);
        Assert.True(Golden.V4("169.254.1.2").IsLinkLocal);
    }

    [Theory]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("1::")]
    [InlineData("fe80::5054:ff:fe12:3456")]
    [InlineData("ff02::1:ff00:2")]
    [InlineData("2001:db8::1")]
    [InlineData("2001:db8:0:1:1:1:1:1")]      // RFC 5952 4.2.2: one zero group is not shortened
    [InlineData("2001:db8::1:0:0:1")]         // 4.2.3: on a tie, the first run
    [InlineData("2001:0:0:1::1")]             // 4.2.3: the longest run
    [InlineData("2001:db8:aaaa:bbbb:cccc:dddd:eeee:1")]
    [InlineData("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")]
    [InlineData("::ffff:10.0.2.15")]          // 5: IPv4-mapped keeps the dotted quad
    public void Ipv6_address_formats_in_the_RFC_5952_canonical_form(string text)
    {
        var address = Golden.V6(text);
        Assert.Equal(text, Golden.Text(address));
        Span<byte> utf8 = stackalloc byte[Ipv6Address.MaxFormattedLength];
        Assert.True(address.TryFormat(utf8, out int written));
        Assert.Equal(text, Encoding.ASCII.GetString(utf8.Slice(0, written)));
    }

    [Fact]
    public void Ipv6_address_formats_like_the_BCL_on_random_addresses()
    {
        var random = new Random(5952);
        byte[] bytes = new byte[16];
        for (int round = 0; round < 20000; round++)
        {
            // Mostly-zero groups, so runs of every length and position come up.
            for (int group = 0; group < 8; group++)
            {
                int value = random.Next(3) == 0 ? random.Next(0x10000) : 0;
                if (random.Next(4) == 0)
                    value = random.Next(16);
                bytes[2 * group] = (byte)(value >> 8);
                bytes[2 * group + 1] = (byte)value;
            }
            // The BCL writes ::a.b.c.d for the deprecated IPv4-compatible form; RFC 5952 does not.
            if (bytes.AsSpan(0, 10).IndexOfAnyExcept((byte)0) < 0)
                continue;
            Assert.Equal(new IPAddress(bytes).ToString(), Golden.Text(new Ipv6Address(bytes)));
        }
    }

    [Fact]
    public void Formatting_into_too_small_a_destination_writes_nothing()
    {
        char[] chars = new char[10];
        Assert.False(Golden.V6("2001:db8::1:2:3").TryFormat(chars, out int written));
        Assert.Equal(0, written);
        Assert.All(chars, c => Assert.Equal('\0', c));
        Assert.False(Golden.Mac("52:54:00:12:34:56").TryFormat(new byte[16], out written));
        Assert.Equal(0, written);
        Assert.False(Golden.V4("10.0.2.15").TryFormat(new char[8], out written));
        Assert.True(Golden.V4("10.0.2.15").TryFormat(new char[9], out written));
        Assert.Equal(9, written);
    }

    [Fact]
    public void Ipv6_address_reads_writes_and_classifies()
    {
        var address = Golden.V6("fe80::5054:ff:fe12:3456");
        Assert.Equal(0xFE80_0000_0000_0000UL, address.High);
        Assert.Equal(0x5054_00FF_FE12_3456UL, address.Low);
        Assert.Equal((ushort)0xfe80, address.Segment(0));
        Assert.Equal((ushort)0x00ff, address.Segment(5));
        Assert.Equal((ushort)0x3456, address.Segment(7));
        byte[] copy = new byte[16];
        address.CopyTo(copy);
        Assert.Equal(IPAddress.Parse("fe80::5054:ff:fe12:3456").GetAddressBytes(), copy);
        Assert.True(address.IsLinkLocal);
        Assert.False(Golden.V6("fec0::1").IsLinkLocal);
        Assert.True(Ipv6Address.Unspecified.IsUnspecified);
        Assert.True(Ipv6Address.Loopback.IsLoopback);
        Assert.True(Ipv6Address.AllNodes.IsMulticast);
        Assert.Equal("ff02::2", Golden.Text(Ipv6Address.AllRouters));
        Assert.True(Golden.V6("::ffff:1.2.3.4").IsIpv4Mapped);
        Assert.Equal(Golden.V6("ff02::1:ff12:3456"), address.SolicitedNode);
    }

    [Fact]
    public void Addresses_compare_by_value()
    {
        Assert.True(Golden.V6("2001:db8::1") == Golden.V6("2001:db8::1"));
        Assert.True(Golden.V6("2001:db8::1") != Golden.V6("2001:db8::2"));
        Assert.True(Golden.V6("2001:db8::1") != Golden.V6("2001:db9::1"));
        Assert.Equal(Golden.V6("2001:db8::1").GetHashCode(), Golden.V6("2001:db8::1").GetHashCode());
        Assert.True(Golden.V4("10.0.2.2") == new Ipv4Address(10, 0, 2, 2));
        Assert.True(Golden.V4("10.0.2.2") != Golden.V4("10.0.2.3"));
        Assert.True(Golden.Mac("52:54:00:12:34:56") == new MacAddress(0x5254_0012_3456));
        Assert.True(Golden.Mac("52:54:00:12:34:56") != MacAddress.Broadcast);
        Assert.True(Golden.Mac("52:54:00:12:34:56").Equals((object)new MacAddress(0x5254_0012_3456)));
        Assert.False(Golden.Mac("52:54:00:12:34:56").Equals((object)Golden.V4("10.0.2.2")));
        Assert.Equal(new MacAddress(0xFFFF_5254_0012_3456), Golden.Mac("52:54:00:12:34:56"));
    }
}
