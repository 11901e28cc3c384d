using Unikernel.Net.Tcp;
using Unikernel.Net.Tests.Wire;
using Unikernel.Net.Wire;

namespace Unikernel.Net.Tests.Tcp;

/// <summary>
/// A SYN flood against the bounded connection table (RFC 4987): a real client's half-open entry
/// is never pushed out by the flood's SYNs, and once the table is full SYNs get SYN cookies
/// (section 3.6), whose ACK opens the connection with the options the cookie kept.
/// </summary>
public class TcpSynFloodTests
{
    /// <summary>TcpScript's table has four slots; this many SYNs from other ports fill it and more.</summary>
    private const int FloodSyns = 12;

    private static void Flood(TcpScript script, ushort firstPort = 20000, int count = FloodSyns)
    {
        for (int i = 0; i < count; i++)
            Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, script.InjectForeignSyn((ushort)(firstPort + i), 7_000_000u + (uint)i * 1000));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Half_open_entry_of_a_real_client_survives_a_burst_of_syns_that_fills_the_table(bool ipv6)
    {
        // hping3 -S against the interop test's upload: between the client's SYN and its ACK, a
        // burst of SYNs larger than the table. The client's ACK must find its connection.
        var script = new TcpScript(ipv6).Run("""
            0     < S 0:0(0) win 65535 <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7>
            0     > S. 0:0(0) ack 1 <mss *,sackOK,TS val * ecr 100,nop,wscale *>
            """);
        Flood(script);
        script.Run("""
            +.001 < . 1:1(0) ack 1 win 502 <nop,nop,TS val 101 ecr 0>
            +0    app accept
            +0    app state Established
            +0    < P. 1:1001(1000) ack 1 win 502 <nop,nop,TS val 102 ecr 0>
            +0    < FP. 1001:2001(1000) ack 1 win 502 <nop,nop,TS val 103 ecr 0>
            +0    > . 1:1(0) ack 2002 <nop,nop,TS val * ecr 102>
            +0    app read 2000
            +0    app eof
            """).Finish(0.5);
    }

    [Fact]
    public void Syn_to_a_full_table_gets_a_cookie_whose_ack_opens_the_connection_with_the_peers_options()
    {
        var script = new TcpScript();
        Flood(script);
        // At time 0 the cookie's TSval is just its option bits: wscale 7 and SACK-permitted (16) make 23.
        script.Run("""
            0     < S 0:0(0) win 65535 <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7>
            0     > S. 0:0(0) ack 1 <mss 1440,sackOK,TS val 23 ecr 100,nop,wscale *>
            +.01  < . 1:1(0) ack 1 win 502 <nop,nop,TS val 110 ecr 23>
            +0    app accept
            +0    app state Established
            // Data beyond a hole: the ACK carries a SACK block, so SACK was kept.
            +0    < P. 1001:2001(1000) ack 1 win 502 <nop,nop,TS val 111 ecr 23>
            +0    > . 1:1(0) ack 1 <nop,nop,TS val * ecr 110,nop,nop,sack 1001:2001>
            +0    < P. 1:1001(1000) ack 1 win 502 <nop,nop,TS val 112 ecr 23>
            +0    > . 1:1(0) ack 2001 <nop,nop,TS val * ecr 112>
            +0    app read 2000
            """).Finish(0.5);
    }

    [Fact]
    public void Cookie_ack_restores_the_peers_window_scale_and_mss()
    {
        var script = new TcpScript(sendBuffer: 64 * 1024);
        Flood(script);
        // The peer says a window of 4 << 9 = 2048 bytes and an MSS of 1220: we may send two
        // segments of at most 1220 less 12 bytes of timestamps.
        script.Run("""
            0     < S 0:0(0) win 65535 <mss 1300,sackOK,TS val 100 ecr 0,nop,wscale 9>
            0     > S. 0:0(0) ack 1 <mss 1440,sackOK,TS val 25 ecr 100,nop,wscale *>
            +.01  < . 1:1(0) ack 1 win 4 <nop,nop,TS val 110 ecr 25>
            +0    app accept
            +0    app write 5000
            +0    > . 1:1209(1208) ack 1 <nop,nop,TS val * ecr 110>
            +0    > . 1209:2049(840) ack 1 <nop,nop,TS val * ecr 110>
            """).Finish(0.1);
    }

    [Fact]
    public void Syn_without_timestamps_to_a_full_table_gets_a_cookie_without_scaling_or_sack()
    {
        var script = new TcpScript();
        Flood(script);
        script.Run("""
            0     < S 0:0(0) win 65535 <mss 1460,sackOK,nop,wscale 7>
            0     > S. 0:0(0) ack 1 <mss 1440>
            +.01  < . 1:1(0) ack 1 win 8192
            +0    app accept
            +0    < P. 1:1001(1000) ack 1 win 8192
            +0    < P. 1001:2001(1000) ack 1 win 8192
            // Unscaled: 64 KiB less the 2000 bytes held (scaled by 1 it would say half that).
            +0    > . 1:1(0) ack 2001 win 63536 <none>
            """).Finish(0.5);
    }

    [Fact]
    public void Ack_that_answers_no_cookie_of_ours_is_reset()
    {
        var script = new TcpScript();
        Flood(script);
        // No SYN-ACK of ours in this script: sequence numbers we send are absolute.
        script.Run("""
            0     < . 1:1(0) ack 123457 win 65535
            0     > R 123457:123457(0)
            +0    app no-accept
            """).Finish(0.5);
    }

    [Fact]
    public void Cookie_is_good_for_its_tuple_peer_isn_and_two_periods_only()
    {
        var cookies = new SynCookies(0x0706050403020100, 0x0F0E0D0C0B0A0908);
        var local = Ipv6Address.MapIpv4(Golden.V4("169.254.77.2"));
        var remote = Ipv6Address.MapIpv4(Golden.V4("169.254.77.1"));
        var peerIsn = new SeqNumber(0xFFFF_FFF0);
        for (int index = 0; index < SynCookies.MssTable.Length; index++)
        {
            SeqNumber cookie = cookies.Make(local, 1337, remote, 40000, peerIsn, 1_000_000, index);
            Assert.True(cookies.TryCheck(local, 1337, remote, 40000, peerIsn, cookie, 1_000_000, out int carried));
            Assert.Equal(index, carried);
            // Still good in the next period (2^16 ms on), no longer two periods on.
            Assert.True(cookies.TryCheck(local, 1337, remote, 40000, peerIsn, cookie, 1_000_000 + 65_536, out _));
            Assert.False(cookies.TryCheck(local, 1337, remote, 40000, peerIsn, cookie, 1_000_000 + 2 * 65_536, out _));
            // Nor when the 5 bits of period it carries come round again, 32 periods (~35 minutes) on.
            Assert.False(cookies.TryCheck(local, 1337, remote, 40000, peerIsn, cookie, 1_000_000 + 32 * 65_536, out _));
            Assert.False(cookies.TryCheck(local, 1337, remote, 40000, peerIsn, cookie, 1_000_000 + 33 * 65_536, out _));
            Assert.False(cookies.TryCheck(local, 1337, remote, 40001, peerIsn, cookie, 1_000_000, out _));
            Assert.False(cookies.TryCheck(local, 1337, remote, 40000, peerIsn + 1, cookie, 1_000_000, out _));
            Assert.False(cookies.TryCheck(local, 1337, remote, 40000, peerIsn, cookie + 1, 1_000_000, out _));
        }
        var other = new SynCookies(0x0706050403020101, 0x0F0E0D0C0B0A0908);
        Assert.False(other.TryCheck(local, 1337, remote, 40000, peerIsn, cookies.Make(local, 1337, remote, 40000, peerIsn, 5, 2), 5, out _));
        Assert.Equal(2, SynCookies.MssIndex(536));
        Assert.Equal(7, SynCookies.MssIndex(9000));
        Assert.Equal(0, SynCookies.MssIndex(10));
        Assert.Equal(4, SynCookies.MssIndex(1300));
    }

    /// <summary>
    /// The interop test in small: one of our stacks uploads to another while SYNs from the
    /// uploader's own address (hping3's) arrive in bursts larger than the table, every
    /// millisecond; the uploader resets the SYN-ACKs it did not ask for, as Linux does. The
    /// upload arrives whole and ends with the peer's FIN.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Upload_arrives_whole_while_syns_flood_the_table(bool ipv6)
    {
        var client = Stack(Golden.Mac("02:00:5e:77:00:0a"), "169.254.77.10", 4);
        var server = Stack(Golden.Mac("02:00:5e:77:00:0b"), "169.254.77.11", 8);
        Assert.True(server.Tcp.Listen(1337));
        var remote = ipv6 ? new IpEndpoint(server.LinkLocalAddress, 1337) : new IpEndpoint(server.Ipv4Address, 1337);
        Assert.Equal(TcpConnectResult.Started, client.Tcp.Connect(remote, out TcpHandle upload));
        var random = new Random(7);
        byte[] stream = new byte[300_000];
        random.NextBytes(stream);

        // One FIFO each way with a millisecond's delay, as a TAP's queue: the flood's SYNs for a
        // millisecond go in behind what the client sent in it.
        var toServer = new Queue<(long Due, byte[] Frame)>();
        var toClient = new Queue<(long Due, byte[] Frame)>();
        byte[] frame = new byte[TransmitQueue.SlotSize];
        byte[] reply = new byte[TransmitQueue.SlotSize];
        byte[] chunk = new byte[8192];
        var received = new List<byte>();
        int offered = 0;
        TcpHandle accepted = TcpHandle.None;
        ushort floodPort = 1024;
        uint floodSequence = 0x1234_5678;
        bool finished = false;
        for (long now = 0; now < 20_000 && !finished; now++)
        {
            Deliver(toClient, client, toServer, now, reply);
            Deliver(toServer, server, toClient, now, reply);
            for (int length; (length = client.Poll(now, frame)) > 0;)
                toServer.Enqueue((now + 1, frame[..length]));
            for (int length; (length = server.Poll(now, frame)) > 0;)
                toClient.Enqueue((now + 1, frame[..length]));
            // The flood: more SYNs each millisecond than the server has slots, for the first 2 s.
            if (now < 2000)
            {
                for (int i = 0; i < 12; i++)
                    toServer.Enqueue((now + 1, FloodSyn(ipv6, client, server, floodPort++, floodSequence += 7919)));
            }

            if (offered < stream.Length)
                offered += Math.Max(0, client.Tcp.Send(upload, stream.AsSpan(offered, Math.Min(5000, stream.Length - offered))));
            else
                client.Tcp.Close(upload);
            if (accepted.IsNone)
                server.Tcp.TryAccept(1337, out accepted);
            if (!accepted.IsNone)
            {
                for (int read; (read = server.Tcp.Receive(accepted, chunk)) > 0;)
                    received.AddRange(chunk.AsSpan(0, read));
                finished = server.Tcp.IsReceiveFinished(accepted);
            }
            Assert.Equal(server.Counters.Received, server.Counters.Accounted);
        }
        Assert.True(finished, $"the upload did not end: client {client.Tcp.StateOf(upload)} reset {client.Tcp.WasReset(upload)}, " +
            $"accepted {!accepted.IsNone}, {received.Count} of {stream.Length} bytes received, {offered} offered");
        Assert.False(server.Tcp.WasReset(accepted));
        Assert.True(stream.AsSpan().SequenceEqual(received.ToArray()), $"{received.Count} bytes received, not the {stream.Length} sent");
    }

    private static NetworkInterface Stack(MacAddress mac, string ipv4, int connections)
    {
        var configuration = NetworkConfiguration.WithStaticIpv4(Golden.V4(ipv4), 16);
        configuration.Ipv6Autoconfiguration = false;
        configuration.TcpConnections = connections;
        configuration.TcpReceiveBuffer = 64 * 1024;
        configuration.TcpSendBuffer = 32 * 1024;
        configuration.Seed = (uint)mac.Value;
        return new NetworkInterface(mac, configuration);
    }

    private static void Deliver(Queue<(long Due, byte[] Frame)> queue, NetworkInterface stack, Queue<(long Due, byte[] Frame)> back, long now,
        byte[] reply)
    {
        while (queue.Count > 0 && queue.Peek().Due <= now)
        {
            stack.AdvanceClock(now);
            int length = stack.Process(queue.Dequeue().Frame, reply);
            if (length > 0)
                back.Enqueue((now + 1, reply[..length]));
        }
    }

    /// <summary>hping3 -S: a bare SYN from the client's address and MAC, from <paramref name="port"/>.</summary>
    private static byte[] FloodSyn(bool ipv6, NetworkInterface client, NetworkInterface server, ushort port, uint sequence)
    {
        int ipHeader = ipv6 ? Ipv6Packet.HeaderLength : Ipv4Packet.MinimumHeaderLength;
        byte[] frame = new byte[Math.Max(EthernetFrame.MinimumLength, EthernetFrame.HeaderLength + ipHeader + TcpSegment.MinimumHeaderLength)];
        EthernetFrame.Emit(frame, server.MacAddress, client.MacAddress, ipv6 ? EtherType.Ipv6 : EtherType.Ipv4);
        var ipSpace = frame.AsSpan(EthernetFrame.HeaderLength);
        var segment = TcpSegment.Emit(ipSpace.Slice(ipHeader), port, 1337, new SeqNumber(sequence), new SeqNumber(0), TcpFlags.Syn, 512, 0, 0);
        if (ipv6)
        {
            Ipv6Packet.Emit(ipSpace, client.LinkLocalAddress, server.LinkLocalAddress, IpProtocol.Tcp, TcpSegment.MinimumHeaderLength, 64);
            segment.FillChecksum(client.LinkLocalAddress, server.LinkLocalAddress);
        }
        else
        {
            Ipv4Packet.Emit(ipSpace, client.Ipv4Address, server.Ipv4Address, IpProtocol.Tcp, TcpSegment.MinimumHeaderLength, 64);
            segment.FillChecksum(client.Ipv4Address, server.Ipv4Address);
        }
        return frame;
    }
}
