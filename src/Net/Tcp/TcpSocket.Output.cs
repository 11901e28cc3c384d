using Unikernel.Net.Tcp;
using Unikernel.Net.Wire;

namespace Unikernel.Net;

/// <summary>Sending (RFC 9293 section 3.8; RFC 5681, 6298, 6582, 2018, 7323): what goes out, when, and the segment itself.</summary>
internal partial struct TcpSocket
{
    /// <summary>RFC 6298 section 2.1: 1 s before any measurement.</summary>
    private const int InitialRto = 1_000;

    /// <summary>The RTO floor. RFC 6298 section 2.4 says 1 s; Linux uses 200 ms, which its peers expect on a LAN.</summary>
    private const int MinimumRto = 200;

    private const int MaximumRto = 60_000;

    /// <summary>The longest an ACK waits for a second segment (RFC 9293 section 3.8.6.3 allows up to 500 ms; Linux uses 40 ms).</summary>
    private const long DelayedAckTime = 40;

    /// <summary>The most full segments one stretch ACK covers: the sender's window keeps sliding within a long batch.</summary>
    private const int StretchAckSegments = 16;

    /// <summary>A SYN-RECEIVED entry that never completes is dropped after this long.</summary>
    private const long HalfOpenLifetime = 20_000;

    /// <summary>The MSS assumed until the peer's SYN says otherwise.</summary>
    private const ushort DefaultSendMss = 536;

    /// <summary>SYN and SYN-ACK retransmissions before giving up (Linux: tcp_syn_retries, tcp_synack_retries).</summary>
    private const int MaximumSynRetransmissions = 5;

    /// <summary>Data retransmissions before the connection is given up as dead.</summary>
    private const int MaximumRetransmissions = 12;

    /// <summary>The window we offer: free receive buffer, never moving the right edge back (RFC 9293 section 3.8.6.2.2).</summary>
    private readonly uint ReceiveWindow() => OfferedWindow(_receive.Free, _rcvAdvertised, _rcvNxt);

    /// <summary>
    /// The free buffer, or more if that would move back the edge last advertised. An edge never
    /// advertised is sequence number 0, which counts as ahead when RCV.NXT is in the upper half
    /// of the sequence space: a first SYN-ACK then offers the most a SYN can (65,535).
    /// </summary>
    public static uint OfferedWindow(int freeBytes, SeqNumber advertised, SeqNumber rcvNxt)
    {
        uint free = (uint)freeBytes;
        int promised = advertised - rcvNxt;
        return promised > 0 && (uint)promised > free ? (uint)promised : free;
    }

    private readonly uint MaximumSendWindow() => _sndWnd > 65535u ? _sndWnd : 65535u;

    /// <summary>
    /// After the application read: when the window we offered had shrunk below half the buffer
    /// and has now grown by a segment or half the buffer, tell the peer at once (receiver-side
    /// silly window avoidance, RFC 1122 section 4.2.3.3); a wide open window needs no update.
    /// </summary>
    private void WindowOpened(int freeBefore)
    {
        if (_state < TcpState.Established || freeBefore >= _receive.Free)
            return;
        int advertised = _rcvAdvertised - _rcvNxt;
        if (advertised < 0)
            advertised = 0;
        int half = _receive.Capacity / 2;
        int threshold = _sendMss < half ? _sendMss : half;
        if (advertised < half && _receive.Free - advertised >= threshold)
            _ackNow = true;
    }

    /// <summary>RFC 6298 section 2: a sample from the segment being timed, never one that was retransmitted (Karn's rule).</summary>
    private void SampleRtt(SeqNumber ack)
    {
        if (!_rttMeasuring || ack <= _rttSeq)
            return;
        _rttMeasuring = false;
        int sample = (int)(_now - _rttStart);
        if (sample < 1)
            sample = 1;
        if (_srtt == 0)
        {
            _srtt = sample;
            _rttvar = sample / 2;
        }
        else
        {
            int delta = _srtt - sample;
            _rttvar = (3 * _rttvar + (delta < 0 ? -delta : delta)) / 4;
            _srtt = (7 * _srtt + sample) / 8;
        }
        int rto = _srtt + (4 * _rttvar > 1 ? 4 * _rttvar : 1);
        _rto = rto < MinimumRto ? MinimumRto : rto > MaximumRto ? MaximumRto : rto;
    }

    /// <summary>
    /// The congestion window a new connection starts with, once the MSS is known: ten segments
    /// capped at 14,600 bytes as RFC 6928 (and Linux) has it; slow start until a loss.
    /// </summary>
    private void StartCongestionControl()
    {
        uint mss = _sendMss;
        uint tenSegments = 10 * mss;
        uint cap = 2 * mss > 14600u ? 2 * mss : 14600u;
        _cwnd = tenSegments < cap ? tenSegments : cap;
        _ssthresh = uint.MaxValue / 2;
    }

    /// <summary>Slow start and congestion avoidance (RFC 5681 section 3.1), and leaving NewReno recovery (RFC 6582 section 3.2).</summary>
    private void GrowWindow(int acked)
    {
        if (_inRecovery)
        {
            if (_sndUna >= _recover)
            {
                // Full acknowledgment: deflate to ssthresh and leave recovery.
                _inRecovery = false;
                _cwnd = _ssthresh;
                _highRetransmit = _sndUna;
            }
            else
            {
                // Partial acknowledgment: the next hole is lost too; resend it now (step 5).
                _retransmitFirst = true;
                _cwnd = _cwnd > (uint)acked ? _cwnd - (uint)acked + _sendMss : _sendMss;
            }
            return;
        }
        if (_cwnd < _ssthresh)
            _cwnd += (uint)(acked < _sendMss ? acked : _sendMss);
        else
            _cwnd += (uint)(_sendMss * _sendMss / (_cwnd > 0 ? _cwnd : 1)) + 1;
    }

    /// <summary>Three duplicate ACKs: fast retransmit and NewReno recovery (RFC 5681 section 3.2, RFC 6582).</summary>
    private void DuplicateAck()
    {
        if (_inRecovery)
        {
            _cwnd += _sendMss;
            return;
        }
        if (++_duplicateAcks < 3)
            return;
        uint flight = (uint)InFlight;
        _ssthresh = flight / 2 > 2u * _sendMss ? flight / 2 : 2u * _sendMss;
        _cwnd = _ssthresh + 3u * _sendMss;
        _recover = _sndMax;
        _inRecovery = true;
        _rttMeasuring = false;
        // Resend the first hole; new data follows as the inflated window allows.
        _retransmitFirst = true;
        _highRetransmit = _sndUna;
    }

    /// <summary>When this connection next has work: <paramref name="now"/> if a segment is due, else its earliest timer.</summary>
    public readonly long NextDeadline(long now)
    {
        if (_ackNow || _ackAfterBatch || _abortPending || _retransmitFirst || HasSomethingToSend() || (_state == TcpState.SynSent && _sndNxt == _iss))
            return now;
        long next = long.MaxValue;
        if (_retransmitDeadline != 0)
            next = Earlier(next, _retransmitDeadline);
        if (_delayedAckDeadline != 0)
            next = Earlier(next, _delayedAckDeadline);
        if (_persistDeadline != 0)
            next = Earlier(next, _persistDeadline);
        if (_stateDeadline != 0 && (_state == TcpState.TimeWait || _state == TcpState.SynReceived))
            next = Earlier(next, _stateDeadline);
        if (_keepAliveIdle > 0 && _state == TcpState.Established)
            next = Earlier(next, _lastHeard + _keepAliveIdle + _keepAliveProbes * KeepAliveInterval);
        return next;
    }

    private static long Earlier(long a, long b) => a < b ? a : b;

    private readonly bool HasSomethingToSend()
    {
        if (_state == TcpState.SynSent || _state == TcpState.SynReceived || _state == TcpState.TimeWait)
            return false;
        int unsent = _send.Count - SentData();
        uint usable = UsableWindow();
        return (unsent > 0 && usable > 0) || (_closeRequested && !_finSent && unsent == 0);
    }

    /// <summary>Bytes of the send buffer already sent at least once (from SndUna to SndNxt, less the SYN).</summary>
    private readonly int SentData()
    {
        int sent = _sndNxt - _sndUna;
        if (_sndUna == _iss && _state != TcpState.SynSent)
            sent--;
        if (_finSent && _sndNxt == _sndMax)
            sent--;
        return sent < 0 ? 0 : sent > _send.Count ? _send.Count : sent;
    }

    /// <summary>What the peer's window and our congestion window let us send now.</summary>
    private readonly uint UsableWindow()
    {
        uint window = _sndWnd < _cwnd ? _sndWnd : _cwnd;
        uint flight = (uint)(_sndNxt - _sndUna);
        return window > flight ? window - flight : 0;
    }

    /// <summary>
    /// The next segment due, at <paramref name="now"/>: handshake, timers, data, FIN, or a pure
    /// ACK, written into <paramref name="room"/> (room for a whole segment), its data no more
    /// than the peer's MSS or <paramref name="pathMss"/>, what the path MTU leaves; returns its
    /// length, 0 when nothing is due.
    /// </summary>
    public int Dispatch(Span<byte> room, long now, int pathMss)
    {
        _now = now;
        _pathMss = pathMss;
        if (_abortPending)
        {
            int reset = WriteSegment(room, _sndNxt, TcpFlags.Rst | TcpFlags.Ack, 0, 0);
            Free();
            return reset;
        }
        if (_state == TcpState.TimeWait || _state == TcpState.SynReceived)
        {
            if (_stateDeadline != 0 && _now - _stateDeadline >= 0)
            {
                Free();
                return 0;
            }
        }

        // The retransmission timer (RFC 6298 section 5): back off, collapse the window, resend from SndUna.
        if (_retransmitDeadline != 0 && _now - _retransmitDeadline >= 0)
        {
            bool handshake = _state == TcpState.SynSent || _state == TcpState.SynReceived;
            if (++_backoff > (handshake ? MaximumSynRetransmissions : MaximumRetransmissions))
            {
                _wasReset = true;
                Free();
                return 0;
            }
            int doubled = _rto * 2;
            _rto = doubled > MaximumRto ? MaximumRto : doubled;
            _retransmitDeadline = _now + _rto;
            _rttMeasuring = false;
            if (_state == TcpState.SynReceived)
                return WriteSegment(room, _iss, TcpFlags.Syn | TcpFlags.Ack, 0, 0);
            if (_state == TcpState.SynSent)
                _sndNxt = _iss; // the SYN goes again just below
            else
            {
                uint flight = (uint)InFlight;
                _ssthresh = flight / 2 > 2u * _sendMss ? flight / 2 : 2u * _sendMss;
                _cwnd = _sendMss;
                _inRecovery = false;
                _retransmitFirst = false;
                _duplicateAcks = 0;
                _sndNxt = _sndUna;
                if (_finSent && _sndUna != _sndMax)
                    _finSent = false;
            }
        }
        if (_state == TcpState.SynSent)
        {
            if (_sndNxt != _iss)
                return 0;
            _sndNxt = _iss + 1;
            _sndMax = _sndNxt;
            if (_retransmitDeadline == 0)
                _retransmitDeadline = _now + _rto;
            return WriteSegment(room, _iss, TcpFlags.Syn, 0, 0);
        }
        if (_state == TcpState.SynReceived)
            return 0;
        if (_state == TcpState.TimeWait)
            return _ackNow ? WriteAck(room) : 0;

        // Fast retransmit: the segment at SND.UNA again, whatever the window (RFC 5681 section 3.2 step 3).
        // The MSS counts no options (RFC 9293 section 3.7.1): what they take comes off the data.
        int segmentSize = EffectiveMss - OptionsOverhead();
        if (_retransmitFirst)
        {
            _retransmitFirst = false;
            if (NextHole(out SeqNumber hole, out int holeLength))
            {
                // Only bytes already sent: what lies beyond SND.NXT is new data, for the code below.
                int offset = hole - _sndUna;
                int outstanding = SentData() - offset;
                int length = holeLength < segmentSize ? holeLength : segmentSize;
                if (length > outstanding)
                    length = outstanding;
                if (length > 0)
                {
                    _highRetransmit = hole + length;
                    return WriteSegment(room, hole, TcpFlags.Ack, offset, length);
                }
            }
        }

        // New or retransmitted data from SndNxt, as much as the windows allow, a segment at a time.
        int sent = SentData();
        int unsent = _send.Count - sent;
        uint usable = UsableWindow();
        if (unsent > 0 && usable > 0)
        {
            int length = unsent < segmentSize ? unsent : segmentSize;
            if ((uint)length > usable)
                length = (int)usable;
            TcpFlags flags = TcpFlags.Ack | (length == unsent ? TcpFlags.Psh : 0);
            SeqNumber seq = _sndNxt;
            bool last = length == unsent && _closeRequested && !_finSent;
            if (last)
                flags |= TcpFlags.Fin;
            int written = WriteSegment(room, seq, flags, sent, length);
            Advance(seq, length + (last ? 1 : 0), last);
            return written;
        }
        if (unsent > 0 && _sndWnd == 0 && _sndUna == _sndNxt)
            return ProbeZeroWindow(room);

        if (_closeRequested && !_finSent && unsent == 0 && (_state == TcpState.Established || _state == TcpState.CloseWait))
        {
            SeqNumber seq = _sndNxt;
            int written = WriteSegment(room, seq, TcpFlags.Fin | TcpFlags.Ack, 0, 0);
            Advance(seq, 1, fin: true);
            return written;
        }

        int keepAlive = KeepAlive(room);
        if (keepAlive != 0)
            return keepAlive < 0 ? 0 : keepAlive;

        bool delayedAckDue = _delayedAckDeadline != 0 && _now - _delayedAckDeadline >= 0;
        if (_ackNow || _ackAfterBatch || delayedAckDue)
            return WriteAck(room);
        return 0;
    }

    /// <summary>
    /// The next hole to resend in recovery: from the later of SND.UNA and where the last
    /// retransmission ended, up to the next range the peer SACKed. Without SACK news the hole
    /// is the segment at SND.UNA. A hole above every SACKed range is not known to be lost.
    /// </summary>
    private readonly bool NextHole(out SeqNumber hole, out int length)
    {
        hole = _highRetransmit > _sndUna ? _highRetransmit : _sndUna;
        for (int i = 0; i < _peerSackedCount; i++)
        {
            ref readonly SeqRange range = ref _peerSacked[i];
            if (range.Right <= hole)
                continue;
            if (range.Left <= hole)
            {
                hole = range.Right;
                continue;
            }
            length = range.Left - hole;
            return true;
        }
        // No SACKed range above: only the first unacknowledged segment, and only once per partial ACK.
        if (_peerSackedCount == 0 && hole == _sndUna)
        {
            length = _sndMax - _sndUna;
            return length > 0;
        }
        length = 0;
        return false;
    }

    /// <summary>The largest segment, options and data, we send now: the peer's MSS or the path's, whichever is smaller (RFC 8201 section 5.4, RFC 1191 section 6.1).</summary>
    private readonly int EffectiveMss => _pathMss > 0 && _pathMss < _sendMss ? _pathMss : _sendMss;

    /// <summary>
    /// The path MTU to the peer went down under segments in flight (a Packet Too Big or
    /// fragmentation needed, checked against this connection): they were dropped on the way, so
    /// everything from SND.UNA goes again at once at the new size, as RFC 1191 section 6.1 and
    /// RFC 8201 section 5.4 ask. Not a congestion signal (RFC 1191 section 6.4): the windows stay;
    /// no RTT sample comes from a resent segment (Karn).
    /// </summary>
    public void ResendForSmallerPath()
    {
        if (_state < TcpState.Established || _sndNxt == _sndUna)
            return;
        _sndNxt = _sndUna;
        if (_finSent && _sndUna != _sndMax)
            _finSent = false;
        _retransmitFirst = false;
        _inRecovery = false;
        _duplicateAcks = 0;
        _rttMeasuring = false;
    }

    /// <summary>Bytes of options on a data segment: timestamps (10, padded to 12) and SACK blocks (2 + 8 each, padded).</summary>
    private readonly int OptionsOverhead()
    {
        int length = _timestamps ? 12 : 0;
        int held = _outOfOrderCount + (_hasDuplicate ? 1 : 0);
        if (_sackPermitted && held > 0)
        {
            int blocks = held < (_timestamps ? 3 : 4) ? held : (_timestamps ? 3 : 4);
            length += 4 + 8 * blocks;
        }
        return length;
    }

    /// <summary>After sending [seq, seq+length): SndNxt and SndMax move, the timer runs, and one segment is timed.</summary>
    private void Advance(SeqNumber seq, int length, bool fin)
    {
        _sndNxt = seq + length;
        if (fin)
        {
            _finSent = true;
            if (_state == TcpState.Established)
                _state = TcpState.FinWait1;
            else if (_state == TcpState.CloseWait)
                _state = TcpState.LastAck;
        }
        bool fresh = _sndNxt > _sndMax;
        if (fresh)
        {
            if (!_rttMeasuring && _backoff == 0)
            {
                _rttMeasuring = true;
                _rttSeq = seq;
                _rttStart = _now;
            }
            _sndMax = _sndNxt;
        }
        if (_retransmitDeadline == 0)
            _retransmitDeadline = _now + _rto;
    }

    /// <summary>
    /// RFC 9293 section 3.8.6.1: with the window shut and data waiting, a probe on the persist
    /// timer, backed off. As Linux does, the probe repeats the last acknowledged byte's sequence
    /// number (SND.UNA - 1) with no data: the peer must answer it with an ACK carrying its
    /// window, and nothing of ours moves.
    /// </summary>
    private int ProbeZeroWindow(Span<byte> room)
    {
        if (_persistDeadline == 0)
        {
            _persistDeadline = _now + _rto;
            return 0;
        }
        if (_now - _persistDeadline < 0)
            return 0;
        _persistBackoff++;
        long backoff = (long)_rto << (_persistBackoff < 6 ? _persistBackoff : 6);
        _persistDeadline = _now + (backoff > MaximumRto ? MaximumRto : backoff);
        return WriteSegment(room, _sndUna - 1, TcpFlags.Ack, 0, 0);
    }

    /// <summary>Keep-alive probes after 75 s apart, as Linux (tcp_keepalive_intvl), and nine of them (tcp_keepalive_probes).</summary>
    private const long KeepAliveInterval = 75_000;

    private const int KeepAliveProbeLimit = 9;

    /// <summary>
    /// When enabled and the connection has been idle that long, a probe like a zero-window one
    /// (SND.UNA - 1, no data: the peer must answer); after nine unanswered, the connection is
    /// given up. Returns a segment length, 0 when nothing is due, -1 when the connection ended.
    /// </summary>
    private int KeepAlive(Span<byte> room)
    {
        if (_keepAliveIdle <= 0 || _state != TcpState.Established || _sndUna != _sndMax)
            return 0;
        long due = _lastHeard + _keepAliveIdle + _keepAliveProbes * KeepAliveInterval;
        if (_now - due < 0)
            return 0;
        if (_keepAliveProbes >= KeepAliveProbeLimit)
        {
            _wasReset = true;
            Free();
            return -1;
        }
        _keepAliveProbes++;
        return WriteSegment(room, _sndUna - 1, TcpFlags.Ack, 0, 0);
    }

    private int WriteAck(Span<byte> room) =>
        WriteSegment(room, _sndNxt, TcpFlags.Ack, 0, 0);

    /// <summary>An ACK into the reply buffer, now: the answer to data, a FIN, or a segment out of window.</summary>
    private Verdict ReplyAck(Span<byte> reply) => ReplySegment(_sndNxt, TcpFlags.Ack, 0, 0, reply);

    private Verdict ReplySegment(SeqNumber seq, TcpFlags flags, int sendOffset, int length, Span<byte> reply,
        bool resetOnly = false)
    {
        // The interface gives no room when its reply buffer cannot take a whole frame.
        if (reply.IsEmpty)
            return Verdict.Drop(DropReason.ReplyBufferTooSmall);
        if (resetOnly)
        {
            // An unacceptable ACK in SYN-SENT or SYN-RECEIVED: <SEQ=SEG.ACK><CTL=RST>, the connection unchanged.
            int written = WriteSegment(reply, seq, TcpFlags.Rst, 0, 0, reset: true);
            return Verdict.Reply(written);
        }
        return Verdict.Reply(WriteSegment(reply, seq, flags, sendOffset, length));
    }

    /// <summary>
    /// Writes the segment (header, options, and <paramref name="length"/> bytes from the send
    /// buffer at <paramref name="sendOffset"/>, the bytes after SndUna) with its checksum, into
    /// <paramref name="room"/>; returns its length. This is the one place a segment of a
    /// connection is made. A segment carrying an ACK acknowledges everything we hold and clears
    /// the ACK timers.
    /// </summary>
    private int WriteSegment(Span<byte> room, SeqNumber seq, TcpFlags flags, int sendOffset, int length, bool reset = false)
    {
        var repr = new TcpRepr
        {
            SourcePort = _localPort,
            DestinationPort = _remotePort,
            SequenceNumber = seq,
            Flags = flags,
            PayloadLength = length,
        };
        bool syn = (flags & TcpFlags.Syn) != 0;
        if (syn)
        {
            repr.Options.HasMss = true;
            repr.Options.Mss = (ushort)LinkMss;
            bool offering = (flags & TcpFlags.Ack) == 0;
            // On a SYN we offer everything; on a SYN-ACK only what the peer offered (RFC 7323 section 1.3, RFC 2018 section 2).
            if (offering || _scaleAgreed)
            {
                repr.Options.HasWindowScale = true;
                repr.Options.WindowScale = _receiveScale;
            }
            repr.Options.SackPermitted = offering || _sackPermitted;
            if (offering || _timestamps)
            {
                repr.Options.HasTimestamps = true;
                repr.Options.TimestampValue = (uint)_now;
                repr.Options.TimestampEcho = _tsRecent;
            }
        }
        else if (_timestamps && !reset)
        {
            repr.Options.HasTimestamps = true;
            repr.Options.TimestampValue = (uint)_now;
            repr.Options.TimestampEcho = _tsRecent;
        }
        if (!syn && !reset && _hasDuplicate && (flags & TcpFlags.Ack) != 0)
        {
            // The D-SACK block goes first (RFC 2883 section 4), then the ranges we hold.
            repr.Options.AddSackBlock(new SackBlock(_duplicate.Left, _duplicate.Right));
            _hasDuplicate = false;
        }
        if (!syn && !reset && _sackPermitted && _outOfOrderCount > 0 && (flags & TcpFlags.Ack) != 0)
        {
            // As many blocks as the option room takes (AddSackBlock refuses the rest), newest first.
            int blocks = _outOfOrderCount < TcpOptions.MaximumSackBlocks ? _outOfOrderCount : TcpOptions.MaximumSackBlocks;
            for (int i = 0; i < blocks; i++)
                repr.Options.AddSackBlock(new SackBlock(_outOfOrder[i].Left, _outOfOrder[i].Right));
        }
        uint window = reset ? 0 : ReceiveWindow();
        uint scaled = syn ? (window > 65535 ? 65535u : window) : window >> _receiveScale;
        if (scaled > 65535)
            scaled = 65535;
        repr.Window = (ushort)scaled;
        repr.AcknowledgmentNumber = (flags & TcpFlags.Ack) != 0 ? _rcvNxt : new SeqNumber(0);

        var segment = repr.Emit(room);
        if (length > 0)
            _send.ReadAt(sendOffset, segment.Payload);
        TcpRepr.FillChecksum(segment, _localAddress, _remoteAddress);
        if ((flags & TcpFlags.Ack) != 0 && !reset)
        {
            _ackNow = false;
            _ackAfterBatch = false;
            _unackedSegments = 0;
            _delayedAckDeadline = 0;
            _lastAckSent = _rcvNxt;
            // A SYN's window is never scaled (RFC 7323 section 2.2).
            SeqNumber edge = _rcvNxt + (int)(syn ? scaled : scaled << _receiveScale);
            if (edge > _rcvAdvertised || _rcvAdvertised == default)
                _rcvAdvertised = edge;
        }
        return segment.Buffer.Length;
    }
}
