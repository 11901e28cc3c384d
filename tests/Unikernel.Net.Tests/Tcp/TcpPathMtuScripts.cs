namespace Unikernel.Net.Tests.Tcp;

/// <summary>
/// A connection meets a smaller path (RFC 8201 section 5.4, RFC 1191 section 6.1): a Packet Too
/// Big or fragmentation needed that quotes one of its segments in flight makes it resend what
/// was in flight, and send from then on, in segments that fit; an error it could not have caused
/// changes nothing (RFC 5927); the smaller path ages out after ten minutes (RFC 8201 section 4).
/// </summary>
public class TcpPathMtuScripts
{
    /// <summary>A handshake without options but the MSS, then 4000 bytes from us in 1440-byte segments.</summary>
    private const string Ipv6Sending = """
        0     < S 0:0(0) win 65535 <mss 1440>
        0     > S. 0:0(0) ack 1 <mss 1440>
        +.01  < . 1:1(0) ack 1 win 65535
        +0    app accept
        +.1   app write 4000
        +0    > . 1:1441(1440) ack 1
        +0    > . 1441:2881(1440) ack 1
        +0    > P. 2881:4001(1120) ack 1

        """;

    [Fact]
    public void Packet_too_big_for_a_live_connection_shrinks_the_next_segments_and_resends_what_was_in_flight()
    {
        var script = new TcpScript().Run(Ipv6Sending + """
            // The router's next hop takes 1280: 1280 - 40 - 20 = 1220 bytes a segment, from SND.UNA.
            +.01  < icmp too-big 1280
            +0    > . 1:1221(1220) ack 1
            +0    > . 1221:2441(1220) ack 1
            +0    > . 2441:3661(1220) ack 1
            +0    > P. 3661:4001(340) ack 1
            +.05  < . 1:1(0) ack 4001 win 65535
            +.1   app write 2000
            +0    > . 4001:5221(1220) ack 1
            +0    > P. 5221:6001(780) ack 1
            +.05  < . 1:1(0) ack 6001 win 65535
            """).Finish(1);
        Assert.Equal(1280, script.Interface.PathMtu(TcpScript.PeerIpv6));
        Assert.Equal(0UL, script.Interface.Counters[DropReason.InvalidSource]);
    }

    [Fact]
    public void Packet_too_big_below_1280_is_taken_as_1280()
    {
        var script = new TcpScript().Run(Ipv6Sending + """
            +.01  < icmp too-big 600
            +0    > . 1:1221(1220) ack 1
            +0    > . 1221:2441(1220) ack 1
            +0    > . 2441:3661(1220) ack 1
            +0    > P. 3661:4001(340) ack 1
            +.05  < . 1:1(0) ack 4001 win 65535
            """).Finish(1);
        Assert.Equal(1280, script.Interface.PathMtu(TcpScript.PeerIpv6));
    }

    [Theory]
    [InlineData("forged")]   // the quoted packet was not sent from our address
    [InlineData("port 4444")] // no connection of ours has that port
    [InlineData("seq 4001")]  // not a sequence number the connection has in flight
    public void A_packet_too_big_the_connection_could_not_have_caused_is_ignored(string alteration)
    {
        var script = new TcpScript().Run(Ipv6Sending + $"""
            +.01  < icmp too-big 1280 {alteration}
            +.05  < . 1:1(0) ack 4001 win 65535
            +.1   app write 2000
            +0    > . 4001:5441(1440) ack 1
            +0    > P. 5441:6001(560) ack 1
            +.05  < . 1:1(0) ack 6001 win 65535
            """).Finish(1);
        Assert.Equal(1500, script.Interface.PathMtu(TcpScript.PeerIpv6));
        Assert.Equal(1UL, script.Interface.Counters[DropReason.InvalidSource]);
    }

    [Fact]
    public void A_late_packet_too_big_for_data_already_acknowledged_is_ignored()
    {
        var script = new TcpScript().Run(Ipv6Sending + """
            +.05  < . 1:1(0) ack 4001 win 65535
            +.01  < icmp too-big 1280
            +.1   app write 2000
            +0    > . 4001:5441(1440) ack 1
            +0    > P. 5441:6001(560) ack 1
            +.05  < . 1:1(0) ack 6001 win 65535
            """).Finish(1);
        Assert.Equal(1UL, script.Interface.Counters[DropReason.InvalidSource]);
        Assert.Equal(1500, script.Interface.PathMtu(TcpScript.PeerIpv6));
    }

    [Fact]
    public void The_smaller_path_ages_out_after_ten_minutes_and_full_segments_are_tried_again()
    {
        var script = new TcpScript().Run(Ipv6Sending + """
            +.01  < icmp too-big 1280
            +0    > . 1:1221(1220) ack 1
            +0    > . 1221:2441(1220) ack 1
            +0    > . 2441:3661(1220) ack 1
            +0    > P. 3661:4001(340) ack 1
            +.05  < . 1:1(0) ack 4001 win 65535
            // Nine minutes on, still the smaller path (RFC 8201 section 4: no sooner than five, ten recommended).
            +540  app write 2000
            +0    > . 4001:5221(1220) ack 1
            +0    > P. 5221:6001(780) ack 1
            +.05  < . 1:1(0) ack 6001 win 65535
            // Ten minutes after the decrease the link MTU is tried again.
            +60   app write 2000
            +0    > . 6001:7441(1440) ack 1
            +0    > P. 7441:8001(560) ack 1
            +.05  < . 1:1(0) ack 8001 win 65535
            """).Finish(610);
        Assert.Equal(1500, script.Interface.PathMtu(TcpScript.PeerIpv6));
    }

    [Fact]
    public void Fragmentation_needed_for_an_ipv4_connection_shrinks_its_segments()
    {
        var script = new TcpScript(ipv6: false).Run("""
            0     < S 0:0(0) win 65535 <mss 1460>
            0     > S. 0:0(0) ack 1 <mss 1460>
            +.01  < . 1:1(0) ack 1 win 65535
            +0    app accept
            +.1   app write 4000
            +0    > . 1:1461(1460) ack 1
            +0    > . 1461:2921(1460) ack 1
            +0    > P. 2921:4001(1080) ack 1
            // RFC 1191: the next hop's MTU, 1000: segments of 1000 - 20 - 20 = 960.
            +.01  < icmp too-big 1000 seq 1
            +0    > . 1:961(960) ack 1
            +0    > . 961:1921(960) ack 1
            +0    > . 1921:2881(960) ack 1
            +0    > . 2881:3841(960) ack 1
            +0    > P. 3841:4001(160) ack 1
            +.05  < . 1:1(0) ack 4001 win 65535
            """).Finish(1);
        // Sent with DF, as every IPv4 packet of ours (RFC 1191 section 3): a router tells us instead of fragmenting.
        Assert.True(Unikernel.Net.Wire.Ipv4Packet.TryParse(script.LastSent.AsSpan(Unikernel.Net.Wire.EthernetFrame.HeaderLength).ToArray(),
            out var ip, out _));
        Assert.True(ip.DontFragment);
        Assert.Equal(1000, script.Interface.PathMtu(Unikernel.Net.Wire.Ipv6Address.MapIpv4(TcpScript.PeerIpv4)));
    }

    [Fact]
    public void Fragmentation_needed_without_a_next_hop_mtu_takes_the_plateau_below_the_quoted_datagram()
    {
        // The quoted segment is the last, 1080 bytes of data: a 1120-byte datagram; the plateau below is 1006 (RFC 1191 section 7).
        var script = new TcpScript(ipv6: false).Run("""
            0     < S 0:0(0) win 65535 <mss 1460>
            0     > S. 0:0(0) ack 1 <mss 1460>
            +.01  < . 1:1(0) ack 1 win 65535
            +0    app accept
            +.1   app write 4000
            +0    > . 1:1461(1460) ack 1
            +0    > . 1461:2921(1460) ack 1
            +0    > P. 2921:4001(1080) ack 1
            +.01  < icmp too-big 0
            +0    > . 1:967(966) ack 1
            +0    > . 967:1933(966) ack 1
            +0    > . 1933:2899(966) ack 1
            +0    > . 2899:3865(966) ack 1
            +0    > P. 3865:4001(136) ack 1
            +.05  < . 1:1(0) ack 4001 win 65535
            """).Finish(1);
        Assert.Equal(1006, script.Interface.PathMtu(Unikernel.Net.Wire.Ipv6Address.MapIpv4(TcpScript.PeerIpv4)));
    }
}
