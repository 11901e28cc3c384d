using System.Text;
using Unikernel.Net.Http;
using Unikernel.Net.Tests.Wire;
using Unikernel.Net.Wire;

namespace Unikernel.Net.Tests.Http;

/// <summary>
/// A server interface running an <see cref="HttpServer{THandler}"/> and a client interface,
/// each our real stack, joined by an in-memory wire whose frame buffers are made once (so an
/// allocation test can run through it), with a clock that moves a millisecond per <see cref="Step"/>.
/// </summary>
internal sealed class HttpLink<THandler>
    where THandler : struct, IHttpHandler
{
    private static readonly MacAddress ServerMac = Golden.Mac("02:00:5e:77:00:02");
    private static readonly MacAddress ClientMac = Golden.Mac("02:00:5e:77:00:01");

    /// <summary>How long any one wait may take before the test fails, in steps (milliseconds).</summary>
    private const int Patience = 60_000;

    private readonly FrameQueue _toServer = new();
    private readonly FrameQueue _toClient = new();
    private readonly byte[] _reply = new byte[TransmitQueue.SlotSize];
    private readonly byte[] _frame = new byte[TransmitQueue.SlotSize];
    private readonly byte[] _read = new byte[64 * 1024];

    public HttpLink(THandler handler, int connections = 4, HttpServerOptions? options = null, int serverReceiveBuffer = 4096, int serverSendBuffer = 4096)
    {
        Server = new NetworkInterface(ServerMac, Configuration("169.254.80.2", serverReceiveBuffer, serverSendBuffer, connections + 2));
        Client = new NetworkInterface(ClientMac, Configuration("169.254.80.1", 64 * 1024, 64 * 1024, 8));
        var chosen = options ?? HttpServerOptions.Default;
        Http = new HttpServer<THandler>(Server, handler, connections, chosen);
        Assert.True(Http.IsListening);
    }

    public NetworkInterface Server { get; }

    public NetworkInterface Client { get; }

    public HttpServer<THandler> Http { get; }

    public long Now { get; private set; }

    private static NetworkConfiguration Configuration(string address, int receive, int send, int connections)
    {
        var configuration = NetworkConfiguration.WithStaticIpv4(Golden.V4(address), 16);
        configuration.Ipv6Autoconfiguration = false;
        configuration.TcpConnections = connections;
        configuration.TcpReceiveBuffer = receive;
        configuration.TcpSendBuffer = send;
        return configuration;
    }

    /// <summary>A bounded queue of frames in buffers made once.</summary>
    private sealed class FrameQueue
    {
        private const int Depth = 512;
        private readonly byte[][] _frames = new byte[Depth][];
        private readonly int[] _lengths = new int[Depth];
        private int _head;
        private int _count;

        public FrameQueue()
        {
            for (int i = 0; i < Depth; i++)
                _frames[i] = new byte[TransmitQueue.SlotSize];
        }

        public void Add(ReadOnlySpan<byte> frame)
        {
            Assert.True(_count < Depth, "the in-memory wire overflowed");
            int slot = (_head + _count) % Depth;
            frame.CopyTo(_frames[slot]);
            _lengths[slot] = frame.Length;
            _count++;
        }

        public bool TryTake(out Span<byte> frame)
        {
            frame = default;
            if (_count == 0)
                return false;
            frame = _frames[_head].AsSpan(0, _lengths[_head]);
            _head = (_head + 1) % Depth;
            _count--;
            return true;
        }
    }

    /// <summary>One millisecond: the server takes its frames and runs the HTTP server, then the client.</summary>
    public void Step()
    {
        Now++;
        Deliver(Server, _toServer, _toClient);
        Http.Step(Now);
        Flush(Server, _toClient);
        Deliver(Client, _toClient, _toServer);
        Flush(Client, _toServer);
    }

    private void Deliver(NetworkInterface to, FrameQueue queue, FrameQueue back)
    {
        while (queue.TryTake(out var frame))
        {
            to.AdvanceClock(Now);
            int length = to.Process(frame, _reply);
            if (length > 0)
                back.Add(_reply.AsSpan(0, length));
        }
    }

    private void Flush(NetworkInterface from, FrameQueue queue)
    {
        for (int length; (length = from.Poll(Now, _frame)) > 0;)
            queue.Add(_frame.AsSpan(0, length));
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

    /// <summary>A client connection to the server's port, established.</summary>
    public TcpHandle Connect(bool ipv6 = false)
    {
        var remote = ipv6 ? new IpEndpoint(Server.LinkLocalAddress, Http.Port) : new IpEndpoint(Server.Ipv4Address, Http.Port);
        Assert.Equal(TcpConnectResult.Started, Client.Tcp.Connect(remote, out TcpHandle connection));
        RunUntil(() => Client.Tcp.StateOf(connection) == TcpState.Established, "the connection is established");
        return connection;
    }

    /// <summary>Sends all of <paramref name="data"/>, stepping while the client's send buffer is full.</summary>
    public void Send(TcpHandle connection, ReadOnlySpan<byte> data)
    {
        int offset = 0;
        for (int i = 0; offset < data.Length; i++)
        {
            if (i == Patience)
                throw new Xunit.Sdk.XunitException($"after {Patience} ms: sent {offset} of {data.Length} bytes");
            int taken = Client.Tcp.Send(connection, data.Slice(offset));
            Assert.True(taken >= 0, "the client connection can no longer send");
            offset += taken;
            if (offset < data.Length)
                Step();
        }
    }

    public void Send(TcpHandle connection, string text) => Send(connection, Encoding.Latin1.GetBytes(text));

    /// <summary>Reads what has arrived into <paramref name="into"/>.</summary>
    public void Read(TcpHandle connection, List<byte> into)
    {
        for (int n; (n = Client.Tcp.Receive(connection, _read)) > 0;)
            into.AddRange(_read.AsSpan(0, n));
    }

    /// <summary>Reads until <paramref name="responses"/> complete responses have arrived; returns them parsed.</summary>
    public List<HttpTestResponse> ReadResponses(TcpHandle connection, int responses, bool head = false)
    {
        var received = new List<byte>();
        List<HttpTestResponse> parsed = [];
        RunUntil(() =>
        {
            Read(connection, received);
            parsed = HttpTestResponse.ParseAll([.. received], head);
            return parsed.Count >= responses;
        }, $"{responses} responses arrive (so far: {Encoding.Latin1.GetString([.. received])})");
        return parsed;
    }

    /// <summary>Reads until the server closes its side; returns everything received.</summary>
    public string ReadUntilClosed(TcpHandle connection)
    {
        var received = new List<byte>();
        RunUntil(() =>
        {
            Read(connection, received);
            return Client.Tcp.IsReceiveFinished(connection);
        }, $"the server closes the connection (so far: {Encoding.Latin1.GetString([.. received])})");
        return Encoding.Latin1.GetString([.. received]);
    }

    public bool IsClosedByServer(TcpHandle connection) => Client.Tcp.IsReceiveFinished(connection);
}
