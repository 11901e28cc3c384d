using Unikernel.Net.Tests.Wire;
using Unikernel.Net.Wire;
using static Unikernel.Net.Tests.Interface.InterfaceGolden;
using static Unikernel.Net.Tests.Interface.TestFrames;

namespace Unikernel.Net.Tests.Interface;

/// <summary>
/// The path MTU cache through the interface: Packet Too Big (RFC 8201) and fragmentation needed
/// (RFC 1191) quoting a datagram we sent lower <see cref="NetworkInterface.PathMtu"/> for its
/// destination, within the family's floor, never up, for ten minutes; errors quoting what we
/// could not have sent change nothing; the table is fixed and gives up its oldest entry.
/// </summary>
public class PathMtuTests
{
    private static readonly Ipv6Address Router = Golden.V6("fe80::99");
    private static readonly Ipv6Address Far = Golden.V6("fd00:99::1");
    private static readonly Ipv4Address RouterIpv4 = Golden.V4("10.0.2.99");
    private static readonly Ipv4Address FarIpv4 = Golden.V4("10.0.2.77");

    /// <summary>A UDP datagram of <paramref name="length"/> bytes of data from us to <paramref name="destination"/>, as we would send it.</summary>
    private static byte[] OurDatagram6(Ipv6Address source, Ipv6Address destination, int length) =>
        Udp6(source, destination, 7, 40000, new byte[length])[EthernetFrame.HeaderLength..];

    private static byte[] OurDatagram4(Ipv4Address source, Ipv4Address destination, int length) =>
        Udp4(source, destination, 7, 40000, new byte[length])[EthernetFrame.HeaderLength..];

    /// <summary>A router's Packet Too Big quoting <paramref name="quoted"/> (cut to keep the message within 1280 bytes).</summary>
    private static byte[] PacketTooBig(uint mtu, byte[] quoted)
    {
        byte[] body = new byte[4 + Math.Min(quoted.Length, 1232)];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(body, mtu);
        quoted.AsSpan(0, body.Length - 4).CopyTo(body.AsSpan(4));
        return Icmp6(Router, OurLinkLocal, Icmpv6Type.PacketTooBig, body, hopLimit: 64);
    }

    /// <summary>A router's fragmentation needed quoting the IP header and first 8 bytes after it (RFC 792).</summary>
    private static byte[] FragmentationNeeded(ushort mtu, byte[] quoted)
    {
        int length = Ipv4Packet.MinimumHeaderLength + 8;
        int icmpLength = Icmpv4Packet.HeaderLength + length;
        byte[] frame = new byte[Math.Max(EthernetFrame.MinimumLength, EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength + icmpLength)];
        EthernetFrame.Emit(frame, OurMac, PeerMac, EtherType.Ipv4);
        var ip = Ipv4Packet.Emit(frame.AsSpan(EthernetFrame.HeaderLength), RouterIpv4, OurIpv4, IpProtocol.Icmp, icmpLength, 64);
        var icmp = Icmpv4Packet.Emit(ip.Payload, Icmpv4Type.DestinationUnreachable, Icmpv4Packet.FragmentationNeededCode, length);
        icmp.NextHopMtu = mtu;
        quoted.AsSpan(0, length).CopyTo(icmp.Payload);
        icmp.FillChecksum();
        return frame;
    }

    [Fact]
    public void Without_news_the_path_mtu_is_the_link_mtu()
    {
        var nic = NewInterface();
        Assert.Equal(1500, nic.LinkMtu);
        Assert.Equal(1500, nic.PathMtu(Far));
        var configuration = NetworkConfiguration.WithStaticIpv4(OurIpv4, 24);
        configuration.LinkMtu = 1280;
        Assert.Equal(1280, new NetworkInterface(OurMac, configuration).PathMtu(Far));
    }

    [Fact]
    public void Packet_too_big_quoting_our_datagram_lowers_that_destination_only()
    {
        var nic = NewInterface();
        Assert.Empty(Run(ref nic, PacketTooBig(1400, OurDatagram6(OurLinkLocal, Far, 1452))));
        Assert.Equal(1UL, nic.Counters.Absorbed);
        Assert.Equal(1400, nic.PathMtu(Far));
        Assert.Equal(1500, nic.PathMtu(PeerLinkLocal));
        // Never up from a message (RFC 8201 section 4), never below 1280.
        Run(ref nic, PacketTooBig(1480, OurDatagram6(OurLinkLocal, Far, 1452)));
        Assert.Equal(1400, nic.PathMtu(Far));
        Run(ref nic, PacketTooBig(500, OurDatagram6(OurLinkLocal, Far, 1352)));
        Assert.Equal(1280, nic.PathMtu(Far));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(FragmentFrames.Ipv6Chunk)]
    public void Packet_too_big_quoting_one_of_our_fragments_lowers_the_path(int offset)
    {
        // A large UDP datagram we sent in fragments (RFC 8200 section 4.5): the quote ends at the
        // Fragment header, yet it is ours as much as a whole datagram is (RFC 8201 section 4).
        var nic = NewInterface();
        byte[] message = FragmentFrames.Udp6Message(OurLinkLocal, Far, 7, 40000, new byte[3000]);
        byte[] fragment = FragmentFrames.Fragment6(OurLinkLocal, Far, IpProtocol.Udp, message, offset, FragmentFrames.Ipv6Chunk, true, 77);
        Assert.Empty(Run(ref nic, PacketTooBig(1280, fragment[EthernetFrame.HeaderLength..])));
        Assert.Equal(1UL, nic.Counters.Absorbed);
        Assert.Equal(1280, nic.PathMtu(Far));
    }

    [Fact]
    public void Packet_too_big_quoting_a_source_not_ours_changes_nothing()
    {
        var nic = NewInterface();
        Assert.Empty(Run(ref nic, PacketTooBig(1300, OurDatagram6(PeerLinkLocal, Far, 1452))));
        Assert.Equal(1UL, nic.Counters[DropReason.InvalidSource]);
        Assert.Equal(1500, nic.PathMtu(Far));
    }

    [Fact]
    public void Packet_too_big_quoting_tcp_without_a_connection_changes_nothing()
    {
        var nic = NewInterface();
        byte[] quoted = Tcp6From(OurLinkLocal, Far);
        Assert.Empty(Run(ref nic, PacketTooBig(1300, quoted)));
        Assert.Equal(1UL, nic.Counters[DropReason.InvalidSource]);
        Assert.Equal(1500, nic.PathMtu(Far));
    }

    [Fact]
    public void A_lowered_path_ages_back_to_the_link_mtu_after_ten_minutes()
    {
        var nic = NewInterface();
        nic.AdvanceClock(1_000);
        Run(ref nic, PacketTooBig(1300, OurDatagram6(OurLinkLocal, Far, 1452)));
        nic.AdvanceClock(1_000 + 5 * 60_000);
        Assert.Equal(1300, nic.PathMtu(Far));
        nic.AdvanceClock(1_000 + 10 * 60_000 - 1);
        Assert.Equal(1300, nic.PathMtu(Far));
        nic.AdvanceClock(1_000 + 10 * 60_000);
        Assert.Equal(1500, nic.PathMtu(Far));
    }

    [Fact]
    public void A_full_table_gives_up_the_entry_lowered_longest_ago()
    {
        var configuration = NetworkConfiguration.WithStaticIpv4(OurIpv4, 24);
        configuration.PathMtuEntries = 2;
        var nic = new NetworkInterface(OurMac, configuration);
        Ipv6Address[] destinations = [Golden.V6("fd00:99::1"), Golden.V6("fd00:99::2"), Golden.V6("fd00:99::3")];
        for (int i = 0; i < destinations.Length; i++)
        {
            nic.AdvanceClock(1_000 * (i + 1));
            Run(ref nic, PacketTooBig((uint)(1400 - i), OurDatagram6(OurLinkLocal, destinations[i], 1452)));
        }
        Assert.Equal(1500, nic.PathMtu(destinations[0]));
        Assert.Equal(1399, nic.PathMtu(destinations[1]));
        Assert.Equal(1398, nic.PathMtu(destinations[2]));
    }

    [Fact]
    public void No_table_keeps_every_path_at_the_link_mtu()
    {
        var configuration = NetworkConfiguration.WithStaticIpv4(OurIpv4, 24);
        configuration.PathMtuEntries = 0;
        var nic = new NetworkInterface(OurMac, configuration);
        Assert.Empty(Run(ref nic, PacketTooBig(1300, OurDatagram6(OurLinkLocal, Far, 1452))));
        Assert.Equal(1500, nic.PathMtu(Far));
    }

    [Fact]
    public void Fragmentation_needed_lowers_an_ipv4_path_but_not_below_576()
    {
        var nic = NewInterface();
        var far = Ipv6Address.MapIpv4(FarIpv4);
        Assert.Empty(Run(ref nic, FragmentationNeeded(1400, OurDatagram4(OurIpv4, FarIpv4, 1472))));
        Assert.Equal(1400, nic.PathMtu(far));
        Run(ref nic, FragmentationNeeded(68, OurDatagram4(OurIpv4, FarIpv4, 1372)));
        Assert.Equal(576, nic.PathMtu(far));
        Assert.Equal(2UL, nic.Counters.Absorbed);
    }

    [Theory]
    [InlineData(1472, 1492)] // a 1500-byte datagram: the next plateau is 1492 (RFC 1191 section 7)
    [InlineData(1464, 1006)] // a 1492-byte datagram: 1006
    [InlineData(800, 576)]   // 828 bytes: 508, raised to the 576 floor
    public void Fragmentation_needed_without_a_next_hop_mtu_takes_the_plateau_below_the_datagram(int data, int expected)
    {
        var nic = NewInterface();
        Run(ref nic, FragmentationNeeded(0, OurDatagram4(OurIpv4, FarIpv4, data)));
        Assert.Equal(expected, nic.PathMtu(Ipv6Address.MapIpv4(FarIpv4)));
    }

    [Fact]
    public void Fragmentation_needed_quoting_another_source_changes_nothing()
    {
        var nic = NewInterface();
        Assert.Empty(Run(ref nic, FragmentationNeeded(1000, OurDatagram4(PeerIpv4, FarIpv4, 1472))));
        Assert.Equal(1UL, nic.Counters[DropReason.InvalidSource]);
        Assert.Equal(1500, nic.PathMtu(Ipv6Address.MapIpv4(FarIpv4)));
    }

    [Fact]
    public void A_quote_too_short_to_read_is_malformed()
    {
        var nic = NewInterface();
        Assert.Empty(Run(ref nic, PacketTooBig(1300, OurDatagram6(OurLinkLocal, Far, 100)[..39])));
        Assert.Equal(1UL, nic.Counters.Malformed(WireError.Truncated));
        Assert.Equal(1500, nic.PathMtu(Far));
    }

    [Fact]
    public void Path_mtu_news_allocates_nothing()
    {
        var nic = NewInterface();
        byte[][] frames = [.. Enumerable.Range(0, 64).Select(i =>
            PacketTooBig((uint)(1499 - i), OurDatagram6(OurLinkLocal, new Ipv6Address(Far.High, (ulong)i), 1452)))];
        byte[] fragmentationNeeded = FragmentationNeeded(0, OurDatagram4(OurIpv4, FarIpv4, 1472));
        byte[] reply = new byte[1600];
        Assert.Equal(0, AllocationMeter.LeastOfThree(attempt =>
        {
            nic.AdvanceClock(attempt * PathMtuCacheAging);
            foreach (byte[] frame in frames)
                nic.Process(frame, reply);
            nic.Process(fragmentationNeeded, reply);
            for (int i = 0; i < frames.Length; i++)
                nic.PathMtu(new Ipv6Address(Far.High, (ulong)i));
        }));
        // Every message was taken (the meter runs the loop one to three times).
        Assert.Equal(0UL, nic.DroppedFrames);
        Assert.Equal(0UL, nic.Counters.Absorbed % 65);
        Assert.True(nic.Counters.Absorbed >= 65);
    }

    /// <summary>Ten minutes, the cache's aging time (RFC 8201 section 4).</summary>
    private const long PathMtuCacheAging = 10 * 60 * 1000;

    /// <summary>A TCP segment from us (port 49152) to <paramref name="destination"/>, 1400 bytes of data, as an IPv6 packet.</summary>
    private static byte[] Tcp6From(Ipv6Address source, Ipv6Address destination)
    {
        byte[] packet = new byte[Ipv6Packet.HeaderLength + TcpSegment.MinimumHeaderLength + 1400];
        var ip = Ipv6Packet.Emit(packet, source, destination, IpProtocol.Tcp, TcpSegment.MinimumHeaderLength + 1400, 64);
        TcpSegment.Emit(ip.Payload, 49152, 80, new Unikernel.Net.Tcp.SeqNumber(1), new Unikernel.Net.Tcp.SeqNumber(1), TcpFlags.Ack, 1000, 0, 1400);
        return packet;
    }
}
