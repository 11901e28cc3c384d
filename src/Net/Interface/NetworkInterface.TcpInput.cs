using Unikernel.Net.Tcp;
using Unikernel.Net.Wire;

namespace Unikernel.Net;

public sealed partial class NetworkInterface
{
    /// <summary>
    /// A TCP segment for one of our addresses (RFC 9293 section 3.10.7, SEGMENT ARRIVES): to its
    /// connection, to a listener as a new one, or answered with a reset. An answer that is due
    /// at once (SYN-ACK, ACK, RST, challenge ACK) goes into <paramref name="reply"/>.
    /// </summary>
    private Verdict ProcessTcp(EthernetFrame ethernet, Ipv6Address local, Ipv6Address remote, Span<byte> segmentBytes, Span<byte> reply)
    {
        if (!NetworkFeatures.Tcp || _tcp.Length == 0)
            return Verdict.Drop(DropReason.Unsupported);
        if (!TcpSegment.TryParse(segmentBytes, out var segment, out var error))
            return Verdict.FromWireError(error);
        bool checksumOk = remote.IsIpv4Mapped
            ? segment.VerifyChecksum(remote.MappedIpv4, local.MappedIpv4)
            : segment.VerifyChecksum(remote, local);
        if (!checksumOk)
            return Verdict.Drop(DropReason.BadChecksum);
        if (!TcpOptions.TryParse(segment.Options, out var options, out error))
            return Verdict.FromWireError(error);
        // RFC 9293 section 3.9.1: never to or from a group, nor from port 0.
        if (remote.IsUnspecified || segment.SourcePort == 0 || segment.DestinationPort == 0)
            return Verdict.Drop(DropReason.InvalidSource);

        int slot = FindConnection(local, segment.DestinationPort, remote, segment.SourcePort);
        if (slot < 0)
            return ProcessTcpWithoutConnection(ethernet, local, remote, segment, options, reply);
        ref TcpConnection c = ref _tcp[slot];
        // The peer's MAC is learned once, from the segment that made the connection (or from the
        // neighbour cache for an active open): the Ethernet header has no checksum of ours.
        if (c.RemoteMac == MacAddress.Zero)
            c.RemoteMac = ethernet.Source;
        if (c.State == TcpState.SynSent)
            return ProcessSynSent(ref c, segment, options, reply);
        return ProcessSynchronized(ref c, segment, options, reply);
    }

    private int FindConnection(Ipv6Address local, ushort localPort, Ipv6Address remote, ushort remotePort)
    {
        for (int i = 0; i < _tcp.Length; i++)
        {
            ref TcpConnection c = ref _tcp[i];
            if (c.State != TcpState.Closed && c.LocalPort == localPort && c.RemotePort == remotePort
                && c.RemoteAddress == remote && c.LocalAddress == local)
                return i;
        }
        return -1;
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

    /// <summary>CLOSED or LISTEN (RFC 9293 section 3.10.7.1 and 3.10.7.2): a SYN to a listener opens a connection; the rest gets a reset.</summary>
    private Verdict ProcessTcpWithoutConnection(EthernetFrame ethernet, Ipv6Address local, Ipv6Address remote, TcpSegment segment,
        in TcpOptions options, Span<byte> reply)
    {
        TcpFlags flags = segment.Flags;
        if ((flags & TcpFlags.Rst) != 0)
            return Verdict.Drop(DropReason.ClosedPort);
        bool listening = IsListening(segment.DestinationPort);
        if (listening && (flags & (TcpFlags.Syn | TcpFlags.Ack)) == TcpFlags.Ack)
        {
            // The ACK that completes a handshake we answered with a SYN cookie.
            int opened = OpenFromCookie(ethernet.Source, local, remote, segment, options);
            if (opened >= 0)
                return ProcessSynchronized(ref _tcp[opened], segment, options, reply);
            if (opened == CookieWithoutRoom)
                return Verdict.Drop(DropReason.QueueFull); // the peer sends it again; a slot may be free then
        }
        if (!listening || (flags & TcpFlags.Ack) != 0 || (flags & TcpFlags.Syn) == 0)
            return ReplyReset(ethernet.Source, local, remote, segment, reply);

        // A full table keeps its half-open entries: the SYN is answered with a cookie and no entry
        // is made, so a flood cannot push out a real client's entry before its ACK arrives.
        int slot = FreeConnectionSlot(evictHalfOpen: false);
        if (slot < 0)
            return ReplySynCookie(ethernet.Source, local, remote, segment, options, reply);
        ref TcpConnection c = ref OpenSlot(slot, local, segment.DestinationPort, remote, segment.SourcePort, TcpState.SynReceived);
        c.RemoteMac = ethernet.Source;
        c.Irs = segment.SequenceNumber;
        c.RcvNxt = segment.SequenceNumber + 1;
        AcceptSynOptions(ref c, options);
        c.SndWnd = segment.Window;
        c.SndWl1 = segment.SequenceNumber;
        c.SndUna = c.Iss;
        c.SndNxt = c.Iss + 1;
        c.SndMax = c.SndNxt;
        c.RetransmitDeadline = _now + c.Rto;
        // A half-open entry that never completes is given up, as Linux does after its SYN-ACK retries.
        c.StateDeadline = _now + HalfOpenLifetime;
        return ReplySegment(ref c, c.Iss, TcpFlags.Syn | TcpFlags.Ack, 0, 0, reply);
    }

    /// <summary><see cref="OpenFromCookie"/>: the cookie is good but every slot holds an established connection.</summary>
    private const int CookieWithoutRoom = -2;

    /// <summary>
    /// A SYN-ACK whose ISS is a SYN cookie (RFC 4987 section 3.6), made without an entry. The
    /// peer's window scale and SACK-permitted ride in the low bits of our timestamp (see
    /// <see cref="CookieTimestamp"/>), so without timestamps neither is agreed.
    /// </summary>
    private Verdict ReplySynCookie(MacAddress to, Ipv6Address local, Ipv6Address remote, TcpSegment segment, in TcpOptions options,
        Span<byte> reply)
    {
        var c = new TcpConnection
        {
            LocalAddress = local,
            RemoteAddress = remote,
            LocalPort = segment.DestinationPort,
            RemotePort = segment.SourcePort,
            RemoteMac = to,
            SynCookie = true,
            // Only its size matters: the SYN-ACK offers the window a connection would have.
            Receive = new ByteRing(0, _tcp[0].Receive.Capacity),
        };
        c.ReceiveScale = ScaleFor(c.Receive.Capacity);
        AcceptSynOptions(ref c, options);
        if (!c.Timestamps)
        {
            c.ScaleAgreed = false;
            c.ReceiveScale = 0;
            c.SackPermitted = false;
        }
        c.RcvNxt = segment.SequenceNumber + 1;
        int mssIndex = SynCookies.MssIndex(c.SendMss);
        SeqNumber iss = _cookies.Make(local, segment.DestinationPort, remote, segment.SourcePort, segment.SequenceNumber, _now, mssIndex);
        SynCookiesSent++;
        return ReplySegment(ref c, iss, TcpFlags.Syn | TcpFlags.Ack, 0, 0, reply);
    }

    /// <summary>
    /// The TSval of a cookie SYN-ACK: the peer's window scale (15 for none) in bits 0 to 3 and
    /// SACK-permitted in bit 4, above them the clock, set back a step so that it is below every
    /// later TSval of ours (RFC 7323 section 5.4: they must not go backwards).
    /// </summary>
    private uint CookieTimestamp(ref TcpConnection c)
    {
        uint bits = (c.ScaleAgreed ? c.SendScale : 15u) | (c.SackPermitted ? 16u : 0u);
        long clock = _now >= 32 ? ((_now >> 5) - 1) << 5 : 0;
        return (uint)clock | bits;
    }

    /// <summary>
    /// The slot of a connection opened, in SYN-RECEIVED, from an ACK that acknowledges a valid
    /// cookie; -1 when it does not, <see cref="CookieWithoutRoom"/> when no slot can take it.
    /// A handshake completed this way may take the oldest half-open entry's slot.
    /// </summary>
    private int OpenFromCookie(MacAddress from, Ipv6Address local, Ipv6Address remote, TcpSegment segment, in TcpOptions options)
    {
        SeqNumber irs = segment.SequenceNumber - 1;
        SeqNumber iss = segment.AcknowledgmentNumber - 1;
        if (!_cookies.TryCheck(local, segment.DestinationPort, remote, segment.SourcePort, irs, iss, _now, out int mssIndex))
            return -1;
        int slot = FreeConnectionSlot(evictHalfOpen: true);
        if (slot < 0)
            return CookieWithoutRoom;
        ref TcpConnection c = ref OpenSlot(slot, local, segment.DestinationPort, remote, segment.SourcePort, TcpState.SynReceived);
        c.RemoteMac = from;
        c.Iss = iss;
        c.Irs = irs;
        c.RcvNxt = irs + 1;
        c.SendMss = SynCookies.MssTable[mssIndex];
        if (options.HasTimestamps)
        {
            uint bits = options.TimestampEcho & 31;
            c.Timestamps = true;
            c.TsRecent = options.TimestampValue;
            c.ScaleAgreed = (bits & 15) <= 14;
            c.SendScale = c.ScaleAgreed ? (byte)(bits & 15) : (byte)0;
            c.SackPermitted = (bits & 16) != 0;
        }
        if (!c.ScaleAgreed)
            c.ReceiveScale = 0;
        c.SndUna = iss;
        c.SndNxt = iss + 1;
        c.SndMax = c.SndNxt;
        c.SndWl1 = irs;
        // The window our SYN-ACK offered (never scaled): it must not shrink.
        c.RcvAdvertised = c.RcvNxt + (c.Receive.Free < 65535 ? c.Receive.Free : 65535);
        c.StateDeadline = _now + HalfOpenLifetime;
        ConnectionsFromSynCookies++;
        return slot;
    }

    /// <summary>SYN-SENT (RFC 9293 section 3.10.7.3).</summary>
    private Verdict ProcessSynSent(ref TcpConnection c, TcpSegment segment, in TcpOptions options, Span<byte> reply)
    {
        TcpFlags flags = segment.Flags;
        bool hasAck = (flags & TcpFlags.Ack) != 0;
        SeqNumber ack = segment.AcknowledgmentNumber;
        if (hasAck && (ack <= c.Iss || ack > c.SndNxt))
        {
            if ((flags & TcpFlags.Rst) != 0)
                return Verdict.Drop(DropReason.InvalidSource);
            return ReplySegment(ref c, ack, TcpFlags.Rst, 0, 0, reply, resetOnly: true);
        }
        if ((flags & TcpFlags.Rst) != 0)
        {
            if (!hasAck)
                return Verdict.Drop(DropReason.InvalidSource);
            Reset(ref c);
            return Verdict.Absorbed;
        }
        if ((flags & TcpFlags.Syn) == 0)
            return Verdict.Drop(DropReason.Unsupported);

        c.Irs = segment.SequenceNumber;
        c.RcvNxt = segment.SequenceNumber + 1;
        AcceptSynOptions(ref c, options);
        c.SndWnd = segment.Window;
        c.SndWl1 = segment.SequenceNumber;
        c.SndWl2 = ack;
        if (hasAck)
        {
            c.SndUna = ack;
            SampleRtt(ref c, ack);
            c.State = TcpState.Established;
            c.Events |= TcpEvents.Connected;
            StartCongestionControl(ref c);
            c.RetransmitDeadline = 0;
            c.Backoff = 0;
            return ReplyAck(ref c, reply);
        }
        // Simultaneous open (RFC 9293 section 3.5, figure 8): SYN-ACK with our original ISS.
        c.State = TcpState.SynReceived;
        c.StateDeadline = _now + HalfOpenLifetime;
        return ReplySegment(ref c, c.Iss, TcpFlags.Syn | TcpFlags.Ack, 0, 0, reply);
    }

    /// <summary>The synchronised states: RFC 9293 section 3.10.7.4, first check to eighth.</summary>
    private Verdict ProcessSynchronized(ref TcpConnection c, TcpSegment segment, in TcpOptions options, Span<byte> reply)
    {
        TcpFlags flags = segment.Flags;
        SeqNumber seq = segment.SequenceNumber;
        int length = segment.Payload.Length;
        int segmentLength = length + ((flags & TcpFlags.Syn) != 0 ? 1 : 0) + ((flags & TcpFlags.Fin) != 0 ? 1 : 0);
        uint window = ReceiveWindow(ref c);

        // Our SYN-ACK was lost and the peer sends its SYN again: answer it again (as Linux does),
        // rather than with the bare ACK an unacceptable segment gets.
        if (c.State == TcpState.SynReceived && (flags & (TcpFlags.Syn | TcpFlags.Ack)) == TcpFlags.Syn && seq == c.Irs)
            return ReplySegment(ref c, c.Iss, TcpFlags.Syn | TcpFlags.Ack, 0, 0, reply);

        // PAWS (RFC 7323 section 5.3): an old timestamp means an old duplicate.
        if (c.Timestamps && options.HasTimestamps && (flags & TcpFlags.Rst) == 0
            && (int)(options.TimestampValue - c.TsRecent) < 0)
            return ReplyAck(ref c, reply);

        // First: is the sequence number acceptable (the four cases of section 3.10.7.4)?
        bool acceptable = segmentLength == 0
            ? (window == 0 ? seq == c.RcvNxt : seq >= c.RcvNxt && seq < c.RcvNxt + (int)window)
            : window != 0 && ((seq >= c.RcvNxt && seq < c.RcvNxt + (int)window)
                || (seq + (segmentLength - 1) >= c.RcvNxt && seq + (segmentLength - 1) < c.RcvNxt + (int)window));
        if (!acceptable)
        {
            if ((flags & TcpFlags.Rst) != 0)
                return Verdict.Drop(DropReason.NotOurAddress);
            if (length > 0 && seq + length <= c.RcvNxt)
                NoteDuplicate(ref c, seq, seq + length);
            return ReplyAck(ref c, reply);
        }

        c.LastHeard = _now;
        c.KeepAliveProbes = 0;

        // Second: RST (RFC 5961 section 3.2): only an exact match resets; in window, a challenge ACK.
        if ((flags & TcpFlags.Rst) != 0)
        {
            if (seq != c.RcvNxt)
                return ReplyAck(ref c, reply);
            Reset(ref c);
            return Verdict.Absorbed;
        }

        // Fourth: a SYN in a synchronised state gets a challenge ACK (RFC 5961 section 4.2).
        if ((flags & TcpFlags.Syn) != 0)
        {
            return ReplyAck(ref c, reply);
        }

        // Fifth: the ACK field.
        if ((flags & TcpFlags.Ack) == 0)
            return Verdict.Drop(DropReason.Unsupported);
        SeqNumber ack = segment.AcknowledgmentNumber;
        if (c.State == TcpState.SynReceived)
        {
            if (ack <= c.SndUna || ack > c.SndNxt)
                return ReplySegment(ref c, ack, TcpFlags.Rst, 0, 0, reply, resetOnly: true);
            c.State = TcpState.Established;
            c.Events |= TcpEvents.Connected;
            StartCongestionControl(ref c);
            c.SndWnd = (uint)segment.Window << c.SendScale;
            c.SndWl1 = seq;
            c.SndWl2 = ack;
        }
        // RFC 5961 section 5.2: an ACK for data never sent, or too old, is answered and dropped.
        if (ack > c.SndMax)
            return ReplyAck(ref c, reply);
        if (ack < c.SndUna - (int)MaximumSendWindow(ref c))
            return ReplyAck(ref c, reply);
        ProcessAck(ref c, segment, options, ack, length);
        if (c.State == TcpState.Closed)
            return Verdict.Absorbed;

        // Timestamps: remember the peer's for our echo when the segment starts at or before what
        // we last acknowledged (RFC 7323 section 4.3 and 5.3, R3), so a delayed ACK echoes the
        // earliest segment it covers.
        if (c.Timestamps && options.HasTimestamps && seq <= c.LastAckSent && (int)(options.TimestampValue - c.TsRecent) >= 0)
            c.TsRecent = options.TimestampValue;

        // Seventh: the text.
        if (length > 0 && (c.State == TcpState.Established || c.State == TcpState.FinWait1 || c.State == TcpState.FinWait2))
            AcceptData(ref c, seq, segment.Payload);

        // Eighth: FIN, once everything before it has arrived.
        if ((flags & TcpFlags.Fin) != 0 && seq + length == c.RcvNxt && !c.FinReceived)
        {
            c.RcvNxt = c.RcvNxt + 1;
            c.FinReceived = true;
            c.Events |= TcpEvents.PeerClosed;
            c.AckNow = true;
            switch (c.State)
            {
                case TcpState.SynReceived:
                case TcpState.Established:
                    c.State = TcpState.CloseWait;
                    break;
                case TcpState.FinWait1:
                    c.State = FinAcked(ref c) ? TcpState.TimeWait : TcpState.Closing;
                    break;
                case TcpState.FinWait2:
                    c.State = TcpState.TimeWait;
                    break;
            }
            if (c.State == TcpState.TimeWait)
                EnterTimeWait(ref c);
        }
        else if (c.State == TcpState.TimeWait && (flags & TcpFlags.Fin) != 0)
        {
            // A retransmitted FIN: acknowledge it and restart the 2 MSL wait.
            c.AckNow = true;
            EnterTimeWait(ref c);
        }

        if (c.AckNow)
            return ReplyAck(ref c, reply);
        return Verdict.Absorbed;
    }

    /// <summary>The ACK field of an acceptable segment (RFC 9293 section 3.10.7.4, fifth; RFC 5681; RFC 6582; RFC 6298).</summary>
    private void ProcessAck(ref TcpConnection c, TcpSegment segment, in TcpOptions options, SeqNumber ack, int length)
    {
        int acked = ack - c.SndUna;
        uint window = (uint)segment.Window << c.SendScale;
        if (acked > 0)
        {
            int dataAcked = acked;
            // The SYN and FIN take sequence space but no room in the send buffer.
            if (c.SndUna == c.Iss)
                dataAcked--;
            if (c.FinSent && ack == c.SndMax)
                dataAcked--;
            if (dataAcked > c.Send.Count)
                dataAcked = c.Send.Count;
            if (dataAcked > 0)
            {
                c.Send.Discard(dataAcked);
                c.Events |= TcpEvents.Writable;
            }
            c.SndUna = ack;
            if (c.SndNxt < c.SndUna)
                c.SndNxt = c.SndUna;
            SampleRtt(ref c, ack);
            c.Backoff = 0;
            c.RetransmitDeadline = c.SndUna == c.SndMax ? 0 : _now + c.Rto;
            PruneScoreboard(ref c);
            RecordSacks(ref c, options);
            GrowWindow(ref c, acked);
            c.DuplicateAcks = 0;
        }
        else if (acked == 0 && length == 0 && window == c.SndWnd && c.SndUna != c.SndMax && (segment.Flags & TcpFlags.Fin) == 0)
        {
            bool news = RecordSacks(ref c, options);
            DuplicateAck(ref c);
            // In recovery, each duplicate bringing SACK news lets the next hole go (RFC 6675 section 5, simplified).
            if (c.InRecovery && news)
                c.RetransmitFirst = true;
        }

        // Send window update (section 3.10.7.4): only from a newer segment, so old ones cannot shrink it.
        SeqNumber seq = segment.SequenceNumber;
        if (c.SndWl1 < seq || (c.SndWl1 == seq && c.SndWl2 <= ack))
        {
            c.SndWnd = window;
            c.SndWl1 = seq;
            c.SndWl2 = ack;
            if (window > 0)
            {
                c.PersistDeadline = 0;
                c.PersistBackoff = 0;
            }
        }

        if (!FinAcked(ref c))
            return;
        switch (c.State)
        {
            case TcpState.FinWait1:
                c.State = TcpState.FinWait2;
                break;
            case TcpState.Closing:
                c.State = TcpState.TimeWait;
                EnterTimeWait(ref c);
                break;
            case TcpState.LastAck:
                Free(ref c);
                break;
        }
    }

    /// <summary>Merges the peer's SACK blocks above SND.UNA into the scoreboard; true if it learned something.</summary>
    private static bool RecordSacks(ref TcpConnection c, in TcpOptions options)
    {
        if (!c.SackPermitted)
            return false;
        bool news = false;
        for (int b = 0; b < options.SackBlockCount; b++)
        {
            var block = options.GetSackBlock(b);
            SeqNumber left = block.Left;
            SeqNumber right = block.Right;
            // Blocks must lie inside what we sent and above what is acknowledged (RFC 2018 section 4, and D-SACKs are not ours to use).
            if (left >= right || left <= c.SndUna || right > c.SndMax)
                continue;
            bool covered = false;
            for (int i = 0; i < c.PeerSackedCount; i++)
            {
                ref SeqRange range = ref c.PeerSacked[i];
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
            for (int i = 0; i < c.PeerSackedCount; i++)
            {
                if (c.PeerSacked[i].Right < left || c.PeerSacked[i].Left > right)
                    continue;
                left = SeqNumber.Min(left, c.PeerSacked[i].Left);
                right = SeqNumber.Max(right, c.PeerSacked[i].Right);
                for (int j = i; j < c.PeerSackedCount - 1; j++)
                    c.PeerSacked[j] = c.PeerSacked[j + 1];
                c.PeerSackedCount--;
                i = -1;
            }
            if (c.PeerSackedCount == PeerSackRanges.Capacity)
                c.PeerSackedCount--; // the highest range goes: the holes below matter first
            int at = c.PeerSackedCount;
            while (at > 0 && c.PeerSacked[at - 1].Left > left)
            {
                c.PeerSacked[at] = c.PeerSacked[at - 1];
                at--;
            }
            c.PeerSacked[at].Left = left;
            c.PeerSacked[at].Right = right;
            c.PeerSackedCount++;
        }
        return news;
    }

    /// <summary>Forgets scoreboard ranges now acknowledged.</summary>
    private static void PruneScoreboard(ref TcpConnection c)
    {
        int kept = 0;
        for (int i = 0; i < c.PeerSackedCount; i++)
        {
            if (c.PeerSacked[i].Right <= c.SndUna)
                continue;
            c.PeerSacked[kept] = c.PeerSacked[i];
            if (c.PeerSacked[kept].Left < c.SndUna)
                c.PeerSacked[kept].Left = c.SndUna;
            kept++;
        }
        c.PeerSackedCount = (byte)kept;
    }

    private static bool FinAcked(ref TcpConnection c) => c.FinSent && c.SndUna == c.SndMax;

    /// <summary>
    /// In-order data goes to the end of the receive buffer, joined by any out-of-order ranges it
    /// reaches; data ahead of a hole is placed where it belongs and remembered (our SACK blocks).
    /// </summary>
    private void AcceptData(ref TcpConnection c, SeqNumber seq, Span<byte> payload)
    {
        // Trim what we already have, and what lies beyond the buffer.
        int skip = c.RcvNxt - seq;
        if (skip > 0)
        {
            NoteDuplicate(ref c, seq, skip >= payload.Length ? seq + payload.Length : c.RcvNxt);
            if (skip >= payload.Length)
            {
                c.AckNow = true;
                return;
            }
            payload = payload.Slice(skip);
            seq = c.RcvNxt;
        }
        int offset = seq - c.RcvNxt;
        int room = c.Receive.Free - offset;
        if (room <= 0)
        {
            c.AckNow = true;
            return;
        }
        if (payload.Length > room)
            payload = payload.Slice(0, room);

        if (offset == 0)
        {
            c.Receive.WriteAt(_tcpReceivePool, c.Receive.Count, payload);
            c.Receive.Count += payload.Length;
            c.Events |= TcpEvents.Readable;
            c.RcvNxt = c.RcvNxt + payload.Length;
            bool filledHole = MergeOutOfOrder(ref c);
            // Every second full segment is acknowledged at once, the others within the delay
            // (RFC 9293 section 3.8.6.3); one that fills a hole at once (RFC 5681 section 4.2).
            c.UnackedSegments++;
            if (filledHole || c.OutOfOrderCount > 0 || c.UnackedSegments >= 2)
                c.AckNow = true;
            else if (c.DelayedAckDeadline == 0)
                c.DelayedAckDeadline = _now + DelayedAckTime;
            return;
        }
        // Out of order: kept only if a range can hold it (else it comes again); either way a
        // duplicate ACK at once, with SACK blocks, drives the sender's fast retransmit.
        if (AddOutOfOrder(ref c, seq, seq + payload.Length))
            c.Receive.WriteAt(_tcpReceivePool, c.Receive.Count + offset, payload);
        c.AckNow = true;
    }

    /// <summary>Remembers [left, right) as received twice, for a D-SACK block (RFC 2883 section 4) if SACK was agreed.</summary>
    private static void NoteDuplicate(ref TcpConnection c, SeqNumber left, SeqNumber right)
    {
        if (!c.SackPermitted || left >= right)
            return;
        c.Duplicate.Left = left;
        c.Duplicate.Right = right;
        c.HasDuplicate = true;
    }

    /// <summary>Joins the out-of-order ranges that now start at or before RcvNxt; true if any did.</summary>
    private static bool MergeOutOfOrder(ref TcpConnection c)
    {
        bool merged = false;
        for (bool again = true; again;)
        {
            again = false;
            for (int i = 0; i < c.OutOfOrderCount; i++)
            {
                if (c.OutOfOrder[i].Left > c.RcvNxt)
                    continue;
                int extra = c.OutOfOrder[i].Right - c.RcvNxt;
                if (extra > 0)
                {
                    c.Receive.Count += extra;
                    c.RcvNxt = c.OutOfOrder[i].Right;
                }
                RemoveRange(ref c, i);
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
    private static bool AddOutOfOrder(ref TcpConnection c, SeqNumber left, SeqNumber right)
    {
        bool merged = false;
        for (int i = 0; i < c.OutOfOrderCount; i++)
        {
            if (c.OutOfOrder[i].Right < left || c.OutOfOrder[i].Left > right)
                continue;
            if (c.OutOfOrder[i].Left <= left && right <= c.OutOfOrder[i].Right)
                NoteDuplicate(ref c, left, right);
            if (c.OutOfOrder[i].Left < left)
                left = c.OutOfOrder[i].Left;
            if (c.OutOfOrder[i].Right > right)
                right = c.OutOfOrder[i].Right;
            RemoveRange(ref c, i);
            merged = true;
            i = -1;
        }
        if (!merged && c.OutOfOrderCount == SackRanges.Capacity)
            return false;
        for (int i = c.OutOfOrderCount; i > 0; i--)
            c.OutOfOrder[i] = c.OutOfOrder[i - 1];
        c.OutOfOrder[0].Left = left;
        c.OutOfOrder[0].Right = right;
        c.OutOfOrderCount++;
        return true;
    }

    private static void RemoveRange(ref TcpConnection c, int index)
    {
        for (int i = index; i < c.OutOfOrderCount - 1; i++)
            c.OutOfOrder[i] = c.OutOfOrder[i + 1];
        c.OutOfOrderCount--;
    }

    /// <summary>The options of a SYN we accept (RFC 9293 section 3.7.1, RFC 7323, RFC 2018): each side uses what both offered.</summary>
    private static void AcceptSynOptions(ref TcpConnection c, in TcpOptions options)
    {
        // Without an MSS option the peer takes 536 (IPv4) or 1220 (IPv6) bytes (RFC 9293 section 3.7.1).
        int defaultMss = c.IsIpv4 ? 536 : 1220;
        int ceiling = c.IsIpv4 ? 1460 : 1440;
        int mss = options.HasMss ? options.Mss : defaultMss;
        c.SendMss = (ushort)(mss < ceiling ? (mss < 64 ? 64 : mss) : ceiling);
        // Scaling only when both sides offered it (RFC 7323 section 2.2).
        c.ScaleAgreed = options.HasWindowScale;
        if (options.HasWindowScale)
            c.SendScale = options.WindowScale;
        else
            c.ReceiveScale = 0;
        c.SackPermitted = options.SackPermitted;
        c.Timestamps = options.HasTimestamps;
        if (options.HasTimestamps)
            c.TsRecent = options.TimestampValue;
    }

    /// <summary>The peer reset the connection: it is over; the application learns it from <see cref="WasResetTcp"/>.</summary>
    private static void Reset(ref TcpConnection c)
    {
        c.WasReset = true;
        c.Events |= TcpEvents.Reset;
        c.State = TcpState.Closed;
    }

    private void EnterTimeWait(ref TcpConnection c)
    {
        c.StateDeadline = _now + 2 * MaximumSegmentLifetime;
        c.RetransmitDeadline = 0;
    }
}
