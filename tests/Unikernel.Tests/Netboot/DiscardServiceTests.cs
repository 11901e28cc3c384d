using Unikernel.Net;
using Unikernel.Net.Wire;
using Unikernel.Netboot;

namespace Unikernel.Tests.Netboot;

/// <summary>
/// The discard service (src/Netboot, RFC 863, TCP port 9) on the host, against the real network
/// stack of a sending peer over a wire in memory: everything is read and counted with its frames,
/// the board closes after the peer and sends nothing back, a reset or an idle connection is
/// dropped, and the next connection is served after each.
/// </summary>
public sealed class DiscardServiceTests
{
    private static readonly MacAddress BoardMac = new(0x02_00_5e_77_00_02);
    private static readonly MacAddress PeerMac = new(0x02_00_5e_77_00_01);

    private readonly List<string> _report = [];
    private readonly NetworkInterface _board;
    private readonly NetworkInterface _peer;
    private readonly NetworkRunner<MemoryWire.End> _boardRunner;
    private readonly NetworkRunner<MemoryWire.End> _peerRunner;
    private readonly DiscardService<Recorded> _service;
    private long _now;

    public DiscardServiceTests()
    {
        var wire = new MemoryWire();
        _board = new NetworkInterface(BoardMac, Configuration(new Ipv4Address(169, 254, 77, 2)));
        _peer = new NetworkInterface(PeerMac, Configuration(new Ipv4Address(169, 254, 77, 1)));
        _boardRunner = new NetworkRunner<MemoryWire.End>(wire.A, _board);
        _peerRunner = new NetworkRunner<MemoryWire.End>(wire.B, _peer);
        _service = new DiscardService<Recorded>(_board, new Recorded(_report));
        Assert.True(_service.IsListening);
    }

    private static NetworkConfiguration Configuration(Ipv4Address address)
    {
        var configuration = NetworkConfiguration.WithStaticIpv4(address, 16);
        configuration.Ipv6Autoconfiguration = false;
        configuration.TcpConnections = 4;
        configuration.TcpReceiveBuffer = 8192;
        configuration.TcpSendBuffer = 64 * 1024;
        return configuration;
    }

    private readonly struct Recorded(List<string> lines) : IDiscardReport
    {
        public void Finished(ulong bytes, ulong frames, long milliseconds) => lines.Add($"finished {bytes} bytes, {frames} frames");

        public void Dropped(ulong bytes) => lines.Add($"dropped after {bytes} bytes");
    }

    private void Step()
    {
        _now++;
        while (_boardRunner.ReceiveOne(_now))
        {
        }
        _service.Step(_now);
        _boardRunner.Flush(_now);
        while (_peerRunner.ReceiveOne(_now))
        {
        }
        _peerRunner.Flush(_now);
    }

    private void RunUntil(Func<bool> done, string what)
    {
        for (int i = 0; !done(); i++)
        {
            if (i == 120_000)
                throw new Xunit.Sdk.XunitException($"after 120000 ms: {what}");
            Step();
        }
    }

    private TcpHandle Connect()
    {
        var board = new IpEndpoint(NetworkInterface.LinkLocalFromMac(BoardMac), DiscardService<Recorded>.Port);
        Assert.Equal(TcpConnectResult.Started, _peer.Tcp.Connect(board, out TcpHandle connection));
        RunUntil(() => _peer.Tcp.StateOf(connection) == TcpState.Established, "the connection is established");
        return connection;
    }

    /// <summary>Sends all of <paramref name="data"/>, as the send buffer takes it.</summary>
    private void Send(TcpHandle connection, byte[] data)
    {
        int offset = 0;
        RunUntil(() =>
        {
            offset += Math.Max(0, _peer.Tcp.Send(connection, data.AsSpan(offset)));
            return offset == data.Length;
        }, $"the peer sent {data.Length} bytes");
    }

    [Fact]
    public void Everything_sent_is_read_and_counted_and_the_board_closes_after_the_peer_without_a_byte_back()
    {
        var data = new byte[100_000];
        new Random(9).NextBytes(data);
        var connection = Connect();
        Send(connection, data);
        _peer.Tcp.Close(connection);
        RunUntil(() => _peer.Tcp.IsReceiveFinished(connection), "the board closes its side");
        Assert.Equal(0, _peer.Tcp.Receive(connection, new byte[16]));
        string line = Assert.Single(_report);
        // At least one frame per full segment of the peer's MSS (1460 over IPv4, 1440 over IPv6).
        var match = System.Text.RegularExpressions.Regex.Match(line, @"^finished 100000 bytes, (\d+) frames$");
        Assert.True(match.Success, line);
        Assert.InRange(int.Parse(match.Groups[1].Value), 100_000 / 1460, 1000);
        Assert.Equal(100_000UL, _service.Received);
    }

    [Fact]
    public void A_reset_connection_is_dropped_and_the_next_one_is_served()
    {
        var connection = Connect();
        Send(connection, new byte[5000]);
        RunUntil(() => _service.Received == 5000, "the board read 5000 bytes");
        _peer.Tcp.Abort(connection);
        RunUntil(() => _report.Count == 1, "the board drops the connection");
        Assert.Equal("dropped after 5000 bytes", _report[0]);

        var next = Connect();
        Send(next, new byte[3000]);
        _peer.Tcp.Close(next);
        RunUntil(() => _report.Count == 2, "the board finishes the next connection");
        Assert.StartsWith("finished 3000 bytes, ", _report[1]);
    }

    [Fact]
    public void A_connection_idle_for_30_s_is_aborted()
    {
        var connection = Connect();
        Send(connection, new byte[1000]);
        RunUntil(() => _service.Received == 1000, "the board read 1000 bytes");
        Assert.True(_service.NextStepAt <= _now + DiscardService<Recorded>.IdleTimeoutMilliseconds + 1);
        RunUntil(() => _report.Count == 1, "the board drops the idle connection");
        Assert.Equal("dropped after 1000 bytes", _report[0]);
        Assert.Equal(long.MaxValue, _service.NextStepAt);
        RunUntil(() => _peer.Tcp.WasReset(connection) || _peer.Tcp.StateOf(connection) == TcpState.Closed, "the peer sees the reset");
    }
}
