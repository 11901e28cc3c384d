using System.Runtime.CompilerServices;
using Unikernel.Net.Tcp;
using Unikernel.Net.Wire;

namespace Unikernel.Net;

/// <summary>
/// One TCP connection (RFC 9293): its transmission control block (section 3.3.1), its receive
/// and send buffers, its timers, and its behaviour: <see cref="Process"/> takes a parsed segment
/// for it, <see cref="Dispatch"/> writes the next segment it has due. A plain struct in the
/// table of <see cref="TcpSocketSet"/>, made at start-up and reused; it knows nothing below
/// TCP: addresses are IPv4-mapped for IPv4, and the interface adds IP and the link.
/// </summary>
internal partial struct TcpSocket
{
    /// <summary>MSL, the maximum segment lifetime; TIME-WAIT lasts twice this (RFC 9293 section 3.4.2). Linux waits 60 s in all.</summary>
    public const long MaximumSegmentLifetime = 30_000;

    private TcpState _state;

    /// <summary>Bumped each time the slot is reused, so a stale handle is recognised.</summary>
    private ushort _generation;

    /// <summary>Accepted by the application (a listener's connection not yet accepted is false).</summary>
    private bool _accepted;

    /// <summary>The application closed its side: a FIN goes after the queued data.</summary>
    private bool _closeRequested;

    private bool _finSent;
    private bool _finReceived;

    /// <summary>A reset ended the connection: the application learns it on its next call.</summary>
    private bool _wasReset;

    /// <summary>Events not yet taken by the application.</summary>
    private TcpEvents _events;

    /// <summary>When the last acceptable segment arrived: keep-alive probes start after an idle spell.</summary>
    private long _lastHeard;

    /// <summary>Keep-alive (RFC 9293 section 3.8.4, RFC 1122 section 4.2.3.6): the idle time before probing, 0 for off.</summary>
    private long _keepAliveIdle;

    /// <summary>Keep-alive probes sent without an answer.</summary>
    private byte _keepAliveProbes;

    /// <summary>The application aborted: a RST goes on the next dispatch, then the slot is free.</summary>
    private bool _abortPending;

    // The 4-tuple; IPv4 addresses are IPv4-mapped.
    private Ipv6Address _localAddress;
    private Ipv6Address _remoteAddress;
    private ushort _localPort;
    private ushort _remotePort;

    // Send sequence variables (RFC 9293 section 3.3.1).
    private SeqNumber _sndUna;
    private SeqNumber _sndNxt;
    private SeqNumber _sndWl1;
    private SeqNumber _sndWl2;
    private SeqNumber _iss;
    private uint _sndWnd;
    private SeqNumber _sndMax;

    // Receive sequence variables.
    private SeqNumber _rcvNxt;
    private SeqNumber _irs;

    /// <summary>The right edge we last advertised: the window never shrinks below it (RFC 9293 section 3.8.6.2.2).</summary>
    private SeqNumber _rcvAdvertised;

    // Options agreed in the handshake.
    private ushort _sendMss;
    private byte _sendScale;
    private bool _scaleAgreed;
    private byte _receiveScale;
    private bool _sackPermitted;
    private bool _timestamps;
    private uint _tsRecent;

    /// <summary>RCV.NXT as our last ACK said it (RFC 7323's Last.ACK.sent).</summary>
    private SeqNumber _lastAckSent;

    /// <summary>Segments received since our last ACK: every second is acknowledged, at once or after the receive batch (RFC 9293 section 3.8.6.3, RFC 5681 section 4.2; TcpSocket.AcceptData).</summary>
    private byte _unackedSegments;
    private bool _ackNow;

    /// <summary>An ACK is due with the next dispatch: after every frame of the receive batch under way, so one ACK covers them all.</summary>
    private bool _ackAfterBatch;
    private long _delayedAckDeadline;

    // Retransmission timer and RTT estimation (RFC 6298).
    private long _retransmitDeadline;
    private int _rto;
    private int _srtt;
    private int _rttvar;
    private bool _rttMeasuring;
    private SeqNumber _rttSeq;
    private long _rttStart;
    private byte _backoff;

    // Congestion control (RFC 5681, NewReno RFC 6582).
    private uint _cwnd;
    private uint _ssthresh;
    private byte _duplicateAcks;
    private bool _inRecovery;

    /// <summary>Fast retransmit, a partial ACK or new SACK news in recovery ask for the next hole to go again, once, before new data.</summary>
    private bool _retransmitFirst;

    /// <summary>Where the last retransmission in recovery ended: the next hole is looked for from here (RFC 6675's HighRxt).</summary>
    private SeqNumber _highRetransmit;

    /// <summary>What the peer reported holding above SND.UNA in its SACK blocks (RFC 2018), merged: our scoreboard.</summary>
    private PeerSackRanges _peerSacked;
    private byte _peerSackedCount;
    private SeqNumber _recover;

    /// <summary>Zero-window probe due (RFC 9293 section 3.8.6.1).</summary>
    private long _persistDeadline;
    private byte _persistBackoff;

    /// <summary>When TIME-WAIT ends, or a half-open SYN-RECEIVED entry is given up.</summary>
    private long _stateDeadline;

    /// <summary>When the connection was made: half-open entries are evicted oldest first under a SYN flood.</summary>
    private long _created;

    /// <summary>
    /// Out-of-order data held beyond RcvNxt, as up to <see cref="SackRanges.Capacity"/> ranges,
    /// the most recently grown first (our SACK blocks, RFC 2018 section 4).
    /// </summary>
    private SackRanges _outOfOrder;
    private byte _outOfOrderCount;

    /// <summary>Data that arrived twice, reported once as the first SACK block of our next ACK (D-SACK, RFC 2883), so the peer learns its retransmission was spurious.</summary>
    private SeqRange _duplicate;
    private bool _hasDuplicate;

    private ByteRing _receive;
    private ByteRing _send;

    /// <summary>Takes in-order payload before the receive buffer does; none when null.</summary>
    private TcpReceiveSink? _sink;

    /// <summary>The clock of the call being served (Process, Dispatch, Open), in milliseconds.</summary>
    private long _now;

    /// <summary>
    /// Gives the slot, once at start-up, the buffers it keeps for every connection made in it;
    /// in place, as a constructor would copy the whole block into the table.
    /// </summary>
    public void MakeBuffers(int receiveBuffer, int sendBuffer, int linkMtu)
    {
        _receive = new ByteRing(receiveBuffer);
        _send = new ByteRing(sendBuffer);
        _linkMtu = (ushort)linkMtu;
    }

    /// <summary>The interface's link MTU, which the MSS we announce comes from; kept across connections, as the buffers are.</summary>
    private ushort _linkMtu;

    /// <summary>The path's MSS at the last dispatch (the path MTU less the IP and TCP headers): segments are cut to it.</summary>
    private int _pathMss;

    /// <summary>The MSS a link of <paramref name="mtu"/> carries: the MTU less the fixed IP and TCP headers (RFC 9293 section 3.7.1, RFC 6691).</summary>
    public static int MssFor(int mtu, bool ipv4) => mtu - IpHeaderLength(ipv4) - TcpSegment.MinimumHeaderLength;

    /// <summary>The fixed IP header before a segment: 20 bytes for IPv4 (we send no options), 40 for IPv6.</summary>
    public static int IpHeaderLength(bool ipv4) => ipv4 ? Ipv4Packet.MinimumHeaderLength : Ipv6Packet.HeaderLength;

    /// <summary>The MSS we announce and the most we take from the peer's: what our link carries.</summary>
    private readonly int LinkMss => MssFor(_linkMtu, IsIpv4);

    public readonly TcpState State => _state;

    public readonly ushort Generation => _generation;

    public readonly bool IsOpen => _state != TcpState.Closed;

    public readonly bool IsAccepted => _accepted;

    public readonly bool WasReset => _wasReset;

    public readonly long Created => _created;

    public readonly ushort LocalPort => _localPort;

    public readonly Ipv6Address LocalAddress => _localAddress;

    public readonly Ipv6Address RemoteAddress => _remoteAddress;

    public readonly ushort RemotePort => _remotePort;

    public readonly bool IsHalfOpen => _state == TcpState.SynReceived;

    private readonly bool IsIpv4 => _remoteAddress.IsIpv4Mapped;

    /// <summary>True if <paramref name="sequence"/> is sent and not yet acknowledged: SND.UNA &lt;= it &lt; SND.MAX (RFC 5927 section 4.1).</summary>
    public readonly bool HasInFlight(SeqNumber sequence) => sequence >= _sndUna && sequence < _sndMax;

    /// <summary>Bytes sent and not yet acknowledged, the FIN and SYN counting one each.</summary>
    private readonly int InFlight => _sndNxt - _sndUna;

    public readonly bool Matches(in Ipv6Address local, ushort localPort, in Ipv6Address remote, ushort remotePort) =>
        _state != TcpState.Closed && _localPort == localPort && _remotePort == remotePort && _remoteAddress == remote && _localAddress == local;

    /// <summary>
    /// Starts a connection in this slot: in <paramref name="state"/> (SYN-SENT or SYN-RECEIVED),
    /// with <paramref name="iss"/>, empty buffers and a new generation.
    /// </summary>
    public void Open(Ipv6Address local, ushort localPort, Ipv6Address remote, ushort remotePort, TcpState state, SeqNumber iss,
        long keepAliveIdle, long now)
    {
        ByteRing receive = _receive;
        ByteRing send = _send;
        ushort linkMtu = _linkMtu;
        ushort generation = (ushort)(_generation + 1);
        this = default;
        _linkMtu = linkMtu;
        // Generation 0 is never used, so the default handle names no connection.
        _generation = generation == 0 ? (ushort)1 : generation;
        _receive = receive;
        _send = send;
        _receive.Clear();
        _send.Clear();
        _state = state;
        _localAddress = local;
        _localPort = localPort;
        _remoteAddress = remote;
        _remotePort = remotePort;
        _now = now;
        _created = now;
        _lastHeard = now;
        _iss = iss;
        _keepAliveIdle = keepAliveIdle;
        _rto = InitialRto;
        _sendMss = DefaultSendMss;
        _receiveScale = ScaleFor(_receive.Capacity);
    }

    /// <summary>An active open (RFC 9293 section 3.10.1): the SYN goes on the next dispatch.</summary>
    public void Connect()
    {
        _accepted = true;
        _sndNxt = _iss;
        _sndUna = _iss;
    }

    /// <summary>Taken by the application from its listener.</summary>
    public void Accept() => _accepted = true;

    /// <summary>A connection to a listener's port, finished, not taken yet.</summary>
    public readonly bool IsWaitingOn(ushort port) => !_accepted && _localPort == port && _state >= TcpState.Established && !_wasReset;

    /// <summary>The events not taken yet, now taken.</summary>
    public TcpEvents TakeEvents()
    {
        TcpEvents events = _events;
        _events = TcpEvents.None;
        return events;
    }

    public readonly bool HasEvents => _events != TcpEvents.None;

    /// <summary>
    /// Queues what fits of <paramref name="data"/> for sending and returns how many bytes were
    /// taken (0 when the send buffer is full); -1 once sending is no longer possible.
    /// </summary>
    public int Send(ReadOnlySpan<byte> data)
    {
        if (!CanSend)
            return -1;
        return _send.Append(data);
    }

    private readonly bool CanSend => !_closeRequested && (_state == TcpState.Established || _state == TcpState.CloseWait
        || _state == TcpState.SynSent || _state == TcpState.SynReceived);

    /// <summary>Reads received bytes in order; 0 when none are waiting.</summary>
    public int Receive(Span<byte> destination)
    {
        int before = _receive.Free;
        int taken = _receive.Take(destination);
        WindowOpened(before);
        return taken;
    }

    /// <summary>The oldest received bytes, in place (all of them unless they wrap around the buffer's end).</summary>
    public readonly Span<byte> PeekReceived() => _receive.PeekFirst();

    /// <summary>Frees <paramref name="count"/> bytes at the front of the receive buffer.</summary>
    public void Consume(int count)
    {
        int before = _receive.Free;
        _receive.Discard(count < _receive.Count ? count : _receive.Count);
        WindowOpened(before);
    }

    /// <summary>
    /// From now on in-order payload is offered to <paramref name="sink"/> as it arrives (null:
    /// none); what the receive buffer already holds is offered at once.
    /// </summary>
    public void SetReceiveSink(TcpReceiveSink? sink)
    {
        _sink = sink;
        OfferHeld();
    }

    /// <summary>The receive buffer's in-order bytes to the sink, for as long as it takes them all; the window opens by what it took.</summary>
    private void OfferHeld()
    {
        if (_sink is null)
            return;
        int before = _receive.Free;
        while (_receive.Count > 0)
        {
            Span<byte> run = _receive.PeekFirst();
            int taken = _sink.Offer(run);
            _receive.Discard(taken);
            if (taken < run.Length)
                break;
        }
        WindowOpened(before);
    }

    /// <summary>True when the peer has closed its side (or reset) and every byte it sent has been read.</summary>
    public readonly bool IsReceiveFinished => (_finReceived || _wasReset) && _receive.Count == 0;

    /// <summary>What the application can do now without waiting.</summary>
    public readonly SocketReadiness Readiness
    {
        get
        {
            SocketReadiness readiness = SocketReadiness.None;
            // Readable also when the end is known: a read then reports it instead of waiting.
            if (_receive.Count > 0 || _finReceived || _wasReset)
                readiness |= SocketReadiness.Readable;
            if (_state != TcpState.Closed && CanSend && _send.Free > 0)
                readiness |= SocketReadiness.Writable;
            if (_state == TcpState.Closed || _wasReset)
                readiness |= SocketReadiness.Closed;
            return readiness;
        }
    }

    /// <summary>Closes our side once the queued data is sent (FIN); the connection ends when both sides have closed.</summary>
    public void Close()
    {
        if (_state == TcpState.SynSent)
        {
            Free();
            return;
        }
        _closeRequested = true;
    }

    /// <summary>Ends the connection at once with a reset (RFC 9293 section 3.10.5, ABORT).</summary>
    public void Abort()
    {
        if (_state >= TcpState.SynReceived && _state != TcpState.TimeWait)
            _abortPending = true;
        else
            Free();
    }

    /// <summary>The slot is free for a new connection; the application learns the end from an event (Closed or Reset).</summary>
    public void Free()
    {
        // Only a connection the application holds has an end to report.
        if (_accepted)
            _events |= _wasReset ? TcpEvents.Reset : TcpEvents.Closed;
        _state = TcpState.Closed;
        _abortPending = false;
    }

    /// <summary>The smallest shift that lets the whole buffer be offered in a 16-bit window (RFC 7323 section 2.3), at most 14.</summary>
    public static byte ScaleFor(int capacity)
    {
        byte shift = 0;
        while (shift < 14 && capacity >> shift > 0xFFFF)
            shift++;
        return shift;
    }
}

/// <summary>
/// Sequence ranges [left, right) held beyond a hole. Sixty-four: loss or reordering over a window of a few
/// hundred segments leaves that many holes, and a range we could not track would have to be
/// sent again after the peer thought it delivered (it keeps what we SACKed).
/// </summary>
[InlineArray(Capacity)]
internal struct SackRanges
{
    public const int Capacity = 64;

    private SeqRange _first;
}

/// <summary>The scoreboard's ranges: eight, as a peer reports at most four blocks at a time and they merge.</summary>
[InlineArray(Capacity)]
internal struct PeerSackRanges
{
    public const int Capacity = 8;

    private SeqRange _first;
}

internal struct SeqRange
{
    public SeqNumber Left;
    public SeqNumber Right;
}
