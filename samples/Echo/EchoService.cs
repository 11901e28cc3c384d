using Unikernel.Kit;
using Unikernel.Net;

namespace Unikernel.Samples.Echo;

/// <summary>
/// The Echo Protocol (RFC 862) on port 7: over TCP, every byte a connection sends comes back on
/// it until the client closes (RFC 862: "until the calling user terminates"), then we close too;
/// over UDP, each datagram goes back to its sender. Both families, as many TCP connections at
/// once as the stack has. The state is the table of connections; bytes are echoed from the
/// receive buffer where TCP put them straight into the send buffer (one copy, no allocation).
/// </summary>
internal sealed class EchoService
{
    /// <summary>RFC 862: "A server listens for TCP connections on TCP port 7" (and UDP port 7).</summary>
    public const ushort Port = 7;

    /// <summary>The largest datagram we echo: one Ethernet frame's UDP payload.</summary>
    private const int DatagramSize = UdpSocketSet.MaximumPayload;

    private readonly TcpSocketSet _tcp;
    private readonly UdpSocketSet _udp;
    private readonly TcpHandle[] _connections;
    private readonly ulong[] _echoed;
    private readonly byte[] _datagram = new byte[DatagramSize];
    private UdpHandle _udpSocket;

    /// <param name="connections">How many TCP connections the table holds: the stack's (KernelNetworkOptions.TcpConnections).</param>
    public EchoService(TcpSocketSet tcp, UdpSocketSet udp, int connections)
    {
        _tcp = tcp;
        _udp = udp;
        _connections = new TcpHandle[connections];
        _echoed = new ulong[connections];
    }

    /// <summary>Datagrams echoed.</summary>
    public ulong Datagrams { get; private set; }

    /// <summary>Listens on TCP port 7 and binds UDP port 7; false if either is taken or no slot is free.</summary>
    public bool Start() => _tcp.Listen(Port) && _udp.TryBind(Port, out _udpSocket);

    /// <summary>One turn: new connections taken, what each sent echoed, ended ones closed and forgotten, datagrams echoed.</summary>
    public void Step()
    {
        Accept();
        for (int slot = 0; slot < _connections.Length; slot++)
        {
            if (!_connections[slot].IsNone)
                Serve(slot);
        }
        EchoDatagrams();
    }

    private void Accept()
    {
        while (_tcp.TryAccept(Port, out TcpHandle connection))
        {
            int free = FreeSlot();
            if (free < 0)
            {
                // The table is as large as the stack's: a connection beyond it cannot exist. If
                // it did, a reset tells the client at once rather than leaving it waiting.
                _tcp.Abort(connection);
                continue;
            }
            _connections[free] = connection;
            _echoed[free] = 0;
        }
    }

    private int FreeSlot()
    {
        for (int slot = 0; slot < _connections.Length; slot++)
        {
            if (_connections[slot].IsNone)
                return slot;
        }
        return -1;
    }

    private void Serve(int slot)
    {
        TcpHandle connection = _connections[slot];
        // At most two runs: the receive ring hands out what lies before its end, then the rest.
        for (int run = 0; run < 2; run++)
        {
            if (!_tcp.TryPeekReceived(connection, out Span<byte> received) || received.IsEmpty)
                break;
            int sent = _tcp.Send(connection, received);
            if (sent < 0)
            {
                // Our side can no longer send (reset, or closed under us): nothing more to echo.
                Forget(slot, abort: true);
                return;
            }
            _tcp.Consume(connection, sent);
            _echoed[slot] += (ulong)sent;
            if (sent < received.Length)
                break; // the send buffer is full: the rest waits for the client's ACKs
        }
        if ((_tcp.Readiness(connection) & SocketReadiness.Closed) != 0)
        {
            Forget(slot, abort: false);
            return;
        }
        // The client closed and everything it sent is echoed (read and queued): close our side.
        if (_tcp.IsReceiveFinished(connection) && _tcp.StateOf(connection) == TcpState.CloseWait)
        {
            _tcp.Close(connection);
            KernelConsole.Write("echo: TCP connection closed, "u8);
            KernelConsole.WriteDecimal(_echoed[slot]);
            KernelConsole.WriteLine(" bytes echoed"u8);
        }
    }

    private void Forget(int slot, bool abort)
    {
        if (abort)
            _tcp.Abort(_connections[slot]);
        _connections[slot] = TcpHandle.None;
    }

    private void EchoDatagrams()
    {
        // Only while a datagram can be queued: one that cannot waits in the socket for the next turn.
        while ((_udp.Readiness(_udpSocket) & (SocketReadiness.Readable | SocketReadiness.Writable)) == (SocketReadiness.Readable | SocketReadiness.Writable))
        {
            if (!_udp.TryReceive(_udpSocket, _datagram, out int length, out IpEndpoint remote, out _))
                break;
            if (length > DatagramSize)
                continue; // cannot be: the stack takes no more than a frame holds
            if (_udp.Send(_udpSocket, remote, _datagram.AsSpan(0, length)) == UdpSendResult.Queued)
                Datagrams++;
        }
    }
}
