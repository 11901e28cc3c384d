using Unikernel.Net.Tcp;
using Unikernel.Net.Wire;

namespace Unikernel.Net;

public sealed partial class NetworkInterface
{
    /// <summary>RFC 6298 section 2.1: 1 s before any measurement.</summary>
    private const int InitialRto = 1_000;

    /// <summary>The RTO floor. RFC 6298 section 2.4 says 1 s; Linux uses 200 ms, which its peers expect on a LAN.</summary>
    private const int MinimumRto = 200;

    private const int MaximumRto = 60_000;

    /// <summary>The longest an ACK waits for a second segment (RFC 9293 section 3.8.6.3 allows up to 500 ms; Linux uses 40 ms).</summary>
    private const long DelayedAckTime = 40;

    /// <summary>A SYN-RECEIVED entry that never completes is dropped after this long.</summary>
    private const long HalfOpenLifetime = 20_000;

    /// <summary>The MSS assumed until the peer's SYN says otherwise.</summary>
    private const ushort DefaultSendMss = 536;

    /// <summary>SYN and SYN-ACK retransmissions before giving up (Linux: tcp_syn_retries, tcp_synack_retries).</summary>
    private const int MaximumSynRetransmissions = 5;

    /// <summary>Data retransmissions before the connection is given up as dead.</summary>
    private const int MaximumRetransmissions = 12;

    /// <summary>The window we offer: free receive buffer, never moving the right edge back (RFC 9293 section 3.8.6.2.2).</summary>
    private static uint ReceiveWindow(ref TcpConnection c)
    {
        uint free = (uint)c.Receive.Free;
        int promised = c.RcvAdvertised - c.RcvNxt;
        return promised > 0 && (uint)promised > free ? (uint)promised : free;
    }

    private static uint MaximumSendWindow(ref TcpConnection c) => c.SndWnd > 65535u ? c.SndWnd : 65535u;

    /// <summary>
    /// After the application read: when the window we offered had shrunk below half the buffer
    /// and has now grown by a segment or half the buffer, tell the peer at once (receiver-side
    /// silly window avoidance, RFC 1122 section 4.2.3.3); a wide open window needs no update.
    /// </summary>
    private static void WindowOpened(ref TcpConnection c, int freeBefore)
    {
        if (c.State < TcpState.Established || freeBefore >= c.Receive.Free)
            return;
        int advertised = c.RcvAdvertised - c.RcvNxt;
        if (advertised < 0)
            advertised = 0;
        int half = c.Receive.Capacity / 2;
        int threshold = c.SendMss < half ? c.SendMss : half;
        if (advertised < half && c.Receive.Free - advertised >= threshold)
            c.AckNow = true;
    }

    /// <summary>RFC 6298 section 2: a sample from the segment being timed, never one that was retransmitted (Karn's rule).</summary>
    private void SampleRtt(ref TcpConnection c, SeqNumber ack)
    {
        if (!c.RttMeasuring || ack <= c.RttSeq)
            return;
        c.RttMeasuring = false;
        int sample = (int)(_now - c.RttStart);
        if (sample < 1)
            sample = 1;
        if (c.Srtt == 0)
        {
            c.Srtt = sample;
            c.Rttvar = sample / 2;
        }
        else
        {
            int delta = c.Srtt - sample;
            c.Rttvar = (3 * c.Rttvar + (delta < 0 ? -delta : delta)) / 4;
            c.Srtt = (7 * c.Srtt + sample) / 8;
        }
        int rto = c.Srtt + (4 * c.Rttvar > 1 ? 4 * c.Rttvar : 1);
        c.Rto = rto < MinimumRto ? MinimumRto : rto > MaximumRto ? MaximumRto : rto;
    }

    /// <summary>
    /// The congestion window a new connection starts with, once the MSS is known: ten segments
    /// capped at 14,600 bytes as RFC 6928 (and Linux) has it; slow start until a loss.
    /// </summary>
    private static void StartCongestionControl(ref TcpConnection c)
    {
        uint mss = c.SendMss;
        uint tenSegments = 10 * mss;
        uint cap = 2 * mss > 14600u ? 2 * mss : 14600u;
        c.Cwnd = tenSegments < cap ? tenSegments : cap;
        c.Ssthresh = uint.MaxValue / 2;
    }

    /// <summary>Slow start and congestion avoidance (RFC 5681 section 3.1), and leaving NewReno recovery (RFC 6582 section 3.2).</summary>
    private static void GrowWindow(ref TcpConnection c, int acked)
    {
        if (c.InRecovery)
        {
            if (c.SndUna >= c.Recover)
            {
                // Full acknowledgment: deflate to ssthresh and leave recovery.
                c.InRecovery = false;
                c.Cwnd = c.Ssthresh;
                c.HighRetransmit = c.SndUna;
            }
            else
            {
                // Partial acknowledgment: the next hole is lost too; resend it now (step 5).
                c.RetransmitFirst = true;
                c.Cwnd = c.Cwnd > (uint)acked ? c.Cwnd - (uint)acked + c.SendMss : c.SendMss;
            }
            return;
        }
        if (c.Cwnd < c.Ssthresh)
            c.Cwnd += (uint)(acked < c.SendMss ? acked : c.SendMss);
        else
            c.Cwnd += (uint)(c.SendMss * c.SendMss / (c.Cwnd > 0 ? c.Cwnd : 1)) + 1;
    }

    /// <summary>Three duplicate ACKs: fast retransmit and NewReno recovery (RFC 5681 section 3.2, RFC 6582).</summary>
    private static void DuplicateAck(ref TcpConnection c)
    {
        if (c.InRecovery)
        {
            c.Cwnd += c.SendMss;
            return;
        }
        if (++c.DuplicateAcks < 3)
            return;
        uint flight = (uint)c.InFlight;
        c.Ssthresh = flight / 2 > 2u * c.SendMss ? flight / 2 : 2u * c.SendMss;
        c.Cwnd = c.Ssthresh + 3u * c.SendMss;
        c.Recover = c.SndMax;
        c.InRecovery = true;
        c.RttMeasuring = false;
        // Resend the first hole; new data follows as the inflated window allows.
        c.RetransmitFirst = true;
        c.HighRetransmit = c.SndUna;
    }

    /// <summary>The next segment any connection has due, written as a whole frame; 0 when none.</summary>
    private int EmitTcp(Span<byte> frame)
    {
        if (!NetworkFeatures.Tcp || _tcp.Length == 0)
            return 0;
        for (int i = 0; i < _tcp.Length; i++)
        {
            ref TcpConnection c = ref _tcp[i];
            if (c.State == TcpState.Closed)
                continue;
            int length = EmitFor(ref c, frame);
            if (length > 0)
                return length;
        }
        return 0;
    }

    /// <summary>When a TCP timer next runs out.</summary>
    private long TcpDeadline
    {
        get
        {
            long next = long.MaxValue;
            for (int i = 0; i < _tcp.Length; i++)
            {
                ref TcpConnection c = ref _tcp[i];
                if (c.State == TcpState.Closed)
                    continue;
                if (c.AckNow || c.AbortPending || c.RetransmitFirst || HasSomethingToSend(ref c) || (c.State == TcpState.SynSent && c.SndNxt == c.Iss))
                    return _now;
                if (c.RetransmitDeadline != 0)
                    next = Earlier(next, c.RetransmitDeadline);
                if (c.DelayedAckDeadline != 0)
                    next = Earlier(next, c.DelayedAckDeadline);
                if (c.PersistDeadline != 0)
                    next = Earlier(next, c.PersistDeadline);
                if (c.StateDeadline != 0 && (c.State == TcpState.TimeWait || c.State == TcpState.SynReceived))
                    next = Earlier(next, c.StateDeadline);
                if (_keepAliveIdle > 0 && c.State == TcpState.Established)
                    next = Earlier(next, c.LastHeard + _keepAliveIdle + c.KeepAliveProbes * KeepAliveInterval);
            }
            return next;
        }
    }

    private static bool HasSomethingToSend(ref TcpConnection c)
    {
        if (c.State == TcpState.SynSent || c.State == TcpState.SynReceived || c.State == TcpState.TimeWait || c.RemoteMac == MacAddress.Zero)
            return false;
        int unsent = c.Send.Count - SentData(ref c);
        uint usable = UsableWindow(ref c);
        return (unsent > 0 && usable > 0) || (c.CloseRequested && !c.FinSent && unsent == 0);
    }

    /// <summary>Bytes of the send buffer already sent at least once (from SndUna to SndNxt, less the SYN).</summary>
    private static int SentData(ref TcpConnection c)
    {
        int sent = c.SndNxt - c.SndUna;
        if (c.SndUna == c.Iss && c.State != TcpState.SynSent)
            sent--;
        if (c.FinSent && c.SndNxt == c.SndMax)
            sent--;
        return sent < 0 ? 0 : sent > c.Send.Count ? c.Send.Count : sent;
    }

    /// <summary>What the peer's window and our congestion window let us send now.</summary>
    private static uint UsableWindow(ref TcpConnection c)
    {
        uint window = c.SndWnd < c.Cwnd ? c.SndWnd : c.Cwnd;
        uint flight = (uint)(c.SndNxt - c.SndUna);
        return window > flight ? window - flight : 0;
    }

    /// <summary>One segment due on <paramref name="c"/>: handshake, timers, data, FIN, or a pure ACK.</summary>
    private int EmitFor(ref TcpConnection c, Span<byte> frame)
    {
        if (c.AbortPending)
        {
            int reset = WriteSegment(ref c, frame, c.SndNxt, TcpFlags.Rst | TcpFlags.Ack, 0, 0);
            Free(ref c);
            return reset;
        }
        if (c.State == TcpState.TimeWait || c.State == TcpState.SynReceived)
        {
            if (c.StateDeadline != 0 && _now - c.StateDeadline >= 0)
            {
                Free(ref c);
                return 0;
            }
        }
        if (c.RemoteMac == MacAddress.Zero && !ResolvePeer(ref c))
            return 0;

        // The retransmission timer (RFC 6298 section 5): back off, collapse the window, resend from SndUna.
        if (c.RetransmitDeadline != 0 && _now - c.RetransmitDeadline >= 0)
        {
            bool handshake = c.State == TcpState.SynSent || c.State == TcpState.SynReceived;
            if (++c.Backoff > (handshake ? MaximumSynRetransmissions : MaximumRetransmissions))
            {
                c.WasReset = true;
                Free(ref c);
                return 0;
            }
            int doubled = c.Rto * 2;
            c.Rto = doubled > MaximumRto ? MaximumRto : doubled;
            c.RetransmitDeadline = _now + c.Rto;
            c.RttMeasuring = false;
            if (c.State == TcpState.SynReceived)
                return WriteSegment(ref c, frame, c.Iss, TcpFlags.Syn | TcpFlags.Ack, 0, 0);
            if (c.State == TcpState.SynSent)
                c.SndNxt = c.Iss; // the SYN goes again just below
            else
            {
                uint flight = (uint)c.InFlight;
                c.Ssthresh = flight / 2 > 2u * c.SendMss ? flight / 2 : 2u * c.SendMss;
                c.Cwnd = c.SendMss;
                c.InRecovery = false;
                c.RetransmitFirst = false;
                c.DuplicateAcks = 0;
                c.SndNxt = c.SndUna;
                if (c.FinSent && c.SndUna != c.SndMax)
                    c.FinSent = false;
            }
        }
        if (c.State == TcpState.SynSent)
        {
            if (c.SndNxt != c.Iss)
                return 0;
            c.SndNxt = c.Iss + 1;
            c.SndMax = c.SndNxt;
            if (c.RetransmitDeadline == 0)
                c.RetransmitDeadline = _now + c.Rto;
            return WriteSegment(ref c, frame, c.Iss, TcpFlags.Syn, 0, 0);
        }
        if (c.State == TcpState.SynReceived)
            return 0;
        if (c.State == TcpState.TimeWait)
            return c.AckNow ? WriteAck(ref c, frame) : 0;

        // Fast retransmit: the segment at SND.UNA again, whatever the window (RFC 5681 section 3.2 step 3).
        // The MSS counts no options (RFC 9293 section 3.7.1): what they take comes off the data.
        int segmentSize = c.SendMss - OptionsOverhead(ref c);
        if (c.RetransmitFirst)
        {
            c.RetransmitFirst = false;
            if (NextHole(ref c, out SeqNumber hole, out int holeLength))
            {
                // Only bytes already sent: what lies beyond SND.NXT is new data, for the code below.
                int offset = hole - c.SndUna;
                int outstanding = SentData(ref c) - offset;
                int length = holeLength < segmentSize ? holeLength : segmentSize;
                if (length > outstanding)
                    length = outstanding;
                if (length > 0)
                {
                    c.HighRetransmit = hole + length;
                    return WriteSegment(ref c, frame, hole, TcpFlags.Ack, offset, length);
                }
            }
        }

        // New or retransmitted data from SndNxt, as much as the windows allow, a segment at a time.
        int sent = SentData(ref c);
        int unsent = c.Send.Count - sent;
        uint usable = UsableWindow(ref c);
        if (unsent > 0 && usable > 0)
        {
            int length = unsent < segmentSize ? unsent : segmentSize;
            if ((uint)length > usable)
                length = (int)usable;
            TcpFlags flags = TcpFlags.Ack | (length == unsent ? TcpFlags.Psh : 0);
            SeqNumber seq = c.SndNxt;
            bool last = length == unsent && c.CloseRequested && !c.FinSent;
            if (last)
                flags |= TcpFlags.Fin;
            int written = WriteSegment(ref c, frame, seq, flags, sent, length);
            Advance(ref c, seq, length + (last ? 1 : 0), last);
            return written;
        }
        if (unsent > 0 && c.SndWnd == 0 && c.SndUna == c.SndNxt)
            return ProbeZeroWindow(ref c, frame);

        if (c.CloseRequested && !c.FinSent && unsent == 0 && (c.State == TcpState.Established || c.State == TcpState.CloseWait))
        {
            SeqNumber seq = c.SndNxt;
            int written = WriteSegment(ref c, frame, seq, TcpFlags.Fin | TcpFlags.Ack, 0, 0);
            Advance(ref c, seq, 1, fin: true);
            return written;
        }

        int keepAlive = KeepAlive(ref c, frame);
        if (keepAlive != 0)
            return keepAlive < 0 ? 0 : keepAlive;

        bool delayedAckDue = c.DelayedAckDeadline != 0 && _now - c.DelayedAckDeadline >= 0;
        if (c.AckNow || delayedAckDue)
            return WriteAck(ref c, frame);
        return 0;
    }

    /// <summary>
    /// The next hole to resend in recovery: from the later of SND.UNA and where the last
    /// retransmission ended, up to the next range the peer SACKed. Without SACK news the hole
    /// is the segment at SND.UNA. A hole above every SACKed range is not known to be lost.
    /// </summary>
    private static bool NextHole(ref TcpConnection c, out SeqNumber hole, out int length)
    {
        hole = c.HighRetransmit > c.SndUna ? c.HighRetransmit : c.SndUna;
        for (int i = 0; i < c.PeerSackedCount; i++)
        {
            ref SeqRange range = ref c.PeerSacked[i];
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
        if (c.PeerSackedCount == 0 && hole == c.SndUna)
        {
            length = c.SndMax - c.SndUna;
            return length > 0;
        }
        length = 0;
        return false;
    }

    /// <summary>Bytes of options on a data segment: timestamps (10, padded to 12) and SACK blocks (2 + 8 each, padded).</summary>
    private static int OptionsOverhead(ref TcpConnection c)
    {
        int length = c.Timestamps ? 12 : 0;
        int held = c.OutOfOrderCount + (c.HasDuplicate ? 1 : 0);
        if (c.SackPermitted && held > 0)
        {
            int blocks = held < (c.Timestamps ? 3 : 4) ? held : (c.Timestamps ? 3 : 4);
            length += 4 + 8 * blocks;
        }
        return length;
    }

    /// <summary>After sending [seq, seq+length): SndNxt and SndMax move, the timer runs, and one segment is timed.</summary>
    private void Advance(ref TcpConnection c, SeqNumber seq, int length, bool fin)
    {
        c.SndNxt = seq + length;
        if (fin)
        {
            c.FinSent = true;
            if (c.State == TcpState.Established)
                c.State = TcpState.FinWait1;
            else if (c.State == TcpState.CloseWait)
                c.State = TcpState.LastAck;
        }
        bool fresh = c.SndNxt > c.SndMax;
        if (fresh)
        {
            if (!c.RttMeasuring && c.Backoff == 0)
            {
                c.RttMeasuring = true;
                c.RttSeq = seq;
                c.RttStart = _now;
            }
            c.SndMax = c.SndNxt;
        }
        if (c.RetransmitDeadline == 0)
            c.RetransmitDeadline = _now + c.Rto;
    }

    /// <summary>
    /// RFC 9293 section 3.8.6.1: with the window shut and data waiting, a probe on the persist
    /// timer, backed off. As Linux does, the probe repeats the last acknowledged byte's sequence
    /// number (SND.UNA - 1) with no data: the peer must answer it with an ACK carrying its
    /// window, and nothing of ours moves.
    /// </summary>
    private int ProbeZeroWindow(ref TcpConnection c, Span<byte> frame)
    {
        if (c.PersistDeadline == 0)
        {
            c.PersistDeadline = _now + c.Rto;
            return 0;
        }
        if (_now - c.PersistDeadline < 0)
            return 0;
        c.PersistBackoff++;
        long backoff = (long)c.Rto << (c.PersistBackoff < 6 ? c.PersistBackoff : 6);
        c.PersistDeadline = _now + (backoff > MaximumRto ? MaximumRto : backoff);
        return WriteSegment(ref c, frame, c.SndUna - 1, TcpFlags.Ack, 0, 0);
    }

    /// <summary>Keep-alive probes after 75 s apart, as Linux (tcp_keepalive_intvl), and nine of them (tcp_keepalive_probes).</summary>
    private const long KeepAliveInterval = 75_000;

    private const int KeepAliveProbeLimit = 9;

    /// <summary>
    /// When enabled and the connection has been idle that long, a probe like a zero-window one
    /// (SND.UNA - 1, no data: the peer must answer); after nine unanswered, the connection is
    /// given up. Returns a frame length, 0 when nothing is due, -1 when the connection ended.
    /// </summary>
    private int KeepAlive(ref TcpConnection c, Span<byte> frame)
    {
        if (_keepAliveIdle <= 0 || c.State != TcpState.Established || c.SndUna != c.SndMax)
            return 0;
        long due = c.LastHeard + _keepAliveIdle + c.KeepAliveProbes * KeepAliveInterval;
        if (_now - due < 0)
            return 0;
        if (c.KeepAliveProbes >= KeepAliveProbeLimit)
        {
            c.WasReset = true;
            Free(ref c);
            return -1;
        }
        c.KeepAliveProbes++;
        return WriteSegment(ref c, frame, c.SndUna - 1, TcpFlags.Ack, 0, 0);
    }

    /// <summary>Finds the peer's MAC for an active open: the next hop through the neighbour cache (its solicitations go out from Poll).</summary>
    private bool ResolvePeer(ref TcpConnection c)
    {
        Ipv6Address nextHop;
        MacAddress group;
        bool routed = c.IsIpv4 ? TryRouteIpv4(c.RemoteAddress.MappedIpv4, out nextHop, out group) : TryRouteIpv6(c.RemoteAddress, out nextHop, out group);
        if (!routed || nextHop.IsUnspecified)
            return false;
        if (!_neighbors.Resolve(nextHop, _now, out var mac))
        {
            if (_neighbors.StateOf(nextHop) == NeighborState.None)
            {
                // Resolution failed: the connection cannot be made (RFC 9293: "destination unreachable").
                c.WasReset = true;
                Free(ref c);
            }
            return false;
        }
        c.RemoteMac = mac;
        return true;
    }

    private int WriteAck(ref TcpConnection c, Span<byte> frame) =>
        WriteSegment(ref c, frame, c.SndNxt, TcpFlags.Ack, 0, 0);

    /// <summary>An ACK into the reply buffer, now: the answer to data, a FIN, or a segment out of window.</summary>
    private Verdict ReplyAck(ref TcpConnection c, Span<byte> reply) => ReplySegment(ref c, c.SndNxt, TcpFlags.Ack, 0, 0, reply);

    private Verdict ReplySegment(ref TcpConnection c, SeqNumber seq, TcpFlags flags, int sendOffset, int length, Span<byte> reply,
        bool resetOnly = false)
    {
        if (reply.Length < TransmitQueue.SlotSize)
            return Verdict.Drop(DropReason.ReplyBufferTooSmall);
        if (resetOnly)
        {
            // An unacceptable ACK in SYN-SENT or SYN-RECEIVED: <SEQ=SEG.ACK><CTL=RST>, the connection unchanged.
            int written = WriteSegment(ref c, reply, seq, TcpFlags.Rst, 0, 0, reset: true);
            return Verdict.Reply(written);
        }
        return Verdict.Reply(WriteSegment(ref c, reply, seq, flags, sendOffset, length));
    }

    /// <summary>
    /// A reset for a segment no connection takes (RFC 9293 section 3.10.7.1): with an ACK it
    /// takes SEQ = SEG.ACK; without, SEQ = 0 and it acknowledges the whole segment.
    /// </summary>
    private Verdict ReplyReset(MacAddress to, Ipv6Address local, Ipv6Address remote, TcpSegment segment, Span<byte> reply)
    {
        if (reply.Length < TransmitQueue.SlotSize)
            return Verdict.Drop(DropReason.ReplyBufferTooSmall);
        TcpFlags flags = segment.Flags;
        var c = new TcpConnection
        {
            LocalAddress = local,
            RemoteAddress = remote,
            LocalPort = segment.DestinationPort,
            RemotePort = segment.SourcePort,
            RemoteMac = to,
        };
        if ((flags & TcpFlags.Ack) != 0)
            return Verdict.Reply(WriteSegment(ref c, reply, segment.AcknowledgmentNumber, TcpFlags.Rst, 0, 0, reset: true));
        int length = segment.Payload.Length + ((flags & TcpFlags.Syn) != 0 ? 1 : 0) + ((flags & TcpFlags.Fin) != 0 ? 1 : 0);
        c.RcvNxt = segment.SequenceNumber + length;
        return Verdict.Reply(WriteSegment(ref c, reply, new SeqNumber(0), TcpFlags.Rst | TcpFlags.Ack, 0, 0, reset: true));
    }

    /// <summary>
    /// Writes Ethernet, IP and TCP headers, options and <paramref name="length"/> bytes from the
    /// send buffer at <paramref name="sendOffset"/> (bytes after SndUna), with the checksum.
    /// A segment carrying an ACK acknowledges everything we hold and clears the ACK timers.
    /// </summary>
    private int WriteSegment(ref TcpConnection c, Span<byte> frame, SeqNumber seq, TcpFlags flags, int sendOffset, int length, bool reset = false)
    {
        var options = new TcpOptions();
        bool syn = (flags & TcpFlags.Syn) != 0;
        if (syn)
        {
            options.HasMss = true;
            options.Mss = (ushort)(c.IsIpv4 ? 1460 : 1440);
            bool offering = (flags & TcpFlags.Ack) == 0;
            // On a SYN we offer everything; on a SYN-ACK only what the peer offered (RFC 7323 section 1.3, RFC 2018 section 2).
            if (offering || c.ScaleAgreed)
            {
                options.HasWindowScale = true;
                options.WindowScale = c.ReceiveScale;
            }
            options.SackPermitted = offering || c.SackPermitted;
            if (offering || c.Timestamps)
            {
                options.HasTimestamps = true;
                options.TimestampValue = c.SynCookie ? CookieTimestamp(ref c) : (uint)_now;
                options.TimestampEcho = c.TsRecent;
            }
        }
        else if (c.Timestamps && !reset)
        {
            options.HasTimestamps = true;
            options.TimestampValue = (uint)_now;
            options.TimestampEcho = c.TsRecent;
        }
        if (!syn && !reset && c.HasDuplicate && (flags & TcpFlags.Ack) != 0)
        {
            // The D-SACK block goes first (RFC 2883 section 4), then the ranges we hold.
            options.AddSackBlock(new SackBlock(c.Duplicate.Left, c.Duplicate.Right));
            c.HasDuplicate = false;
        }
        if (!syn && !reset && c.SackPermitted && c.OutOfOrderCount > 0 && (flags & TcpFlags.Ack) != 0)
        {
            // As many blocks as the option room takes (AddSackBlock refuses the rest), newest first.
            int blocks = c.OutOfOrderCount < TcpOptions.MaximumSackBlocks ? c.OutOfOrderCount : TcpOptions.MaximumSackBlocks;
            for (int i = 0; i < blocks; i++)
                options.AddSackBlock(new SackBlock(c.OutOfOrder[i].Left, c.OutOfOrder[i].Right));
        }
        int optionsLength = TcpOptions.Length(in options);
        int ipHeader = c.IsIpv4 ? Ipv4Packet.MinimumHeaderLength : Ipv6Packet.HeaderLength;
        int tcpLength = TcpSegment.MinimumHeaderLength + optionsLength + length;

        EthernetFrame.Emit(frame, c.RemoteMac, _mac, c.IsIpv4 ? EtherType.Ipv4 : EtherType.Ipv6);
        Span<byte> ipSpace = frame.Slice(EthernetFrame.HeaderLength);
        Span<byte> tcpSpace = ipSpace.Slice(ipHeader);
        uint window = reset ? 0 : ReceiveWindow(ref c);
        uint scaled = syn ? (window > 65535 ? 65535u : window) : window >> c.ReceiveScale;
        if (scaled > 65535)
            scaled = 65535;
        SeqNumber ack = (flags & TcpFlags.Ack) != 0 ? c.RcvNxt : new SeqNumber(0);
        var segment = TcpSegment.Emit(tcpSpace, c.LocalPort, c.RemotePort, seq, ack, flags, (ushort)scaled, optionsLength, length);
        TcpOptions.Write(segment.Options, in options);
        if (length > 0)
            c.Send.ReadAt(_tcpSendPool, sendOffset, segment.Payload);
        if (c.IsIpv4)
        {
            Ipv4Packet.Emit(ipSpace, c.LocalAddress.MappedIpv4, c.RemoteAddress.MappedIpv4, IpProtocol.Tcp, tcpLength, DefaultHopLimit);
            segment.FillChecksum(c.LocalAddress.MappedIpv4, c.RemoteAddress.MappedIpv4);
        }
        else
        {
            Ipv6Packet.Emit(ipSpace, c.LocalAddress, c.RemoteAddress, IpProtocol.Tcp, tcpLength, DefaultHopLimit);
            segment.FillChecksum(c.LocalAddress, c.RemoteAddress);
        }
        if ((flags & TcpFlags.Ack) != 0 && !reset)
        {
            c.AckNow = false;
            c.UnackedSegments = 0;
            c.DelayedAckDeadline = 0;
            c.LastAckSent = c.RcvNxt;
            // A SYN's window is never scaled (RFC 7323 section 2.2).
            SeqNumber edge = c.RcvNxt + (int)(syn ? scaled : scaled << c.ReceiveScale);
            if (edge > c.RcvAdvertised || c.RcvAdvertised == default)
                c.RcvAdvertised = edge;
        }
        return Pad(frame, EthernetFrame.HeaderLength + ipHeader + tcpLength);
    }
}
