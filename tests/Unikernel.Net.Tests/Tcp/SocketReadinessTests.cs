using System.Text;
using static Unikernel.Net.Tests.Interface.InterfaceGolden;
using static Unikernel.Net.Tests.Interface.TestFrames;

namespace Unikernel.Net.Tests.Tcp;

/// <summary>What a service waiting on a socket sees: readable, writable, closed, for TCP and UDP.</summary>
public class SocketReadinessTests
{
    [Fact]
    public void Tcp_connection_is_writable_then_readable_with_data_then_at_its_end()
    {
        var script = new TcpScript().Run(TcpHandshakeScripts.PassiveOpen);
        var tcp = script.Interface.Tcp;
        Assert.Equal(SocketReadiness.Writable, tcp.Readiness(script.Connection));
        script.Run("""
            +.01  < P. 1:101(100) ack 1 win 502 <nop,nop,TS val 120 ecr 0>
            """);
        Assert.Equal(SocketReadiness.Readable | SocketReadiness.Writable, tcp.Readiness(script.Connection));
        script.Run("""
            +0    app read 100
            +.04  > . 1:1(0) ack 101
            +.01  < F. 101:101(0) ack 1 win 502 <nop,nop,TS val 130 ecr 0>
            +0    > . 1:1(0) ack 102
            """);
        // The end is known: a read returns at once, and the socket can still send (CLOSE-WAIT).
        Assert.Equal(SocketReadiness.Readable | SocketReadiness.Writable, tcp.Readiness(script.Connection));
        script.Run("""
            +0    < R 102:102(0) win 0
            """);
        Assert.Equal(SocketReadiness.Readable | SocketReadiness.Closed, tcp.Readiness(script.Connection));
        Assert.Equal(SocketReadiness.Closed, tcp.Readiness(TcpHandle.None));
    }

    [Fact]
    public void Udp_socket_is_writable_readable_with_a_datagram_and_closed_once_unbound()
    {
        var nic = new NetworkInterface(OurMac, OurIpv4);
        Assert.True(nic.Udp.TryBind(7, out UdpHandle socket));
        Assert.Equal(SocketReadiness.Writable, nic.Udp.Readiness(socket));
        nic.Process(Udp4(PeerIpv4, OurIpv4, 40000, 7, Encoding.ASCII.GetBytes("hello")), new byte[1514]);
        Assert.Equal(SocketReadiness.Readable | SocketReadiness.Writable, nic.Udp.Readiness(socket));
        nic.Udp.Close(socket);
        Assert.Equal(SocketReadiness.Closed, nic.Udp.Readiness(socket));
    }
}
