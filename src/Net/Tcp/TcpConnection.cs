using System.Runtime.CompilerServices;
using Unikernel.Net.Tcp;
using Unikernel.Net.Wire;

namespace Unikernel.Net;

/// <summary>
/// One connection's transmission control block (RFC 9293 section 3.3.1), a plain struct in a
/// table made at start-up: the 4-tuple, the send and receive sequence variables, options,
/// timers, congestion state and the two rings.
/// </summary>
internal struct TcpConnection
{
    public TcpState State;

    /// <summary>Bumped each time the slot is reused, so a stale handle is recognised.</summary>
    public ushort Generation;

    /// <summary>Accepted by the application (a listener's connection not yet accepted is false).</summary>
    public bool Accepted;

    /// <summary>The application closed its side: a FIN goes after the queued data.</summary>
    public bool CloseRequested;

    public bool FinSent;
    public bool FinReceived;

    /// <summary>A reset ended the connection: the application learns it on its next call.</summary>
    public bool WasReset;

    /// <summary>Events not yet taken by the application.</summary>
    public TcpEvents Events;

    /// <summary>When the last acceptable segment arrived: keep-alive probes start after an idle spell.</summary>
    public long LastHeard;

    /// <summary>Keep-alive probes sent without an answer.</summary>
    public byte KeepAliveProbes;

    /// <summary>The application aborted: a RST goes on the next poll, then the slot is free.</summary>
    public bool AbortPending;

    /// <summary>Not a connection but a SYN cookie's SYN-ACK being written: its timestamp carries the peer's options.</summary>
    public bool SynCookie;

    // The 4-tuple; IPv4 addresses are IPv4-mapped.
    public Ipv6Address LocalAddress;
    public Ipv6Address RemoteAddress;
    public ushort LocalPort;
    public ushort RemotePort;

    /// <summary>The link-layer address the peer's segments came from; zero until known.</summary>
    public MacAddress RemoteMac;

    // Send sequence variables (RFC 9293 section 3.3.1).
    public SeqNumber SndUna;
    public SeqNumber SndNxt;
    public SeqNumber SndWl1;
    public SeqNumber SndWl2;
    public SeqNumber Iss;
    public uint SndWnd;
    public SeqNumber SndMax;

    // Receive sequence variables.
    public SeqNumber RcvNxt;
    public SeqNumber Irs;

    /// <summary>The right edge we last advertised: the window never shrinks below it (RFC 9293 section 3.8.6.2.2).</summary>
    public SeqNumber RcvAdvertised;

    // Options agreed in the handshake.
    public ushort SendMss;
    public byte SendScale;
    public bool ScaleAgreed;
    public byte ReceiveScale;
    public bool SackPermitted;
    public bool Timestamps;
    public uint TsRecent;

    /// <summary>RCV.NXT as our last ACK said it (RFC 7323's Last.ACK.sent).</summary>
    public SeqNumber LastAckSent;

    /// <summary>Segments received since our last ACK; every second full one is acknowledged at once (RFC 9293 section 3.8.6.3, RFC 5681 section 4.2).</summary>
    public byte UnackedSegments;
    public bool AckNow;
    public long DelayedAckDeadline;

    // Retransmission timer and RTT estimation (RFC 6298).
    public long RetransmitDeadline;
    public int Rto;
    public int Srtt;
    public int Rttvar;
    public bool RttMeasuring;
    public SeqNumber RttSeq;
    public long RttStart;
    public byte Backoff;

    // Congestion control (RFC 5681, NewReno RFC 6582).
    public uint Cwnd;
    public uint Ssthresh;
    public byte DuplicateAcks;
    public bool InRecovery;

    /// <summary>Fast retransmit, a partial ACK or new SACK news in recovery ask for the next hole to go again, once, before new data.</summary>
    public bool RetransmitFirst;

    /// <summary>Where the last retransmission in recovery ended: the next hole is looked for from here (RFC 6675's HighRxt).</summary>
    public SeqNumber HighRetransmit;

    /// <summary>What the peer reported holding above SND.UNA in its SACK blocks (RFC 2018), merged: our scoreboard.</summary>
    public PeerSackRanges PeerSacked;
    public byte PeerSackedCount;
    public SeqNumber Recover;

    /// <summary>Zero-window probe due (RFC 9293 section 3.8.6.1).</summary>
    public long PersistDeadline;
    public byte PersistBackoff;

    /// <summary>When TIME-WAIT ends, or a half-open SYN-RECEIVED entry is given up.</summary>
    public long StateDeadline;

    /// <summary>When the connection was made: half-open entries are evicted oldest first under a SYN flood.</summary>
    public long Created;

    /// <summary>
    /// Out-of-order data held beyond RcvNxt, as up to <see cref="SackRanges.Capacity"/> ranges,
    /// the most recently grown first (our SACK blocks, RFC 2018 section 4).
    /// </summary>
    public SackRanges OutOfOrder;
    public byte OutOfOrderCount;

    /// <summary>Data that arrived twice, reported once as the first SACK block of our next ACK (D-SACK, RFC 2883), so the peer learns its retransmission was spurious.</summary>
    public SeqRange Duplicate;
    public bool HasDuplicate;

    public ByteRing Receive;
    public ByteRing Send;

    public readonly bool IsIpv4 => RemoteAddress.IsIpv4Mapped;

    /// <summary>Bytes sent and not yet acknowledged, the FIN and SYN counting one each.</summary>
    public readonly int InFlight => SndNxt - SndUna;
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
