namespace Unikernel.Net;

/// <summary>
/// The bound UDP ports and their receive queues: a socket is an index into fixed arrays made
/// at start-up. Port 0 marks a free socket (it is not a port one can bind, RFC 768).
/// </summary>
internal sealed class UdpSocketTable
{
    private readonly ushort[] _ports;
    private readonly DatagramQueues _queues;

    public UdpSocketTable(int sockets, int depth)
    {
        if (sockets < 0 || (sockets > 0 && depth < 1))
            Kernel.Panic("UDP sockets need a queue of at least one datagram"u8);
        _ports = new ushort[sockets];
        _queues = new DatagramQueues(sockets, depth < 1 ? 1 : depth);
    }

    /// <summary>The socket bound to <paramref name="port"/>, or -1.</summary>
    public int Find(ushort port)
    {
        for (int i = 0; i < _ports.Length; i++)
        {
            if (port != 0 && _ports[i] == port)
                return i;
        }
        return -1;
    }

    public bool IsBound(int socket) => (uint)socket < (uint)_ports.Length && _ports[socket] != 0;

    public ushort PortOf(int socket) => _ports[socket];

    /// <summary>The receive queues; a socket's queue has the socket's number.</summary>
    public DatagramQueues Queues => _queues;

    /// <summary>Binds a free socket to <paramref name="port"/>; false if the port is taken, 0, or no socket is free.</summary>
    public bool TryBind(ushort port, out int socket)
    {
        socket = -1;
        if (port == 0 || Find(port) >= 0)
            return false;
        for (int i = 0; i < _ports.Length; i++)
        {
            if (_ports[i] == 0)
            {
                _ports[i] = port;
                _queues.Clear(i);
                socket = i;
                return true;
            }
        }
        return false;
    }

    public void Close(int socket)
    {
        if (IsBound(socket))
        {
            _ports[socket] = 0;
            _queues.Clear(socket);
        }
    }
}
