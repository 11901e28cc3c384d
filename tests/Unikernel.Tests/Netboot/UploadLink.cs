using Unikernel.Boot.Image;
using Unikernel.Net;
using Unikernel.Net.Wire;
using Unikernel.Netboot;

namespace Unikernel.Tests.Netboot;

/// <summary>
/// A board running the upload service and a peer that uploads, each the real network stack,
/// joined by a <see cref="MemoryWire"/> and a clock that moves a millisecond per <see cref="Step"/>.
/// The board's receive buffer is small (4 KiB) so that uploads wrap around its end.
/// </summary>
public sealed class UploadLink<TDestination, TReport>
    where TDestination : struct, IPayloadDestination
    where TReport : struct, INetbootReport
{
    public static readonly MacAddress BoardMac = new(0x02_00_5e_77_00_02);
    public static readonly MacAddress PeerMac = new(0x02_00_5e_77_00_01);
    public static readonly Ipv4Address BoardIpv4 = new(169, 254, 77, 2);
    public static readonly Ipv4Address PeerIpv4 = new(169, 254, 77, 1);

    /// <summary>How long any one wait may take before the test fails, in steps (milliseconds).</summary>
    private const int Patience = 120_000;

    private readonly NetworkRunner<MemoryWire.End> _board;
    private readonly NetworkRunner<MemoryWire.End> _peer;
    private readonly byte[] _replyBuffer = new byte[4096];

    private readonly Func<long, bool>? _alongside;

    /// <param name="alongside">Another service on the board, stepped after the upload service each millisecond; true from it is a jump too (the web page).</param>
    public UploadLink(Func<NetworkInterface, NetbootService<TDestination, TReport>> service, int boardReceiveBuffer = 4096, Func<NetworkInterface, Func<long, bool>>? alongside = null)
    {
        var wire = new MemoryWire();
        Board = new NetworkInterface(BoardMac, Configuration(BoardIpv4, boardReceiveBuffer, connections: 4));
        // The peer plays many clients at once: its table is not what a test measures.
        Peer = new NetworkInterface(PeerMac, Configuration(PeerIpv4, 64 * 1024, connections: 16));
        _board = new NetworkRunner<MemoryWire.End>(wire.A, Board);
        _peer = new NetworkRunner<MemoryWire.End>(wire.B, Peer);
        Service = service(Board);
        Assert.True(Service.IsListening);
        _alongside = alongside?.Invoke(Board);
    }

    public NetworkInterface Board { get; }

    public NetworkInterface Peer { get; }

    public NetbootService<TDestination, TReport> Service { get; }

    public long Now { get; private set; }

    /// <summary>How many times the service said a kernel is ready to run.</summary>
    public int Jumps { get; private set; }

    private static NetworkConfiguration Configuration(Ipv4Address address, int receiveBuffer, int connections)
    {
        var configuration = NetworkConfiguration.WithStaticIpv4(address, 16);
        configuration.Ipv6Autoconfiguration = false;
        configuration.TcpConnections = connections;
        configuration.TcpReceiveBuffer = receiveBuffer;
        configuration.TcpSendBuffer = 64 * 1024;
        return configuration;
    }

    /// <summary>One millisecond: the board handles what came and runs the service, then the peer.</summary>
    public void Step()
    {
        Now++;
        while (_board.ReceiveOne(Now))
        {
        }
        if (Service.Step(Now))
            Jumps++;
        if (_alongside is not null && _alongside(Now))
            Jumps++;
        _board.Flush(Now);
        while (_peer.ReceiveOne(Now))
        {
        }
        _peer.Flush(Now);
    }

    public void Run(long milliseconds)
    {
        for (long i = 0; i < milliseconds; i++)
            Step();
    }

    public void RunUntil(Func<bool> done, string what)
    {
        for (int i = 0; !done(); i++)
        {
            if (i == Patience)
                throw new Xunit.Sdk.XunitException($"after {Patience} ms: {what}");
            Step();
        }
    }

    /// <summary>A connection from the peer to port 1337, once the service is free, established and accepted.</summary>
    public TcpHandle Connect(bool ipv6 = true)
    {
        RunUntil(() => !Service.Busy, "the service is done with the last upload");
        var board = ipv6 ? new IpEndpoint(NetworkInterface.LinkLocalFromMac(BoardMac), NetbootService<TDestination, TReport>.Port) : new IpEndpoint(BoardIpv4, NetbootService<TDestination, TReport>.Port);
        Assert.Equal(TcpConnectResult.Started, Peer.Tcp.Connect(board, out TcpHandle connection));
        RunUntil(() => Peer.Tcp.StateOf(connection) == TcpState.Established && Service.Busy, "the service accepts the connection");
        return connection;
    }

    /// <summary>
    /// Sends <paramref name="data"/> in writes of <paramref name="pieceSize"/> bytes, each taken
    /// by the service before the next is written, so the service reads pieces of that size
    /// (split in two where one wraps around the end of the receive buffer).
    /// </summary>
    public void Send(TcpHandle connection, ReadOnlySpan<byte> data, int pieceSize)
    {
        ulong target = Service.Receiver.Received;
        for (int offset = 0; offset < data.Length; offset += pieceSize)
        {
            var piece = data.Slice(offset, Math.Min(pieceSize, data.Length - offset));
            Assert.Equal(piece.Length, Peer.Tcp.Send(connection, piece));
            target += (ulong)piece.Length;
            RunUntil(() => Service.Receiver.Received >= target, $"the service read {target} bytes");
        }
    }

    /// <summary>Half-closes the peer's side and reads the reply until the board closes its side.</summary>
    public string Finish(TcpHandle connection)
    {
        Peer.Tcp.Close(connection);
        return ReadReply(connection);
    }

    /// <summary>What the board sent, until it closed its side.</summary>
    public string ReadReply(TcpHandle connection)
    {
        var reply = new List<byte>();
        RunUntil(() =>
        {
            for (int n; (n = Peer.Tcp.Receive(connection, _replyBuffer)) > 0;)
                reply.AddRange(_replyBuffer.AsSpan(0, n));
            return Peer.Tcp.IsReceiveFinished(connection);
        }, "the board closed the connection");
        return System.Text.Encoding.ASCII.GetString([.. reply]);
    }

    /// <summary>What the board sent so far, without waiting.</summary>
    public string ReplySoFar(TcpHandle connection)
    {
        int n = Peer.Tcp.Receive(connection, _replyBuffer);
        return System.Text.Encoding.ASCII.GetString(_replyBuffer, 0, n);
    }
}
