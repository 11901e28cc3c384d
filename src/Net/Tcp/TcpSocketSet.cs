using Unikernel.Net.Tcp;
using Unikernel.Net.Wire;

namespace Unikernel.Net;

/// <summary>
/// The TCP sockets of an interface (<see cref="NetworkInterface.Tcp"/>): the table of
/// connections made at start-up, the listening ports, initial sequence numbers (RFC 6528) and
/// SYN cookies (RFC 4987). The application reaches a connection through its
/// <see cref="TcpHandle"/>; the interface hands in each parsed segment's bytes and takes out
/// the segments due, adding IP and the link itself.
/// </summary>
public sealed class TcpSocketSet
{
    private readonly NetworkInterface _interface;
    private readonly TcpSocket[] _sockets;
    private readonly ushort[] _listeners;
    private readonly int _receiveBuffer;
    private readonly int _linkMtu;
    private readonly long _keepAliveIdle;
    private readonly InitialSequenceNumbers _isn;
    private readonly SynCookies _cookies;
    private ushort _nextEphemeralPort;

    internal TcpSocketSet(NetworkInterface owner, in NetworkConfiguration configuration)
    {
        _interface = owner;
        int count = configuration.TcpConnections > 0 ? configuration.TcpConnections : 0;
        _receiveBuffer = configuration.TcpReceiveBuffer > 0 ? configuration.TcpReceiveBuffer : 4096;
        int send = configuration.TcpSendBuffer > 0 ? configuration.TcpSendBuffer : 4096;
        _linkMtu = owner.LinkMtu;
        _sockets = new TcpSocket[count];
        for (int i = 0; i < count; i++)
            _sockets[i].MakeBuffers(_receiveBuffer, send, _linkMtu);
        _listeners = new ushort[configuration.TcpListeners > 0 ? configuration.TcpListeners : 1];
        _isn = new InitialSequenceNumbers(configuration.TcpSecret0, configuration.TcpSecret1);
        _cookies = new SynCookies(configuration.TcpSecret0, configuration.TcpSecret1);
        _keepAliveIdle = configuration.TcpKeepAliveSeconds * 1000L;
        // RFC 6335 section 6: the dynamic range, started at a place the seed picks.
        _nextEphemeralPort = (ushort)(49152 + configuration.Seed % 16384);
    }

    private long Now => _interface.Now;

    /// <summary>SYN-ACKs sent with a SYN cookie because the connection table was full (RFC 4987 section 3.6).</summary>
    public ulong SynCookiesSent { get; private set; }

    /// <summary>Connections opened by an ACK that brought back a valid SYN cookie.</summary>
    public ulong ConnectionsFromSynCookies { get; private set; }

    /// <summary>Accepts connections to <paramref name="port"/> from now on; false if every listener slot is taken.</summary>
    public bool Listen(ushort port)
    {
        if (port == 0)
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
    public void StopListening(ushort port)
    {
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
    public bool TryAccept(ushort port, out TcpHandle connection)
    {
        for (int i = 0; i < _sockets.Length; i++)
        {
            if (_sockets[i].IsWaitingOn(port))
            {
                _sockets[i].Accept();
                connection = HandleOf(i);
                return true;
            }
        }
        connection = TcpHandle.None;
        return false;
    }

    /// <summary>Opens a connection to <paramref name="remote"/> (active open); the SYN leaves on the next poll.</summary>
    public TcpConnectResult Connect(IpEndpoint remote, out TcpHandle connection)
    {
        connection = TcpHandle.None;
        if (_sockets.Length == 0)
            return TcpConnectResult.NoFreeConnection;
        if (!_interface.TrySelectSource(remote.Address, out Ipv6Address local))
            return TcpConnectResult.NoSourceAddress;
        if (!_interface.HasRoute(remote.Address))
            return TcpConnectResult.NoRoute;
        int slot = FreeSlot(evictHalfOpen: false);
        if (slot < 0)
            return TcpConnectResult.NoFreeConnection;
        ushort port = NextEphemeralPort();
        Open(slot, local, port, remote.Address, remote.Port, TcpState.SynSent);
        _sockets[slot].Connect();
        connection = HandleOf(slot);
        return TcpConnectResult.Started;
    }

    /// <summary>The state of <paramref name="connection"/>; Closed once it is gone (or reset: see <see cref="WasReset"/>).</summary>
    public TcpState StateOf(TcpHandle connection) => TryGet(connection, out int slot) ? _sockets[slot].State : TcpState.Closed;

    /// <summary>The peer's address and port (IPv4 mapped); default once the connection is gone.</summary>
    public IpEndpoint RemoteOf(TcpHandle connection) =>
        TryGet(connection, out int slot, allowClosed: true) ? new IpEndpoint(_sockets[slot].RemoteAddress, _sockets[slot].RemotePort) : default;

    /// <summary>True if the peer reset the connection, or it was given up.</summary>
    public bool WasReset(TcpHandle connection) => TryGet(connection, out int slot, allowClosed: true) && _sockets[slot].WasReset;

    /// <summary>
    /// Queues what fits of <paramref name="data"/> for sending and returns how many bytes were
    /// taken (0 when the send buffer is full); -1 once sending is no longer possible.
    /// </summary>
    public int Send(TcpHandle connection, ReadOnlySpan<byte> data) => TryGet(connection, out int slot) ? _sockets[slot].Send(data) : -1;

    /// <summary>Reads received bytes in order; 0 when none are waiting (see <see cref="IsReceiveFinished"/> for the end).</summary>
    public int Receive(TcpHandle connection, Span<byte> destination) =>
        TryGet(connection, out int slot, allowClosed: true) ? _sockets[slot].Receive(destination) : 0;

    /// <summary>
    /// The oldest received bytes not yet consumed, in place in the receive buffer (all of them
    /// unless they wrap around its end): how a bootloader reads a kernel it streamed into memory
    /// without copying it. False when the handle is unknown.
    /// </summary>
    public bool TryPeekReceived(TcpHandle connection, out Span<byte> data)
    {
        data = default;
        if (!TryGet(connection, out int slot, allowClosed: true))
            return false;
        data = _sockets[slot].PeekReceived();
        return true;
    }

    /// <summary>Frees <paramref name="count"/> bytes at the front of the receive buffer (after <see cref="TryPeekReceived"/>).</summary>
    public void Consume(TcpHandle connection, int count)
    {
        if (TryGet(connection, out int slot, allowClosed: true))
            _sockets[slot].Consume(count);
    }

    /// <summary>
    /// Offers <paramref name="connection"/>'s in-order payload to <paramref name="sink"/> as it
    /// arrives, before the receive buffer (null stops it); what the buffer holds already is
    /// offered now. What the sink leaves is read with <see cref="TryPeekReceived"/> as usual.
    /// </summary>
    public void SetReceiveSink(TcpHandle connection, TcpReceiveSink? sink)
    {
        if (TryGet(connection, out int slot, allowClosed: true))
            _sockets[slot].SetReceiveSink(sink);
    }

    /// <summary>True when the peer has closed its side and every byte it sent has been read.</summary>
    public bool IsReceiveFinished(TcpHandle connection) => !TryGet(connection, out int slot, allowClosed: true) || _sockets[slot].IsReceiveFinished;

    /// <summary>What the application can do on <paramref name="connection"/> now; Closed for a handle to a connection that is gone.</summary>
    public SocketReadiness Readiness(TcpHandle connection) =>
        TryGet(connection, out int slot, allowClosed: true) ? _sockets[slot].Readiness : SocketReadiness.Closed;

    /// <summary>Closes our side once the queued data is sent (FIN); the connection ends when both sides have closed.</summary>
    public void Close(TcpHandle connection)
    {
        if (TryGet(connection, out int slot))
            _sockets[slot].Close();
    }

    /// <summary>Ends the connection at once with a reset (RFC 9293 section 3.10.5, ABORT).</summary>
    public void Abort(TcpHandle connection)
    {
        if (TryGet(connection, out int slot))
            _sockets[slot].Abort();
    }

    /// <summary>
    /// The next connection with events the application has not taken, and what they are (taken
    /// by this call). Connected on a connection not yet accepted names its listening port in
    /// <paramref name="port"/>; accept it with <see cref="TryAccept"/>.
    /// </summary>
    public bool TryTakeEvent(out TcpHandle connection, out ushort port, out TcpEvents events)
    {
        for (int i = 0; i < _sockets.Length; i++)
        {
            if (!_sockets[i].HasEvents)
                continue;
            events = _sockets[i].TakeEvents();
            connection = HandleOf(i);
            port = _sockets[i].LocalPort;
            return true;
        }
        connection = TcpHandle.None;
        port = 0;
        events = TcpEvents.None;
        return false;
    }

    /// <summary>
    /// A TCP segment for one of our addresses (RFC 9293 section 3.10.7, SEGMENT ARRIVES): to its
    /// connection, to a listener as a new one, or answered with a reset. An answer due at once
    /// (SYN-ACK, ACK, RST, challenge ACK) is written into <paramref name="reply"/>, the room for
    /// a segment in the interface's reply frame (empty when that cannot take a whole frame).
    /// <paramref name="peerHeard"/> says a connection took the segment or was opened by it: the
    /// sender is on the path of a connection, news the interface's neighbour cache may use.
    /// </summary>
    internal Verdict Process(in Ipv6Address local, in Ipv6Address remote, Span<byte> bytes, Span<byte> reply, out bool peerHeard)
    {
        peerHeard = false;
        if (_sockets.Length == 0)
            return Verdict.Drop(DropReason.Unsupported);
        if (!TcpRepr.TryParse(bytes, remote, local, out var segment, out var error))
            return Verdict.FromWireError(error);
        // RFC 9293 section 3.9.1: never to or from a group, nor from port 0.
        if (remote.IsUnspecified || segment.SourcePort == 0 || segment.DestinationPort == 0)
            return Verdict.Drop(DropReason.InvalidSource);

        for (int i = 0; i < _sockets.Length; i++)
        {
            if (_sockets[i].Matches(in local, segment.DestinationPort, in remote, segment.SourcePort))
                return _sockets[i].Process(in segment, reply, Now, out peerHeard);
        }
        return ProcessWithoutConnection(local, remote, in segment, reply, out peerHeard);
    }

    /// <summary>
    /// The next segment any connection has due, written into the room after an IPv4 header
    /// (<paramref name="ipv4Room"/>) or an IPv6 one (<paramref name="ipv6Room"/>) of the same
    /// frame, by the connection's family; returns its length, 0 when none, and its addresses.
    /// </summary>
    internal int Dispatch(Span<byte> ipv4Room, Span<byte> ipv6Room, out Ipv6Address local, out Ipv6Address remote)
    {
        for (int i = 0; i < _sockets.Length; i++)
        {
            ref TcpSocket socket = ref _sockets[i];
            if (!socket.IsOpen)
                continue;
            bool ipv4 = socket.RemoteAddress.IsIpv4Mapped;
            // No segment larger than the path takes (RFC 8201 section 5.4, RFC 1191 section 6.1): the MSS the path leaves, headers off.
            int pathMss = _interface.PathMtu(socket.RemoteAddress) - TcpSocket.IpHeaderLength(ipv4) - TcpSegment.MinimumHeaderLength;
            int length = socket.Dispatch(ipv4 ? ipv4Room : ipv6Room, Now, pathMss);
            if (length > 0)
            {
                local = socket.LocalAddress;
                remote = socket.RemoteAddress;
                return length;
            }
        }
        local = default;
        remote = default;
        return 0;
    }

    /// <summary>
    /// The connection that could have sent a segment an ICMP error quotes: our address and port,
    /// the peer's, and a sequence number it has sent and not had acknowledged (RFC 5927 section
    /// 4.1), so a forged or stale error finds none. Its slot, or -1.
    /// </summary>
    internal int FindSender(in Ipv6Address local, ushort localPort, in Ipv6Address remote, ushort remotePort, SeqNumber sequence)
    {
        for (int i = 0; i < _sockets.Length; i++)
        {
            if (_sockets[i].Matches(in local, localPort, in remote, remotePort))
                return _sockets[i].HasInFlight(sequence) ? i : -1;
        }
        return -1;
    }

    /// <summary>The path to the connection in <paramref name="slot"/> (from <see cref="FindSender"/>) got smaller: what it has in flight goes again at the new size.</summary>
    internal void ResendForSmallerPath(int slot) => _sockets[slot].ResendForSmallerPath();

    /// <summary>When a TCP timer next runs out; now when a segment is due.</summary>
    internal long NextDeadline
    {
        get
        {
            long next = long.MaxValue;
            for (int i = 0; i < _sockets.Length; i++)
            {
                if (!_sockets[i].IsOpen)
                    continue;
                long due = _sockets[i].NextDeadline(Now);
                if (due < next)
                    next = due;
                if (next <= Now)
                    return next;
            }
            return next;
        }
    }

    /// <summary>CLOSED or LISTEN (RFC 9293 section 3.10.7.1 and 3.10.7.2): a SYN to a listener opens a connection; the rest gets a reset.</summary>
    private Verdict ProcessWithoutConnection(in Ipv6Address local, in Ipv6Address remote, in TcpRepr segment, Span<byte> reply, out bool peerHeard)
    {
        peerHeard = false;
        TcpFlags flags = segment.Flags;
        if ((flags & TcpFlags.Rst) != 0)
            return Verdict.Drop(DropReason.ClosedPort);
        bool listening = IsListening(segment.DestinationPort);
        if (listening && (flags & (TcpFlags.Syn | TcpFlags.Ack)) == TcpFlags.Ack)
        {
            // The ACK that completes a handshake we answered with a SYN cookie.
            int opened = OpenFromCookie(local, remote, in segment);
            if (opened >= 0)
                return _sockets[opened].Process(in segment, reply, Now, out peerHeard);
            if (opened == CookieWithoutRoom)
                return Verdict.Drop(DropReason.QueueFull); // the peer sends it again; a slot may be free then
        }
        if (!listening || (flags & TcpFlags.Ack) != 0 || (flags & TcpFlags.Syn) == 0)
            return ReplyReset(local, remote, in segment, reply);

        // A full table keeps its half-open entries: the SYN is answered with a cookie and no entry
        // is made, so a flood cannot push out a real client's entry before its ACK arrives.
        int slot = FreeSlot(evictHalfOpen: false);
        if (slot < 0)
            return ReplySynCookie(local, remote, in segment, reply);
        Open(slot, local, segment.DestinationPort, remote, segment.SourcePort, TcpState.SynReceived);
        peerHeard = true;
        return _sockets[slot].AcceptSyn(in segment, reply);
    }

    private bool IsListening(ushort port)
    {
        for (int i = 0; i < _listeners.Length; i++)
        {
            if (_listeners[i] == port)
                return true;
        }
        return false;
    }

    /// <summary><see cref="OpenFromCookie"/>: the cookie is good but every slot holds an established connection.</summary>
    private const int CookieWithoutRoom = -2;

    /// <summary>
    /// A reset for a segment no connection takes (RFC 9293 section 3.10.7.1): with an ACK it
    /// takes SEQ = SEG.ACK; without, SEQ = 0 and it acknowledges the whole segment.
    /// </summary>
    private static Verdict ReplyReset(in Ipv6Address local, in Ipv6Address remote, in TcpRepr segment, Span<byte> reply)
    {
        if (reply.IsEmpty)
            return Verdict.Drop(DropReason.ReplyBufferTooSmall);
        var reset = new TcpRepr
        {
            SourcePort = segment.DestinationPort,
            DestinationPort = segment.SourcePort,
        };
        if ((segment.Flags & TcpFlags.Ack) != 0)
        {
            reset.SequenceNumber = segment.AcknowledgmentNumber;
            reset.Flags = TcpFlags.Rst;
        }
        else
        {
            reset.AcknowledgmentNumber = segment.SequenceNumber + segment.SegmentLength;
            reset.Flags = TcpFlags.Rst | TcpFlags.Ack;
        }
        var written = reset.Emit(reply);
        TcpRepr.FillChecksum(written, local, remote);
        return Verdict.Reply(written.Buffer.Length);
    }

    /// <summary>
    /// A SYN-ACK whose ISS is a SYN cookie (RFC 4987 section 3.6), made without an entry. It
    /// offers what a connection would (RFC 9293 section 3.7.1, RFC 7323, RFC 2018), but the
    /// peer's window scale and SACK-permitted ride in the low bits of our timestamp (see
    /// <see cref="CookieTimestamp"/>), so without timestamps neither is agreed.
    /// </summary>
    private Verdict ReplySynCookie(in Ipv6Address local, in Ipv6Address remote, in TcpRepr segment, Span<byte> reply)
    {
        if (reply.IsEmpty)
            return Verdict.Drop(DropReason.ReplyBufferTooSmall);
        bool ipv4 = remote.IsIpv4Mapped;
        bool timestamps = segment.Options.HasTimestamps;
        bool scale = timestamps && segment.Options.HasWindowScale;
        bool sack = timestamps && segment.Options.SackPermitted;
        // The MSS the peer can take, as a connection would agree it; the cookie keeps its index.
        int peerMss = segment.Options.HasMss ? segment.Options.Mss : ipv4 ? 536 : 1220;
        int ceiling = TcpSocket.MssFor(_linkMtu, ipv4);
        int sendMss = peerMss < ceiling ? (peerMss < 64 ? 64 : peerMss) : ceiling;
        int mssIndex = SynCookies.MssIndex(sendMss);
        uint window = TcpSocket.OfferedWindow(_receiveBuffer, default, segment.SequenceNumber + 1);
        var synAck = new TcpRepr
        {
            SourcePort = segment.DestinationPort,
            DestinationPort = segment.SourcePort,
            SequenceNumber = _cookies.Make(local, segment.DestinationPort, remote, segment.SourcePort, segment.SequenceNumber, Now, mssIndex),
            AcknowledgmentNumber = segment.SequenceNumber + 1,
            Flags = TcpFlags.Syn | TcpFlags.Ack,
            // The window a new connection would offer, never scaled on a SYN (RFC 7323 section 2.2).
            Window = (ushort)(window > 65535 ? 65535 : window),
        };
        synAck.Options.HasMss = true;
        synAck.Options.Mss = (ushort)ceiling;
        if (scale)
        {
            synAck.Options.HasWindowScale = true;
            synAck.Options.WindowScale = TcpSocket.ScaleFor(_receiveBuffer);
        }
        synAck.Options.SackPermitted = sack;
        if (timestamps)
        {
            synAck.Options.HasTimestamps = true;
            synAck.Options.TimestampValue = CookieTimestamp(scale ? segment.Options.WindowScale : (byte)15, sack);
            synAck.Options.TimestampEcho = segment.Options.TimestampValue;
        }
        var written = synAck.Emit(reply);
        TcpRepr.FillChecksum(written, local, remote);
        SynCookiesSent++;
        return Verdict.Reply(written.Buffer.Length);
    }

    /// <summary>
    /// The TSval of a cookie SYN-ACK: the peer's window scale (15 for none) in bits 0 to 3 and
    /// SACK-permitted in bit 4, above them the clock, set back a step so that it is below every
    /// later TSval of ours (RFC 7323 section 5.4: they must not go backwards).
    /// </summary>
    private uint CookieTimestamp(byte peerScale, bool sack)
    {
        uint bits = peerScale | (sack ? 16u : 0u);
        long clock = Now >= 32 ? ((Now >> 5) - 1) << 5 : 0;
        return (uint)clock | bits;
    }

    /// <summary>
    /// The slot of a connection opened, in SYN-RECEIVED, from an ACK that acknowledges a valid
    /// cookie; -1 when it does not, <see cref="CookieWithoutRoom"/> when no slot can take it.
    /// A handshake completed this way may take the oldest half-open entry's slot.
    /// </summary>
    private int OpenFromCookie(in Ipv6Address local, in Ipv6Address remote, in TcpRepr segment)
    {
        SeqNumber irs = segment.SequenceNumber - 1;
        SeqNumber iss = segment.AcknowledgmentNumber - 1;
        if (!_cookies.TryCheck(local, segment.DestinationPort, remote, segment.SourcePort, irs, iss, Now, out int mssIndex))
            return -1;
        int slot = FreeSlot(evictHalfOpen: true);
        if (slot < 0)
            return CookieWithoutRoom;
        _sockets[slot].Open(local, segment.DestinationPort, remote, segment.SourcePort, TcpState.SynReceived, iss, _keepAliveIdle, Now);
        _sockets[slot].OpenFromCookie(in segment, irs, SynCookies.MssTable[mssIndex]);
        ConnectionsFromSynCookies++;
        return slot;
    }

    private void Open(int slot, Ipv6Address local, ushort localPort, Ipv6Address remote, ushort remotePort, TcpState state)
    {
        SeqNumber iss = _isn.FromMilliseconds(local, localPort, remote, remotePort, Now);
        _sockets[slot].Open(local, localPort, remote, remotePort, state, iss, _keepAliveIdle, Now);
    }

    /// <summary>
    /// A closed slot; when none is free and <paramref name="evictHalfOpen"/>, the oldest
    /// half-open one (SYN-RECEIVED) is given up: only for a handshake a SYN cookie proved
    /// complete, which a SYN flood cannot fake.
    /// </summary>
    private int FreeSlot(bool evictHalfOpen)
    {
        int oldest = -1;
        int oldestDone = -1;
        for (int i = 0; i < _sockets.Length; i++)
        {
            // A slot the application still holds a handle to (reset or closed but not released) is reused all the same.
            if (!_sockets[i].IsOpen)
                return i;
            if (_sockets[i].IsHalfOpen && (oldest < 0 || _sockets[i].Created < _sockets[oldest].Created))
                oldest = i;
            if (_sockets[i].State is TcpState.TimeWait or TcpState.FinWait2 && (oldestDone < 0 || _sockets[i].Created < _sockets[oldestDone].Created))
                oldestDone = i;
        }
        // A full table gives up its oldest connection that has delivered all it will: TIME-WAIT,
        // as Linux does past tcp_max_tw_buckets, or FIN-WAIT-2, our FIN acknowledged and only the
        // peer's close awaited (Linux bounds those with tcp_fin_timeout). Otherwise a crowd that
        // never closes would keep the table from a new connection.
        if (oldestDone >= 0)
        {
            _sockets[oldestDone].Free();
            return oldestDone;
        }
        if (!evictHalfOpen || oldest < 0)
            return -1;
        _sockets[oldest].Free();
        return oldest;
    }

    private ushort NextEphemeralPort()
    {
        for (int attempt = 0; attempt < 16384; attempt++)
        {
            ushort port = _nextEphemeralPort;
            _nextEphemeralPort = port == 65535 ? (ushort)49152 : (ushort)(port + 1);
            bool used = false;
            for (int i = 0; i < _sockets.Length && !used; i++)
                used = _sockets[i].IsOpen && _sockets[i].LocalPort == port;
            if (!used)
                return port;
        }
        return _nextEphemeralPort;
    }

    private TcpHandle HandleOf(int slot) => new TcpHandle(slot, _sockets[slot].Generation);

    private bool TryGet(TcpHandle connection, out int slot, bool allowClosed = false)
    {
        slot = connection.Slot;
        return !connection.IsNone && slot < _sockets.Length && _sockets[slot].Generation == connection.Generation
            && (allowClosed || _sockets[slot].IsOpen);
    }
}
