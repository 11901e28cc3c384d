using Unikernel.Net.Tcp;
using Unikernel.Net.Wire;

namespace Unikernel.Net;

/// <summary>What the application sees of a TCP connection.</summary>
public enum TcpConnectResult : byte
{
    /// <summary>The SYN goes out on the next poll (after address resolution).</summary>
    Started = 0,

    /// <summary>Every connection slot is in use.</summary>
    NoFreeConnection,

    /// <summary>No address of the destination's family and scope to send from.</summary>
    NoSourceAddress,

    /// <summary>The destination is off-link and there is no router.</summary>
    NoRoute,
}

public sealed partial class NetworkInterface
{
    /// <summary>MSL, the maximum segment lifetime; TIME-WAIT lasts twice this (RFC 9293 section 3.4.2). Linux waits 60 s in all.</summary>
    public const long MaximumSegmentLifetime = 30_000;

    // Made by StartTcp; null in an image built without TCP, where every use is behind TcpBuiltIn.
    private TcpConnection[] _tcp = null!;
    private ushort[] _listeners = null!;
    private byte[] _tcpReceivePool = null!;
    private byte[] _tcpSendPool = null!;
    private InitialSequenceNumbers _isn;
    private SynCookies _cookies;
    private ushort _nextEphemeralPort;

    /// <summary>NetworkFeatures.Tcp, as a property so the compiler does not call the code behind it unreachable; ilc folds it.</summary>
    private static bool TcpBuiltIn => NetworkFeatures.Tcp;

    private void StartTcp(in NetworkConfiguration configuration)
    {
        if (!TcpBuiltIn)
            return;
        int count = configuration.TcpConnections > 0 ? configuration.TcpConnections : 0;
        _tcp = new TcpConnection[count];
        _listeners = new ushort[configuration.TcpListeners > 0 ? configuration.TcpListeners : 1];
        int receive = configuration.TcpReceiveBuffer > 0 ? configuration.TcpReceiveBuffer : 4096;
        int send = configuration.TcpSendBuffer > 0 ? configuration.TcpSendBuffer : 4096;
        _tcpReceivePool = new byte[count * receive];
        _tcpSendPool = new byte[count * send];
        for (int i = 0; i < count; i++)
        {
            _tcp[i].Receive = new ByteRing(i * receive, receive);
            _tcp[i].Send = new ByteRing(i * send, send);
        }
        _isn = new InitialSequenceNumbers(configuration.TcpSecret0, configuration.TcpSecret1);
        _cookies = new SynCookies(configuration.TcpSecret0, configuration.TcpSecret1);
        _keepAliveIdle = configuration.TcpKeepAliveSeconds * 1000L;
        // RFC 6335 section 6: the dynamic range, started at a place the seed picks.
        _nextEphemeralPort = (ushort)(49152 + configuration.Seed % 16384);
    }

    /// <summary>SYN-ACKs sent with a SYN cookie because the connection table was full (RFC 4987 section 3.6).</summary>
    public ulong SynCookiesSent { get; private set; }

    /// <summary>Connections opened by an ACK that brought back a valid SYN cookie.</summary>
    public ulong ConnectionsFromSynCookies { get; private set; }

    /// <summary>Accepts connections to <paramref name="port"/> from now on; false if every listener slot is taken.</summary>
    public bool TryListenTcp(ushort port)
    {
        if (!NetworkFeatures.Tcp || port == 0)
            return false;
        int free = -1;
        for (int i = 0; i < _listeners.Length; i++)
        {
            if (_listeners[i] == port)
                return true;
            if (_listeners[i] == 0 && free < 0)
                free = i;
        }
        if (free < 0)
            return false;
        _listeners[free] = port;
        return true;
    }

    /// <summary>Stops listening on <paramref name="port"/>; connections already made go on.</summary>
    public void StopListeningTcp(ushort port)
    {
        if (!TcpBuiltIn)
            return;
        for (int i = 0; i < _listeners.Length; i++)
        {
            if (_listeners[i] == port)
                _listeners[i] = 0;
        }
    }

    /// <summary>
    /// A connection to <paramref name="port"/> that finished its handshake and was not taken
    /// yet; false when none is waiting. The handle stays valid until the connection is gone.
    /// </summary>
    public bool TryAcceptTcp(ushort port, out int connection)
    {
        connection = -1;
        if (!TcpBuiltIn)
            return false;
        for (int i = 0; i < _tcp.Length; i++)
        {
            ref TcpConnection c = ref _tcp[i];
            if (!c.Accepted && c.LocalPort == port && c.State >= TcpState.Established && !c.WasReset)
            {
                c.Accepted = true;
                connection = Handle(i);
                return true;
            }
        }
        connection = -1;
        return false;
    }

    /// <summary>Opens a connection to <paramref name="remote"/> (active open); the SYN leaves on the next poll.</summary>
    public TcpConnectResult ConnectTcp(IpEndpoint remote, out int connection)
    {
        connection = -1;
        if (!NetworkFeatures.Tcp || _tcp.Length == 0)
            return TcpConnectResult.NoFreeConnection;
        Ipv6Address local;
        if (remote.IsIpv4)
        {
            if (_ipv4.IsUnspecified)
                return TcpConnectResult.NoSourceAddress;
            local = Ipv6Address.MapIpv4(_ipv4);
            if (!TryRouteIpv4(remote.Address.MappedIpv4, out _, out _))
                return TcpConnectResult.NoRoute;
        }
        else
        {
            if (!TrySelectSource(remote.Address, out local))
                return TcpConnectResult.NoSourceAddress;
            if (!TryRouteIpv6(remote.Address, out _, out _))
                return TcpConnectResult.NoRoute;
        }
        int slot = FreeConnectionSlot(evictHalfOpen: false);
        if (slot < 0)
            return TcpConnectResult.NoFreeConnection;
        ushort port = NextEphemeralPort();
        ref TcpConnection c = ref OpenSlot(slot, local, port, remote.Address, remote.Port, TcpState.SynSent);
        c.Accepted = true;
        c.SndNxt = c.Iss;
        c.SndUna = c.Iss;
        connection = Handle(slot);
        return TcpConnectResult.Started;
    }

    /// <summary>The state of <paramref name="connection"/>; Closed once it is gone (or reset: see <see cref="WasResetTcp"/>).</summary>
    public TcpState StateOfTcp(int connection) => TryGet(connection, out int slot) ? _tcp[slot].State : TcpState.Closed;

    /// <summary>True if the peer reset the connection.</summary>
    public bool WasResetTcp(int connection) => TryGet(connection, out int slot, allowClosed: true) && _tcp[slot].WasReset;

    /// <summary>
    /// Queues what fits of <paramref name="data"/> for sending and returns how many bytes were
    /// taken (0 when the send buffer is full); -1 once sending is no longer possible.
    /// </summary>
    public int SendTcp(int connection, ReadOnlySpan<byte> data)
    {
        if (!TryGet(connection, out int slot))
            return -1;
        ref TcpConnection c = ref _tcp[slot];
        if (c.CloseRequested || (c.State != TcpState.Established && c.State != TcpState.CloseWait
            && c.State != TcpState.SynSent && c.State != TcpState.SynReceived))
            return -1;
        return c.Send.Append(_tcpSendPool, data);
    }

    /// <summary>Reads received bytes in order; 0 when none are waiting (see <see cref="IsReceiveFinishedTcp"/> for the end).</summary>
    public int ReceiveTcp(int connection, Span<byte> destination)
    {
        if (!TryGet(connection, out int slot, allowClosed: true))
            return 0;
        ref TcpConnection c = ref _tcp[slot];
        int before = c.Receive.Free;
        int taken = c.Receive.Take(_tcpReceivePool, destination);
        WindowOpened(ref c, before);
        return taken;
    }

    /// <summary>
    /// The oldest received bytes not yet consumed, in place in the receive buffer (all of them
    /// unless they wrap around its end): how a bootloader reads a kernel it streamed into memory
    /// without copying it. False when the handle is unknown.
    /// </summary>
    public bool TryPeekReceivedTcp(int connection, out Span<byte> data)
    {
        data = default;
        if (!TryGet(connection, out int slot, allowClosed: true))
            return false;
        data = _tcp[slot].Receive.PeekFirst(_tcpReceivePool);
        return true;
    }

    /// <summary>Frees <paramref name="count"/> bytes at the front of the receive buffer (after <see cref="TryPeekReceivedTcp"/>).</summary>
    public void ConsumeTcp(int connection, int count)
    {
        if (!TryGet(connection, out int slot, allowClosed: true))
            return;
        ref TcpConnection c = ref _tcp[slot];
        int before = c.Receive.Free;
        c.Receive.Discard(count < c.Receive.Count ? count : c.Receive.Count);
        WindowOpened(ref c, before);
    }

    /// <summary>True when the peer has closed its side and every byte it sent has been read.</summary>
    public bool IsReceiveFinishedTcp(int connection)
    {
        if (!TryGet(connection, out int slot, allowClosed: true))
            return true;
        ref TcpConnection c = ref _tcp[slot];
        return (c.FinReceived || c.WasReset) && c.Receive.Count == 0;
    }

    /// <summary>Closes our side once the queued data is sent (FIN); the connection ends when both sides have closed.</summary>
    public void CloseTcp(int connection)
    {
        if (!TryGet(connection, out int slot))
            return;
        ref TcpConnection c = ref _tcp[slot];
        if (c.State == TcpState.SynSent)
        {
            Free(ref c);
            return;
        }
        c.CloseRequested = true;
    }

    /// <summary>Ends the connection at once with a reset (RFC 9293 section 3.10.5, ABORT).</summary>
    public void AbortTcp(int connection)
    {
        if (!TryGet(connection, out int slot))
            return;
        ref TcpConnection c = ref _tcp[slot];
        if (c.State >= TcpState.SynReceived && c.State != TcpState.TimeWait)
            c.AbortPending = true;
        else
            Free(ref c);
    }

    /// <summary>Handles are the slot in the low byte and its generation above, so a reused slot does not answer an old handle.</summary>
    private int Handle(int slot) => _tcp[slot].Generation << 8 | slot;

    private bool TryGet(int connection, out int slot, bool allowClosed = false)
    {
        slot = connection & 0xFF;
        return TcpBuiltIn && connection >= 0 && slot < _tcp.Length && _tcp[slot].Generation == (ushort)(connection >> 8)
            && (allowClosed || _tcp[slot].State != TcpState.Closed);
    }

    private ushort NextEphemeralPort()
    {
        for (int attempt = 0; attempt < 16384; attempt++)
        {
            ushort port = _nextEphemeralPort;
            _nextEphemeralPort = port == 65535 ? (ushort)49152 : (ushort)(port + 1);
            bool used = false;
            for (int i = 0; i < _tcp.Length && !used; i++)
                used = _tcp[i].State != TcpState.Closed && _tcp[i].LocalPort == port;
            if (!used)
                return port;
        }
        return _nextEphemeralPort;
    }

    /// <summary>
    /// A closed slot; when none is free and <paramref name="evictHalfOpen"/>, the oldest
    /// half-open one (SYN-RECEIVED) is given up: only for a handshake a SYN cookie proved
    /// complete, which a SYN flood cannot fake.
    /// </summary>
    private int FreeConnectionSlot(bool evictHalfOpen)
    {
        int oldest = -1;
        for (int i = 0; i < _tcp.Length; i++)
        {
            ref TcpConnection c = ref _tcp[i];
            // A slot the application still holds a handle to (reset or closed but not released) is reused all the same.
            if (c.State == TcpState.Closed)
                return i;
            if (c.State == TcpState.SynReceived && (oldest < 0 || c.Created < _tcp[oldest].Created))
                oldest = i;
        }
        if (!evictHalfOpen || oldest < 0)
            return -1;
        Free(ref _tcp[oldest]);
        return oldest;
    }

    private ref TcpConnection OpenSlot(int slot, Ipv6Address local, ushort localPort, Ipv6Address remote, ushort remotePort, TcpState state)
    {
        ref TcpConnection c = ref _tcp[slot];
        ByteRing receive = c.Receive;
        ByteRing send = c.Send;
        ushort generation = (ushort)(c.Generation + 1);
        c = default;
        c.Generation = generation;
        c.Receive = new ByteRing(receive.Offset, receive.Capacity);
        c.Send = new ByteRing(send.Offset, send.Capacity);
        c.State = state;
        c.LocalAddress = local;
        c.LocalPort = localPort;
        c.RemoteAddress = remote;
        c.RemotePort = remotePort;
        c.Created = _now;
        c.LastHeard = _now;
        c.Iss = _isn.FromMilliseconds(local, localPort, remote, remotePort, _now);
        c.Rto = InitialRto;
        c.SendMss = DefaultSendMss;
        c.ReceiveScale = ScaleFor(c.Receive.Capacity);
        return ref c;
    }

    /// <summary>The slot is free for a new connection; the application learns the end from an event (Closed or Reset).</summary>
    private static void Free(ref TcpConnection c)
    {
        // Only a connection the application holds has an end to report.
        if (c.Accepted)
            c.Events |= c.WasReset ? TcpEvents.Reset : TcpEvents.Closed;
        c.State = TcpState.Closed;
        c.AbortPending = false;
    }

    /// <summary>
    /// The next connection with events the application has not taken, and what they are (taken
    /// by this call). Connected on a connection not yet accepted names its listening port in
    /// <paramref name="port"/>; accept it with <see cref="TryAcceptTcp"/>.
    /// </summary>
    public bool TryTakeTcpEvent(out int connection, out ushort port, out TcpEvents events)
    {
        connection = -1;
        port = 0;
        events = TcpEvents.None;
        if (!TcpBuiltIn)
            return false;
        for (int i = 0; i < _tcp.Length; i++)
        {
            ref TcpConnection c = ref _tcp[i];
            if (c.Events == TcpEvents.None)
                continue;
            events = c.Events;
            c.Events = TcpEvents.None;
            connection = Handle(i);
            port = c.LocalPort;
            return true;
        }
        return false;
    }

    /// <summary>Keep-alive (RFC 9293 section 3.8.4, RFC 1122 section 4.2.3.6): off unless the configuration sets an idle time.</summary>
    private long _keepAliveIdle;

    /// <summary>The smallest shift that lets the whole buffer be offered in a 16-bit window (RFC 7323 section 2.3), at most 14.</summary>
    private static byte ScaleFor(int capacity)
    {
        byte shift = 0;
        while (shift < 14 && capacity >> shift > 0xFFFF)
            shift++;
        return shift;
    }
}
