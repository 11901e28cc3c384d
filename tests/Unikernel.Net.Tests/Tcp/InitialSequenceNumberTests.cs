using System.Buffers.Binary;
using Unikernel.Net.Tcp;
using Unikernel.Net.Tests.Wire;
using Unikernel.Net.Wire;

namespace Unikernel.Net.Tests.Tcp;

public class InitialSequenceNumberTests
{
    private static readonly byte[] KeyBytes = Convert.FromHexString("000102030405060708090a0b0c0d0e0f");
    private static readonly InitialSequenceNumbers Isn = new(KeyBytes);
    private static readonly Ipv6Address Local = Golden.V6("2001:db8::1");
    private static readonly Ipv6Address Remote = Golden.V6("2001:db8::2");

    [Fact]
    public void F_is_SipHash_2_4_of_the_4_tuple_in_wire_order()
    {
        // Built by hand: local address, local port, remote address, remote port, big-endian.
        byte[] message = Convert.FromHexString(
            "20010db8000000000000000000000001" + "c000" + "20010db8000000000000000000000002" + "0050");
        uint expected = (uint)SipHash.Hash24(KeyBytes, message);
        Assert.Equal(expected, Isn.Hash(Local, 0xc000, Remote, 80));
        Assert.Equal(expected + 1000u, Isn.FromMicroseconds(Local, 0xc000, Remote, 80, 4000).Value);
    }

    [Fact]
    public void IPv4_is_hashed_as_IPv4_mapped_IPv6()
    {
        Ipv4Address local = Golden.V4("10.0.2.15"), remote = Golden.V4("10.0.2.2");
        Assert.Equal(
            Isn.FromMilliseconds(Golden.V6("::ffff:10.0.2.15"), 40000, Golden.V6("::ffff:10.0.2.2"), 443, 12345),
            Isn.FromMilliseconds(local, 40000, remote, 443, 12345));
        Assert.Equal(
            Isn.FromMicroseconds(Ipv6Address.MapIpv4(local), 40000, Ipv6Address.MapIpv4(remote), 443, 12345),
            Isn.FromMicroseconds(local, 40000, remote, 443, 12345));
    }

    [Fact]
    public void M_ticks_every_4_microseconds_and_250_times_a_millisecond()
    {
        SeqNumber start = Isn.FromMicroseconds(Local, 1, Remote, 2, 1_000_000);
        Assert.Equal(start, Isn.FromMicroseconds(Local, 1, Remote, 2, 1_000_003));
        Assert.Equal(1, Isn.FromMicroseconds(Local, 1, Remote, 2, 1_000_004) - start);
        Assert.Equal(250, Isn.FromMilliseconds(Local, 1, Remote, 2, 1001) - Isn.FromMilliseconds(Local, 1, Remote, 2, 1000));
        // The two clocks agree on the same instant.
        Assert.Equal(Isn.FromMicroseconds(Local, 1, Remote, 2, 1_000_000), Isn.FromMilliseconds(Local, 1, Remote, 2, 1000));
    }

    [Fact]
    public void The_timer_wraps_without_trouble()
    {
        // 2^32 ticks of 4 microseconds is about 4.77 hours; the ISN simply wraps.
        long wrap = (1L << 32) * 4;
        Assert.Equal(Isn.FromMicroseconds(Local, 1, Remote, 2, 8), Isn.FromMicroseconds(Local, 1, Remote, 2, wrap + 8));
        long wrapMs = (1L << 32) / 250 + 1;
        Assert.Equal(250 - (int)((1L << 32) % 250), (int)(Isn.FromMilliseconds(Local, 1, Remote, 2, wrapMs).Value - Isn.Hash(Local, 1, Remote, 2)));
    }

    [Fact]
    public void Any_change_to_the_4_tuple_or_the_key_changes_the_ISN()
    {
        SeqNumber baseline = Isn.FromMilliseconds(Local, 40000, Remote, 80, 0);
        Assert.NotEqual(baseline, Isn.FromMilliseconds(Local, 40001, Remote, 80, 0));
        Assert.NotEqual(baseline, Isn.FromMilliseconds(Local, 40000, Remote, 81, 0));
        Assert.NotEqual(baseline, Isn.FromMilliseconds(Remote, 40000, Local, 80, 0));
        Assert.NotEqual(baseline, Isn.FromMilliseconds(Golden.V6("2001:db8::3"), 40000, Remote, 80, 0));
        // Local and remote are not interchangeable.
        Assert.NotEqual(baseline, Isn.FromMilliseconds(Remote, 80, Local, 40000, 0));
        var other = new InitialSequenceNumbers(1, 2);
        Assert.NotEqual(baseline, other.FromMilliseconds(Local, 40000, Remote, 80, 0));
        Assert.Equal(baseline, Isn.FromMilliseconds(Local, 40000, Remote, 80, 0));
    }

    [Fact]
    public void The_byte_key_is_two_little_endian_halves()
    {
        var fromHalves = new InitialSequenceNumbers(BinaryPrimitives.ReadUInt64LittleEndian(KeyBytes), BinaryPrimitives.ReadUInt64LittleEndian(KeyBytes.AsSpan(8)));
        Assert.Equal(Isn.FromMilliseconds(Local, 1, Remote, 2, 3), fromHalves.FromMilliseconds(Local, 1, Remote, 2, 3));
        Assert.Throws<PanicException>(() => new InitialSequenceNumbers(new byte[8]));
    }

    [Fact]
    public void Ports_spread_the_ISN_over_the_sequence_space()
    {
        // A weak check that F is not something trivial: 4096 consecutive ports give distinct
        // values whose top bits take every pattern.
        var seen = new HashSet<uint>();
        var topNibbles = new HashSet<uint>();
        for (ushort port = 32768; port < 32768 + 4096; port++)
        {
            uint value = Isn.FromMilliseconds(Local, port, Remote, 443, 0).Value;
            Assert.True(seen.Add(value));
            topNibbles.Add(value >> 28);
        }
        Assert.Equal(16, topNibbles.Count);
    }
}
