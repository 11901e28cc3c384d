using System.Text;
using Unikernel.Net.Tests.Wire;
using Unikernel.Net.Wire;
using static Unikernel.Net.Tests.Interface.InterfaceGolden;
using static Unikernel.Net.Tests.Interface.TestFrames;

namespace Unikernel.Net.Tests.Interface;

/// <summary>
/// Hop-by-Hop and Destination options on the receive path (RFC 8200 section 4.2): padding and
/// action 00 skipped, 01 dropped silently, 10 answered with a Parameter Problem code 2 pointing
/// at the option type, 11 the same unless the destination was multicast; malformed options and
/// chains past the limit dropped as malformed.
/// </summary>
public class Ipv6OptionTests
{
    private static readonly byte[] Hello = Encoding.ASCII.GetBytes("hello\n");

    /// <summary>
    /// "hello\n" from the peer's link-local address, port 40000, to ours, port 7, behind a
    /// Hop-by-Hop header holding one option of type 0x80 (action 10) with four zero bytes of
    /// data. UDP checksum 0x4399 (the options are not under it), by the independent script.
    /// </summary>
    private const string HopByHopUnknownOption =
        "52550a000202" + "525400123456" + "86dd" +
        "60000000" + "0016" + "00" + "40" +
        "fe800000000000005054" + "00fffe123456" +
        "fe800000000000005055" + "0afffe000202" +
        "11" + "00" + "80" + "04" + "00000000" +
        "9c40" + "0007" + "000e" + "4399" + "68656c6c6f0a";

    /// <summary>Where the option type is in <see cref="HopByHopUnknownOption"/>: 40-byte header, Next Header and Hdr Ext Len.</summary>
    private const int OptionTypeOffset = Ipv6Packet.HeaderLength + 2;

    /// <summary>The Parameter Problem's ICMPv6 checksum for type 0x80, by the same script.</summary>
    private const ushort ParameterProblemChecksum = 0x2e02;

    internal static byte[] WithOptionType(byte type)
    {
        byte[] frame = Golden.Bytes(HopByHopUnknownOption);
        frame[EthernetFrame.HeaderLength + OptionTypeOffset] = type;
        return frame;
    }

    private static NetworkInterface BoundToEcho(out UdpHandle socket)
    {
        var nic = NewInterface();
        Assert.True(nic.Udp.TryBind(7, out socket));
        return nic;
    }

    [Fact]
    public void Action_10_is_answered_with_a_parameter_problem_pointing_at_the_option_type()
    {
        var nic = BoundToEcho(out _);
        byte[] frame = WithOptionType(0x80);
        byte[] reply = Run(ref nic, frame);
        var ip = Ipv6Of(reply);
        Assert.Equal(OurLinkLocal, ip.Source);
        Assert.Equal(PeerLinkLocal, ip.Destination);
        var icmp = Icmpv6Of(reply);
        Assert.Equal(Icmpv6Type.ParameterProblem, icmp.Type);
        Assert.Equal(2, icmp.Code);
        Assert.Equal((uint)OptionTypeOffset, icmp.Pointer);
        Assert.Equal(ParameterProblemChecksum, icmp.Checksum);
        // The whole invoking packet is quoted (RFC 4443 section 3.4).
        Assert.Equal(frame.AsSpan(EthernetFrame.HeaderLength).ToArray(), icmp.Payload.ToArray());
        Assert.Equal(1UL, nic.Counters.Replied);
    }

    [Fact]
    public void Action_11_is_answered_with_a_parameter_problem_to_a_unicast_destination()
    {
        var nic = BoundToEcho(out _);
        var icmp = Icmpv6Of(Run(ref nic, WithOptionType(0xC2))); // Jumbo Payload (RFC 2675), which we do not take
        Assert.Equal(Icmpv6Type.ParameterProblem, icmp.Type);
        Assert.Equal(2, icmp.Code);
        Assert.Equal((uint)OptionTypeOffset, icmp.Pointer);
    }

    [Fact]
    public void Action_11_to_a_multicast_destination_is_dropped_without_an_answer()
    {
        var nic = BoundToEcho(out UdpHandle socket);
        Assert.Empty(Run(ref nic, ToAllNodes(WithOptionType(0xC2))));
        Assert.Equal(1UL, nic.Counters[DropReason.Unsupported]);
        Assert.False(nic.Udp.TryReceive(socket, new byte[100], out _, out _, out _));
    }

    [Fact]
    public void Action_10_to_a_multicast_destination_is_still_answered_from_our_unicast_address()
    {
        var nic = BoundToEcho(out _);
        byte[] reply = Run(ref nic, ToAllNodes(WithOptionType(0x80)));
        Assert.Equal(OurLinkLocal, Ipv6Of(reply).Source);
        var icmp = Icmpv6Of(reply);
        Assert.Equal(Icmpv6Type.ParameterProblem, icmp.Type);
        Assert.Equal(2, icmp.Code);
        Assert.Equal((uint)OptionTypeOffset, icmp.Pointer);
    }

    [Theory]
    [InlineData(0x40)]
    [InlineData(0x7F)]
    public void Action_01_is_dropped_silently(byte type)
    {
        var nic = BoundToEcho(out UdpHandle socket);
        Assert.Empty(Run(ref nic, WithOptionType(type)));
        Assert.Equal(1UL, nic.Counters[DropReason.Unsupported]);
        Assert.False(nic.Udp.TryReceive(socket, new byte[100], out _, out _, out _));
    }

    [Theory]
    [InlineData(0x3E)] // unknown, action 00
    [InlineData(Ipv6Options.RouterAlert)]
    [InlineData(Ipv6Options.PadN)]
    public void Action_00_and_known_options_are_skipped_and_the_datagram_delivered(byte type)
    {
        var nic = BoundToEcho(out UdpHandle socket);
        Assert.Empty(Run(ref nic, WithOptionType(type)));
        Assert.Equal(1UL, nic.Counters.Absorbed);
        byte[] buffer = new byte[100];
        Assert.True(nic.Udp.TryReceive(socket, buffer, out int length, out _, out _));
        Assert.Equal(Hello, buffer[..length]);
    }

    [Fact]
    public void An_option_in_a_destination_options_header_after_hop_by_hop_is_pointed_at_where_it_is()
    {
        var nic = BoundToEcho(out _);
        // Hop-by-Hop (PadN) then Destination Options holding PadN 2 and the unknown option at byte 4 of it.
        byte[] frame = Udp6WithHeaders(OurLinkLocal, IpProtocol.HopByHop,
            [(byte)IpProtocol.Ipv6DestinationOptions, 0, Ipv6Options.PadN, 4, 0, 0, 0, 0],
            [(byte)IpProtocol.Udp, 0, Ipv6Options.PadN, 0, 0xBF, 2, 0, 0]);
        var icmp = Icmpv6Of(Run(ref nic, frame));
        Assert.Equal(Icmpv6Type.ParameterProblem, icmp.Type);
        Assert.Equal(2, icmp.Code);
        Assert.Equal((uint)(Ipv6Packet.HeaderLength + 8 + 4), icmp.Pointer);
    }

    [Theory]
    [InlineData(new byte[] { 0x01, 0x05, 0, 0, 0, 0 })] // PadN longer than the header
    [InlineData(new byte[] { 0, 0, 0, 0, 0, 0x80 })]    // a type with no room for its length
    [InlineData(new byte[] { 0x80, 0x09, 0, 0, 0, 0 })] // an unknown option running past the end: malformed before unknown
    public void Malformed_option_lengths_are_dropped_as_malformed_without_an_answer(byte[] options)
    {
        var nic = BoundToEcho(out _);
        byte[] frame = Udp6WithHeaders(OurLinkLocal, IpProtocol.HopByHop, [(byte)IpProtocol.Udp, 0, .. options]);
        Assert.Empty(Run(ref nic, frame));
        Assert.Equal(1UL, nic.Counters.Malformed(WireError.BadFormat));
    }

    [Fact]
    public void A_header_chain_ending_past_the_first_1280_bytes_is_dropped_as_too_long()
    {
        var nic = BoundToEcho(out UdpHandle socket);
        // One Destination Options header of 1248 bytes, all padding: the chain ends at byte 1288 of the packet.
        Assert.Empty(Run(ref nic, Udp6WithHeaders(OurLinkLocal, IpProtocol.Ipv6DestinationOptions, PaddedOptions(1248))));
        Assert.Equal(1UL, nic.Counters.Malformed(WireError.TooManyHeaders));
        Assert.False(nic.Udp.TryReceive(socket, new byte[100], out _, out _, out _));

        // Eight bytes shorter, it ends at byte 1280 and is walked.
        Assert.Empty(Run(ref nic, Udp6WithHeaders(OurLinkLocal, IpProtocol.Ipv6DestinationOptions, PaddedOptions(1240))));
        Assert.True(nic.Udp.TryReceive(socket, new byte[100], out _, out _, out _));
    }

    [Theory]
    [InlineData(Icmpv6Type.DestinationUnreachable, false)] // an error: never answered with an error (RFC 4443 section 2.4 (e.1))
    [InlineData(Icmpv6Type.PacketTooBig, false)]
    [InlineData(Icmpv6Type.EchoRequest, true)]             // informational: answered
    public void An_icmpv6_error_with_an_option_that_asks_for_a_report_gets_none(Icmpv6Type type, bool answered)
    {
        var nic = NewInterface();
        byte[] frame = Icmp6WithHeaders(type, IpProtocol.HopByHop, [(byte)IpProtocol.Icmpv6, 0, 0x80, 4, 0, 0, 0, 0]);
        byte[] reply = Run(ref nic, frame);
        Assert.Equal(answered, reply.Length > 0);
        if (answered)
            Assert.Equal(Icmpv6Type.ParameterProblem, Icmpv6Of(reply).Type);
        else
            Assert.Equal(1UL, nic.Counters[DropReason.Unsupported]);
    }

    /// <summary>An ICMPv6 message of <paramref name="type"/> with 8 zero bytes of body from the peer to our link-local address, behind the given headers.</summary>
    private static byte[] Icmp6WithHeaders(Icmpv6Type type, IpProtocol first, params byte[][] headers)
    {
        int extensions = headers.Sum(h => h.Length);
        int icmpLength = Icmpv6Packet.MinimumLength + 8;
        byte[] frame = new byte[EthernetFrame.HeaderLength + Ipv6Packet.HeaderLength + extensions + icmpLength];
        EthernetFrame.Emit(frame, OurMac, PeerMac, EtherType.Ipv6);
        var ip = Ipv6Packet.Emit(frame.AsSpan(EthernetFrame.HeaderLength), PeerLinkLocal, OurLinkLocal, first, extensions + icmpLength, 64);
        int at = 0;
        foreach (byte[] header in headers)
        {
            header.CopyTo(ip.Payload.Slice(at));
            at += header.Length;
        }
        Icmpv6Packet.Emit(ip.Payload.Slice(at), type, 0, 8).FillChecksum(PeerLinkLocal, OurLinkLocal);
        return frame;
    }

    /// <summary>A Destination Options header of <paramref name="length"/> bytes (a multiple of 8), its options PadN, before UDP.</summary>
    private static byte[] PaddedOptions(int length)
    {
        byte[] header = new byte[length];
        header[0] = (byte)IpProtocol.Udp;
        header[1] = (byte)(length / 8 - 1);
        for (int i = 2; i < length;)
        {
            if (length - i == 1)
                break; // the zero left is a Pad1
            int data = Math.Min(255, length - i - 2);
            header[i] = Ipv6Options.PadN;
            header[i + 1] = (byte)data;
            i += 2 + data;
        }
        return header;
    }

    /// <summary>The frame sent to all-nodes instead of our address: destination address and MAC, UDP checksum again.</summary>
    private static byte[] ToAllNodes(byte[] frame)
    {
        EthernetFrame.Emit(frame, MacAddress.FromIpv6Multicast(Ipv6Address.AllNodes), PeerMac, EtherType.Ipv6);
        var ip = new Ipv6Packet(frame.AsSpan(EthernetFrame.HeaderLength));
        ip.Destination = Ipv6Address.AllNodes;
        var udp = new UdpDatagram(ip.Payload.Slice(8));
        udp.FillChecksum(ip.Source, Ipv6Address.AllNodes);
        return frame;
    }

    /// <summary>"hello\n" from the peer to port 7 of <paramref name="destination"/> behind the given extension headers.</summary>
    private static byte[] Udp6WithHeaders(Ipv6Address destination, IpProtocol first, params byte[][] headers)
    {
        int extensions = headers.Sum(h => h.Length);
        int udpLength = UdpDatagram.HeaderLength + Hello.Length;
        byte[] frame = new byte[EthernetFrame.HeaderLength + Ipv6Packet.HeaderLength + extensions + udpLength];
        EthernetFrame.Emit(frame, OurMac, PeerMac, EtherType.Ipv6);
        var ip = Ipv6Packet.Emit(frame.AsSpan(EthernetFrame.HeaderLength), PeerLinkLocal, destination, first, extensions + udpLength, 64);
        int at = 0;
        foreach (byte[] header in headers)
        {
            header.CopyTo(ip.Payload.Slice(at));
            at += header.Length;
        }
        var udp = UdpDatagram.Emit(ip.Payload.Slice(at), 40000, 7, Hello.Length);
        Hello.CopyTo(udp.Payload);
        udp.FillChecksum(PeerLinkLocal, destination);
        return frame;
    }
}
