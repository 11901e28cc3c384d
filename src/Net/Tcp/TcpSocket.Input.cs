using Unikernel.Net.Tcp;
using Unikernel.Net.Wire;

namespace Unikernel.Net;

/// <summary>Segment arrival (RFC 9293 section 3.10.7): what a parsed segment does to the connection.</summary>
internal partial struct TcpSocket
{
    /// <summary>
    /// A segment for this connection, at <paramref name="now"/>: an answer due at once (ACK,
    /// challenge ACK, RST, SYN-ACK again) is written into <paramref name="reply"/>, room for a
    /// whole segment (empty when the interface has none), and its length is the verdict's.
    /// <paramref name="heard"/> says the segment was acceptable: the peer hears us.
    /// </summary>
    public Verdict Process(in TcpRepr segment, Span<byte> reply, long now, out bool heard)
    {
        _now = now;
        if (_state == TcpState.SynSent)
            return ProcessSynSent(in segment, reply, out heard);
        return ProcessSynchronized(in segment, reply, out heard);
    }

    /// <summary>
    /// LISTEN (RFC 9293 section 3.10.7.2): the SYN that opened this connection, in SYN-RECEIVED;
    /// the SYN-ACK goes into <paramref name="reply"/>.
    /// </summary>
    public Verdict AcceptSyn(in TcpRepr segment, Span<byte> reply)
    {
        _irs = segment.SequenceNumber;
        _rcvNxt = segment.SequenceNumber + 1;
        AcceptSynOptions(in segment.Options);
        _sndWnd = segment.Window;
        _sndWl1 = segment.SequenceNumber;
        _sndUna = _iss;
        _sndNxt = _iss + 1;
        _sndMax = _sndNxt;
        _retransmitDeadline = _now + _rto;
        // A half-open entry that never completes is given up, as Linux does after its SYN-ACK retries.
        _stateDeadline = _now + HalfOpenLifetime;
        return ReplySegment(_iss, TcpFlags.Syn | TcpFlags.Ack, 0, 0, reply);
    }

    /// <summary>
    /// The handshake a SYN cookie proved (RFC 4987 section 3.6), in SYN-RECEIVED: the peer's
    /// options as the cookie's timestamp carried them (<see cref="TcpSocketSet"/>), the MSS as
    /// its index did.
    /// </summary>
    public void OpenFromCookie(in TcpRepr segment, SeqNumber irs, ushort sendMss)
    {
        _irs = irs;
        _rcvNxt = irs + 1;
        _sendMss = sendMss;
        if (segment.Options.HasTimestamps)
        {
            uint bits = segment.Options.TimestampEcho & 31;
            _timestamps = true;
            _tsRecent = segment.Options.TimestampValue;
            _scaleAgreed = (bits & 15) <= 14;
            _sendScale = _scaleAgreed ? (byte)(bits & 15) : (byte)0;
            _sackPermitted = (bits & 16) != 0;
        }
        if (!_scaleAgreed)
            _receiveScale = 0;
        _sndUna = _iss;
        _sndNxt = _iss + 1;
        _sndMax = _sndNxt;
        _sndWl1 = irs;
        // The window our SYN-ACK offered (never scaled): it must not shrink.
        _rcvAdvertised = _rcvNxt + (_receive.Free < 65535 ? _receive.Free : 65535);
        _stateDeadline = _now + HalfOpenLifetime;
    }

    /// <summary>SYN-SENT (RFC 9293 section 3.10.7.3).</summary>
    private Verdict ProcessSynSent(in TcpRepr segment, Span<byte> reply, out bool heard)
    {
        heard = false;
        TcpFlags flags = segment.Flags;
        bool hasAck = (flags & TcpFlags.Ack) != 0;
        SeqNumber ack = segment.AcknowledgmentNumber;
        if (hasAck && (ack <= _iss || ack > _sndNxt))
        {
            if ((flags & TcpFlags.Rst) != 0)
                return Verdict.Drop(DropReason.InvalidSource);
            return ReplySegment(ack, TcpFlags.Rst, 0, 0, reply, resetOnly: true);
        }
        if ((flags & TcpFlags.Rst) != 0)
        {
            if (!hasAck)
                return Verdict.Drop(DropReason.InvalidSource);
            Reset();
            return Verdict.Absorbed;
        }
        if ((flags & TcpFlags.Syn) == 0)
            return Verdict.Drop(DropReason.Unsupported);

        heard = true;
        _irs = segment.SequenceNumber;
        _rcvNxt = segment.SequenceNumber + 1;
        AcceptSynOptions(in segment.Options);
        _sndWnd = segment.Window;
        _sndWl1 = segment.SequenceNumber;
        _sndWl2 = ack;
        if (hasAck)
        {
            _sndUna = ack;
            SampleRtt(ack);
            _state = TcpState.Established;
            _events |= TcpEvents.Connected;
            StartCongestionControl();
            _retransmitDeadline = 0;
            _backoff = 0;
            return ReplyAck(reply);
        }
        // Simultaneous open (RFC 9293 section 3.5, figure 8): SYN-ACK with our original ISS.
        _state = TcpState.SynReceived;
        _stateDeadline = _now + HalfOpenLifetime;
        return ReplySegment(_iss, TcpFlags.Syn | TcpFlags.Ack, 0, 0, reply);
    }

    /// <summary>The synchronised states: RFC 9293 section 3.10.7.4, first check to eighth.</summary>
    private Verdict ProcessSynchronized(in TcpRepr segment, Span<byte> reply, out bool heard)
    {
        heard = false;
        TcpFlags flags = segment.Flags;
        SeqNumber seq = segment.SequenceNumber;
        int length = segment.PayloadLength;
        int segmentLength = length + ((flags & TcpFlags.Syn) != 0 ? 1 : 0) + ((flags & TcpFlags.Fin) != 0 ? 1 : 0);
        uint window = ReceiveWindow();

        // Our SYN-ACK was lost and the peer sends its SYN again: answer it again (as Linux does),
        // rather than with the bare ACK an unacceptable segment gets.
        if (_state == TcpState.SynReceived && (flags & (TcpFlags.Syn | TcpFlags.Ack)) == TcpFlags.Syn && seq == _irs)
            return ReplySegment(_iss, TcpFlags.Syn | TcpFlags.Ack, 0, 0, reply);

        // PAWS (RFC 7323 section 5.3): an old timestamp means an old duplicate.
        if (_timestamps && segment.Options.HasTimestamps && (flags & TcpFlags.Rst) == 0
            && (int)(segment.Options.TimestampValue - _tsRecent) < 0)
            return ReplyAck(reply);

        // First: is the sequence number acceptable (the four cases of section 3.10.7.4)?
        bool acceptable = segmentLength == 0
            ? (window == 0 ? seq == _rcvNxt : seq >= _rcvNxt && seq < _rcvNxt + (int)window)
            : window != 0 && ((seq >= _rcvNxt && seq < _rcvNxt + (int)window)
                || (seq + (segmentLength - 1) >= _rcvNxt && seq + (segmentLength - 1) < _rcvNxt + (int)window));
        if (!acceptable)
        {
            if ((flags & TcpFlags.Rst) != 0)
                return Verdict.Drop(DropReason.NotOurAddress);
            if (length > 0 && seq + length <= _rcvNxt)
                NoteDuplicate(seq, seq + length);
            return ReplyAck(reply);
        }

        _lastHeard = _now;
        _keepAliveProbes = 0;
        heard = true;

        // Second: RST (RFC 5961 section 3.2): only an exact match resets; in window, a challenge ACK.
        if ((flags & TcpFlags.Rst) != 0)
        {
            if (seq != _rcvNxt)
                return ReplyAck(reply);
            Reset();
            return Verdict.Absorbed;
        }

        // Fourth: a SYN in a synchronised state gets a challenge ACK (RFC 5961 section 4.2).
        if ((flags & TcpFlags.Syn) != 0)
        {
            return ReplyAck(reply);
        }

        // Fifth: the ACK field.
        if ((flags & TcpFlags.Ack) == 0)
            return Verdict.Drop(DropReason.Unsupported);
        SeqNumber ack = segment.AcknowledgmentNumber;
        if (_state == TcpState.SynReceived)
        {
            if (ack <= _sndUna || ack > _sndNxt)
                return ReplySegment(ack, TcpFlags.Rst, 0, 0, reply, resetOnly: true);
            _state = TcpState.Established;
            _events |= TcpEvents.Connected;
            StartCongestionControl();
            _sndWnd = (uint)segment.Window << _sendScale;
            _sndWl1 = seq;
            _sndWl2 = ack;
        }
        // RFC 5961 section 5.2: an ACK for data never sent, or too old, is answered and dropped.
        if (ack > _sndMax)
            return ReplyAck(reply);
        if (ack < _sndUna - (int)MaximumSendWindow())
            return ReplyAck(reply);
        ProcessAck(in segment, ack, length);
        if (_state == TcpState.Closed)
            return Verdict.Absorbed;

        // Timestamps: remember the peer's for our echo when the segment starts at or before what
        // we last acknowledged (RFC 7323 section 4.3 and 5.3, R3), so a delayed ACK echoes the
        // earliest segment it covers.
        if (_timestamps && segment.Options.HasTimestamps && seq <= _lastAckSent && (int)(segment.Options.TimestampValue - _tsRecent) >= 0)
            _tsRecent = segment.Options.TimestampValue;

        // Seventh: the text.
        if (length > 0 && (_state == TcpState.Established || _state == TcpState.FinWait1 || _state == TcpState.FinWait2))
            AcceptData(seq, segment.Payload);

        // Eighth: FIN, once everything before it has arrived.
        if ((flags & TcpFlags.Fin) != 0 && seq + length == _rcvNxt && !_finReceived)
        {
            _rcvNxt = _rcvNxt + 1;
            _finReceived = true;
            _events |= TcpEvents.PeerClosed;
            _ackNow = true;
            switch (_state)
            {
                case TcpState.SynReceived:
                case TcpState.Established:
                    _state = TcpState.CloseWait;
                    break;
                case TcpState.FinWait1:
                    _state = FinAcked() ? TcpState.TimeWait : TcpState.Closing;
                    break;
                case TcpState.FinWait2:
                    _state = TcpState.TimeWait;
                    break;
            }
            if (_state == TcpState.TimeWait)
                EnterTimeWait();
        }
        else if (_state == TcpState.TimeWait && (flags & TcpFlags.Fin) != 0)
        {
            // A retransmitted FIN: acknowledge it and restart the 2 MSL wait.
            _ackNow = true;
            EnterTimeWait();
        }

        if (_ackNow)
            return ReplyAck(reply);
        return Verdict.Absorbed;
    }

    /// <summary>The ACK field of an acceptable segment (RFC 9293 section 3.10.7.4, fifth; RFC 5681; RFC 6582; RFC 6298).</summary>
    private void ProcessAck(in TcpRepr segment, SeqNumber ack, int length)
    {
        int acked = ack - _sndUna;
        uint window = (uint)segment.Window << _sendScale;
        if (acked > 0)
        {
            int dataAcked = acked;
            // The SYN and FIN take sequence space but no room in the send buffer.
            if (_sndUna == _iss)
                dataAcked--;
            if (_finSent && ack == _sndMax)
                dataAcked--;
            if (dataAcked > _send.Count)
                dataAcked = _send.Count;
            if (dataAcked > 0)
            {
                _send.Discard(dataAcked);
                _events |= TcpEvents.Writable;
            }
            _sndUna = ack;
            if (_sndNxt < _sndUna)
                _sndNxt = _sndUna;
            SampleRtt(ack);
            _backoff = 0;
            _retransmitDeadline = _sndUna == _sndMax ? 0 : _now + _rto;
            PruneScoreboard();
            RecordSacks(in segment.Options);
            GrowWindow(acked);
            _duplicateAcks = 0;
        }
        else if (acked == 0 && length == 0 && window == _sndWnd && _sndUna != _sndMax && (segment.Flags & TcpFlags.Fin) == 0)
        {
            bool news = RecordSacks(in segment.Options);
            DuplicateAck();
            // In recovery, each duplicate bringing SACK news lets the next hole go (RFC 6675 section 5, simplified).
            if (_inRecovery && news)
                _retransmitFirst = true;
        }

        // Send window update (section 3.10.7.4): only from a newer segment, so old ones cannot shrink it.
        SeqNumber seq = segment.SequenceNumber;
        if (_sndWl1 < seq || (_sndWl1 == seq && _sndWl2 <= ack))
        {
            _sndWnd = window;
            _sndWl1 = seq;
            _sndWl2 = ack;
            if (window > 0)
            {
                _persistDeadline = 0;
                _persistBackoff = 0;
            }
        }

        if (!FinAcked())
            return;
        switch (_state)
        {
            case TcpState.FinWait1:
                _state = TcpState.FinWait2;
                break;
            case TcpState.Closing:
                _state = TcpState.TimeWait;
                EnterTimeWait();
                break;
            case TcpState.LastAck:
                Free();
                break;
        }
    }

    /// <summary>Merges the peer's SACK blocks above SND.UNA into the scoreboard; true if it learned something.</summary>
    private bool RecordSacks(in TcpOptions options)
    {
        if (!_sackPermitted)
            return false;
        bool news = false;
        for (int b = 0; b < options.SackBlockCount; b++)
        {
            var block = options.GetSackBlock(b);
            SeqNumber left = block.Left;
            SeqNumber right = block.Right;
            // Blocks must lie inside what we sent and above what is acknowledged (RFC 2018 section 4, and D-SACKs are not ours to use).
            if (left >= right || left <= _sndUna || right > _sndMax)
                continue;
            bool covered = false;
            for (int i = 0; i < _peerSackedCount; i++)
            {
                ref SeqRange range = ref _peerSacked[i];
                if (range.Left <= left && right <= range.Right)
                {
                    covered = true;
                    break;
                }
            }
            if (covered)
                continue;
            news = true;
            // Merge with what it touches, then insert keeping the ranges sorted by left edge.
            for (int i = 0; i < _peerSackedCount; i++)
            {
                if (_peerSacked[i].Right < left || _peerSacked[i].Left > right)
                    continue;
                left = SeqNumber.Min(left, _peerSacked[i].Left);
                right = SeqNumber.Max(right, _peerSacked[i].Right);
                for (int j = i; j < _peerSackedCount - 1; j++)
                    _peerSacked[j] = _peerSacked[j + 1];
                _peerSackedCount--;
                i = -1;
            }
            if (_peerSackedCount == PeerSackRanges.Capacity)
                _peerSackedCount--; // the highest range goes: the holes below matter first
            int at = _peerSackedCount;
            while (at > 0 && _peerSacked[at - 1].Left > left)
            {
                _peerSacked[at] = _peerSacked[at - 1];
                at--;
            }
            _peerSacked[at].Left = left;
            _peerSacked[at].Right = right;
            _peerSackedCount++;
        }
        return news;
    }

    /// <summary>Forgets scoreboard ranges now acknowledged.</summary>
    private void PruneScoreboard()
    {
        int kept = 0;
        for (int i = 0; i < _peerSackedCount; i++)
        {
            if (_peerSacked[i].Right <= _sndUna)
                continue;
            _peerSacked[kept] = _peerSacked[i];
            if (_peerSacked[kept].Left < _sndUna)
                _peerSacked[kept].Left = _sndUna;
            kept++;
        }
        _peerSackedCount = (byte)kept;
    }

    private readonly bool FinAcked() => _finSent && _sndUna == _sndMax;

    /// <summary>
    /// In-order data goes to the sink, if one is attached and nothing is held before it, and what
    /// it leaves to the end of the receive buffer, joined by any out-of-order ranges it reaches; data ahead of a hole is placed where it belongs and remembered (our SACK blocks).
    /// </summary>
    private void AcceptData(SeqNumber seq, Span<byte> payload)
    {
        // Trim what we already have, and what lies beyond the buffer.
        int skip = _rcvNxt - seq;
        if (skip > 0)
        {
            NoteDuplicate(seq, skip >= payload.Length ? seq + payload.Length : _rcvNxt);
            if (skip >= payload.Length)
            {
                _ackNow = true;
                return;
            }
            payload = payload.Slice(skip);
            seq = _rcvNxt;
        }
        int offset = seq - _rcvNxt;
        int room = _receive.Free - offset;
        if (room <= 0)
        {
            _ackNow = true;
            return;
        }
        if (payload.Length > room)
            payload = payload.Slice(0, room);

        if (offset == 0)
        {
            // Straight to the sink when nothing waits before it (one copy, frame to destination);
            // what it leaves goes to the buffer. Taken bytes are received and read at once.
            int taken = _sink is not null && _receive.Count == 0 ? _sink.Offer(payload) : 0;
            _receive.Pass(taken);
            _receive.WriteAt(_receive.Count, payload.Slice(taken));
            _receive.Count += payload.Length - taken;
            _rcvNxt = _rcvNxt + payload.Length;
            bool filledHole = MergeOutOfOrder();
            // The run the hole held back, now in order.
            if (filledHole)
                OfferHeld();
            if (_receive.Count > 0)
                _events |= TcpEvents.Readable;
            // A segment that fills a hole is acknowledged at once (RFC 5681 section 4.2); every
            // second one too (RFC 9293 section 3.8.6.3) while the window is less than half
            // open; a single one within the delay. With the window wide open, the second and
            // later wait for the end of the receive batch, so one ACK covers the burst (a
            // stretch ACK, as Linux's GRO makes), but never more than StretchAckSegments.
            _unackedSegments++;
            if (filledHole || _outOfOrderCount > 0 || _unackedSegments >= StretchAckSegments)
                _ackNow = true;
            else if (_unackedSegments >= 2)
            {
                if (_receive.Free >= _receive.Capacity / 2)
                    _ackAfterBatch = true;
                else
                    _ackNow = true;
            }
            else if (_delayedAckDeadline == 0)
                _delayedAckDeadline = _now + DelayedAckTime;
            return;
        }
        // Out of order: kept only if a range can hold it (else it comes again); either way a
        // duplicate ACK at once, with SACK blocks, drives the sender's fast retransmit.
        if (AddOutOfOrder(seq, seq + payload.Length))
            _receive.WriteAt(_receive.Count + offset, payload);
        _ackNow = true;
    }

    /// <summary>Remembers [left, right) as received twice, for a D-SACK block (RFC 2883 section 4) if SACK was agreed.</summary>
    private void NoteDuplicate(SeqNumber left, SeqNumber right)
    {
        if (!_sackPermitted || left >= right)
            return;
        _duplicate.Left = left;
        _duplicate.Right = right;
        _hasDuplicate = true;
    }

    /// <summary>Joins the out-of-order ranges that now start at or before RcvNxt; true if any did.</summary>
    private bool MergeOutOfOrder()
    {
        bool merged = false;
        for (bool again = true; again;)
        {
            again = false;
            for (int i = 0; i < _outOfOrderCount; i++)
            {
                if (_outOfOrder[i].Left > _rcvNxt)
                    continue;
                int extra = _outOfOrder[i].Right - _rcvNxt;
                if (extra > 0)
                {
                    _receive.Count += extra;
                    _rcvNxt = _outOfOrder[i].Right;
                }
                RemoveRange(i);
                merged = again = true;
                break;
            }
        }
        return merged;
    }

    /// <summary>
    /// Records [left, right) as held, merged with the ranges it touches, and first in the list
    /// (the newest, as RFC 2018 section 4 wants for the first SACK block). False when it touches
    /// none and every range is taken: then the data is not kept.
    /// </summary>
    private bool AddOutOfOrder(SeqNumber left, SeqNumber right)
    {
        bool merged = false;
        for (int i = 0; i < _outOfOrderCount; i++)
        {
            if (_outOfOrder[i].Right < left || _outOfOrder[i].Left > right)
                continue;
            if (_outOfOrder[i].Left <= left && right <= _outOfOrder[i].Right)
                NoteDuplicate(left, right);
            if (_outOfOrder[i].Left < left)
                left = _outOfOrder[i].Left;
            if (_outOfOrder[i].Right > right)
                right = _outOfOrder[i].Right;
            RemoveRange(i);
            merged = true;
            i = -1;
        }
        if (!merged && _outOfOrderCount == SackRanges.Capacity)
            return false;
        for (int i = _outOfOrderCount; i > 0; i--)
            _outOfOrder[i] = _outOfOrder[i - 1];
        _outOfOrder[0].Left = left;
        _outOfOrder[0].Right = right;
        _outOfOrderCount++;
        return true;
    }

    private void RemoveRange(int index)
    {
        for (int i = index; i < _outOfOrderCount - 1; i++)
            _outOfOrder[i] = _outOfOrder[i + 1];
        _outOfOrderCount--;
    }

    /// <summary>The options of a SYN we accept (RFC 9293 section 3.7.1, RFC 7323, RFC 2018): each side uses what both offered.</summary>
    private void AcceptSynOptions(in TcpOptions options)
    {
        // Without an MSS option the peer takes 536 (IPv4) or 1220 (IPv6) bytes (RFC 9293 section 3.7.1).
        int defaultMss = IsIpv4 ? 536 : 1220;
        int ceiling = LinkMss;
        int mss = options.HasMss ? options.Mss : defaultMss;
        _sendMss = (ushort)(mss < ceiling ? (mss < 64 ? 64 : mss) : ceiling);
        // Scaling only when both sides offered it (RFC 7323 section 2.2).
        _scaleAgreed = options.HasWindowScale;
        if (options.HasWindowScale)
            _sendScale = options.WindowScale;
        else
            _receiveScale = 0;
        _sackPermitted = options.SackPermitted;
        _timestamps = options.HasTimestamps;
        if (options.HasTimestamps)
            _tsRecent = options.TimestampValue;
    }

    /// <summary>The peer reset the connection: it is over; the application learns it from <see cref="TcpSocketSet.WasReset"/>.</summary>
    private void Reset()
    {
        _wasReset = true;
        _events |= TcpEvents.Reset;
        _state = TcpState.Closed;
    }

    private void EnterTimeWait()
    {
        _stateDeadline = _now + 2 * MaximumSegmentLifetime;
        _retransmitDeadline = 0;
    }
}
