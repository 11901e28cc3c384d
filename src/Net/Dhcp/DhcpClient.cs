using System.Runtime.InteropServices;
using Unikernel.Net.Wire;

namespace Unikernel.Net.Dhcp;

/// <summary>
/// A DHCP client (RFC 2131 section 4.4) as a state machine with no clock, no socket and no
/// allocation: the owner passes the time in, sends what <see cref="Poll"/> writes as a UDP
/// datagram from port 68 to port 67, and hands <see cref="Receive"/> every UDP payload that
/// arrives from port 67 to port 68.
/// </summary>
/// <remarks>
/// <para>Times are milliseconds on one monotonic clock that starts at or above zero (since boot,
/// say); lease arithmetic is in <see cref="long"/>, so a lease of 0xFFFFFFFE seconds cannot
/// overflow, and 0xFFFFFFFF seconds is infinite (RFC 2132 section 9.2) and never expires.</para>
/// <para>Events: <see cref="Receive"/> returns what each payload did. Time passing can change the
/// state in <see cref="Poll"/> too: Bound to Renewing at T1 and Renewing to Rebinding at T2 are
/// visible in <see cref="State"/> and need nothing from the owner; the lease running out is the
/// one that does (the address must be dropped), so Poll holds <see cref="DhcpEvent.LeaseExpired"/>
/// for <see cref="TryTakeEvent"/>. Check it after each Poll. A later <see cref="DhcpEvent.Bound"/>
/// clears it, since the owner learns of the new address from Receive.</para>
/// <para>INIT-REBOOT (RFC 2131 section 3.2) when built with the address of an earlier lease: a
/// REQUEST for it with no server identifier, an ACK binds, a NAK (or no answer after
/// <see cref="MaximumRebootTransmissions"/>) goes to INIT. With conflict detection on, an ACK
/// for a new address leads to <see cref="DhcpState.Probing"/>: ARP probes from 0.0.0.0 (RFC 5227
/// section 2.1.1, asked for through <see cref="TakeArpDue"/>), and the owner reports any ARP
/// packet from another host for the address with <see cref="ReportConflict"/>; a conflict
/// sends a DECLINE and a DISCOVER ten seconds later, no conflict binds the address and two
/// ARP announcements follow. <see cref="Release"/> sends a RELEASE and stays quiet.</para>
/// <para>Left out: the 1-10 s random wait before the first DISCOVER (RFC 2131 section 4.4.1
/// asks it to spread out clients that power up together; here the first DISCOVER goes at once),
/// defending a bound address (RFC 5227 section 2.4), and INFORM.</para>
/// <para>A mutable struct: keep it in a field or local and call it there, not through a copy.</para>
/// </remarks>
public struct DhcpClient
{
    public const ushort ClientPort = 68;
    public const ushort ServerPort = 67;

    /// <summary>
    /// What <see cref="Poll"/> needs in its payload buffer: every message pads to it, and the
    /// longest (a REQUEST in Requesting, 273 bytes before padding) fits.
    /// </summary>
    public const int PayloadLength = DhcpMessage.MinimumEmitLength;

    /// <summary>The first retransmission timeout, doubled for each retransmission (RFC 2131 section 4.1).</summary>
    public const long InitialTimeoutMilliseconds = 4000;

    /// <summary>Where the doubling stops (RFC 2131 section 4.1).</summary>
    public const long MaximumTimeoutMilliseconds = 64000;

    /// <summary>Each timeout is randomised by up to this much either way (RFC 2131 section 4.1: "-1 to +1").</summary>
    public const long JitterMilliseconds = 1000;

    /// <summary>The shortest wait between REQUESTs when renewing or rebinding (RFC 2131 section 4.4.5).</summary>
    public const long MinimumRenewalRetransmitMilliseconds = 60000;

    /// <summary>
    /// REQUESTs sent in Requesting before giving up on the offer and starting again from Init
    /// (RFC 2131 section 4.4.1 leaves the count to us): 4+8+16+32+64 s, about two minutes.
    /// </summary>
    public const int MaximumRequestTransmissions = 5;

    /// <summary>
    /// The wait after a NAK before the next DISCOVER, so a server that NAKs every REQUEST does
    /// not get a storm (RFC 2131 section 3.1 says only "restarts the configuration process").
    /// </summary>
    public const long RestartDelayMilliseconds = 2000;

    /// <summary>
    /// REQUESTs sent in Rebooting before giving up on the old address and starting from INIT:
    /// 4 + 8 s (RFC 2131 section 3.2 lets the client choose; a quick fallback keeps a boot short).
    /// </summary>
    public const int MaximumRebootTransmissions = 2;

    /// <summary>
    /// The wait after a DECLINE before the next DISCOVER: RFC 2131 section 3.1 step 5, "SHOULD
    /// wait a minimum of ten seconds", so a looping conflict does not flood the server.
    /// </summary>
    public const long DeclineRestartDelayMilliseconds = 10000;

    /// <summary>PROBE_WAIT (RFC 5227 section 1.1): the first probe waits a random time up to this.</summary>
    public const long ProbeWaitMilliseconds = 1000;

    /// <summary>PROBE_NUM: probes sent.</summary>
    public const int ProbeCount = 3;

    /// <summary>PROBE_MIN: the least time between probes.</summary>
    public const long ProbeMinimumMilliseconds = 1000;

    /// <summary>PROBE_MAX: the most time between probes.</summary>
    public const long ProbeMaximumMilliseconds = 2000;

    /// <summary>ANNOUNCE_WAIT: after the last probe, this long without a conflict and the address is ours.</summary>
    public const long AnnounceWaitMilliseconds = 2000;

    /// <summary>ANNOUNCE_NUM: announcements sent once the address is ours.</summary>
    public const int AnnouncementCount = 2;

    /// <summary>ANNOUNCE_INTERVAL: the time between announcements.</summary>
    public const long AnnounceIntervalMilliseconds = 2000;

    private const uint InfiniteLease = 0xFFFF_FFFF;

    private readonly MacAddress _mac;
    private uint _random;
    private DhcpState _state;
    private uint _transactionId;
    // Messages sent in the current exchange (DISCOVERs in Selecting, REQUESTs otherwise).
    private int _transmissions;
    private long _deadline;
    // When the first REQUEST of the exchange went out: a lease counts from there (RFC 2131 section 4.4.1).
    private long _requestSentAt;
    private Ipv4Address _offered;
    private Ipv4Address _address;
    private int _prefixLength;
    private Ipv4Address _router;
    private Ipv4Address _server;
    private long _leaseSeconds;
    private long _renewAt;
    private long _rebindAt;
    private long _expiresAt;
    private DhcpEvent _pending;
    private readonly bool _detectConflicts;
    private int _probesLeft;
    private int _announcementsLeft;
    private long _nextArp;
    private bool _declineDue;
    private bool _releaseDue;
    private Ipv4Address _declined;

    /// <summary>
    /// A client for the interface with <paramref name="mac"/>, in Init with a DISCOVER due at
    /// once (time 0). <paramref name="seed"/> drives the transaction ids and the retransmission
    /// jitter, so two clients built alike behave alike; give each interface a different one.
    /// </summary>
    public DhcpClient(MacAddress mac, uint seed)
        : this(mac, seed, Ipv4Address.Any, detectConflicts: false)
    {
    }

    /// <summary>
    /// A client that starts in INIT-REBOOT asking for <paramref name="lastAddress"/> when it is
    /// not <see cref="Ipv4Address.Any"/>, and with <paramref name="detectConflicts"/> probes each
    /// new address with ARP before binding it (RFC 5227; it costs 3 to 7 s per new lease).
    /// </summary>
    public DhcpClient(MacAddress mac, uint seed, Ipv4Address lastAddress, bool detectConflicts)
    {
        _detectConflicts = detectConflicts;
        _offered = lastAddress;
        _mac = mac;
        // xorshift32 never leaves zero, so zero is replaced; the mix spreads nearby seeds apart.
        _random = seed * 0x9E37_79B9u ^ 0x2545_F491u;
        if (_random == 0)
            _random = 0x2545_F491u;
        _state = lastAddress.IsUnspecified ? DhcpState.Init : DhcpState.InitReboot;
        _deadline = 0;
        _prefixLength = 0;
        _nextArp = long.MaxValue;
        _renewAt = long.MaxValue;
        _rebindAt = long.MaxValue;
        _expiresAt = long.MaxValue;
    }

    public readonly DhcpState State => _state;

    public readonly MacAddress Mac => _mac;

    /// <summary>The leased address while Bound, Renewing or Rebinding, the candidate while Probing; <see cref="Ipv4Address.Any"/> otherwise.</summary>
    public readonly Ipv4Address Address => _address;

    /// <summary>
    /// From the subnet mask (option 1). When the server sends none, or a mask that is not
    /// contiguous, 32: no guess at a classful network, so everything else goes through the router.
    /// 0 while there is no lease.
    /// </summary>
    public readonly int PrefixLength => _prefixLength;

    /// <summary>The first router of option 3; <see cref="Ipv4Address.Any"/> when none was given.</summary>
    public readonly Ipv4Address Router => _router;

    /// <summary>The server identifier (option 54) of the server that leased the address, or that offered one while Requesting.</summary>
    public readonly Ipv4Address Server => _server;

    /// <summary>The lease as the server gave it, in seconds; 0xFFFFFFFF is infinite; 0 while there is no lease.</summary>
    public readonly long LeaseSeconds => _leaseSeconds;

    /// <summary>When the lease runs out; <see cref="long.MaxValue"/> for an infinite lease or none.</summary>
    public readonly long LeaseExpiresAt => _expiresAt;

    /// <summary>T1, when Renewing starts; <see cref="long.MaxValue"/> when never or no lease.</summary>
    public readonly long RenewAt => _renewAt;

    /// <summary>T2, when Rebinding starts; <see cref="long.MaxValue"/> when never or no lease.</summary>
    public readonly long RebindAt => _rebindAt;

    /// <summary>The xid of the exchange in progress (or of the last one, when Bound).</summary>
    public readonly uint TransactionId => _transactionId;

    /// <summary>
    /// When <see cref="Poll"/> or <see cref="TakeArpDue"/> next has something to do;
    /// <see cref="long.MaxValue"/> if never (an infinite lease).
    /// </summary>
    public readonly long NextDeadline => _nextArp < _deadline ? _nextArp : _deadline;

    /// <summary>The address the last DECLINE gave back (<see cref="DhcpEvent.Declined"/>).</summary>
    public readonly Ipv4Address DeclinedAddress => _declined;

    /// <summary>
    /// Takes the event Poll or <see cref="TakeArpDue"/> held, if any: <see cref="DhcpEvent.LeaseExpired"/>,
    /// <see cref="DhcpEvent.Bound"/> after probing, <see cref="DhcpEvent.Declined"/>, <see cref="DhcpEvent.Released"/>.
    /// </summary>
    public bool TryTakeEvent(out DhcpEvent happened)
    {
        happened = _pending;
        _pending = DhcpEvent.None;
        return happened != DhcpEvent.None;
    }

    /// <summary>
    /// Does what is due at <paramref name="now"/>: moves to Renewing at T1, Rebinding at T2, Init
    /// when the lease expires, and writes the DHCP message then due (a first transmission or a
    /// retransmission) into <paramref name="payload"/>, which must hold <see cref="PayloadLength"/>
    /// bytes. Returns its length, or 0 when nothing is to be sent.
    /// </summary>
    /// <param name="source">The IP source: 0.0.0.0 before there is a lease (RFC 2131 section 4.1),
    /// the leased address when Renewing or Rebinding.</param>
    /// <param name="destination">255.255.255.255, except when Renewing: then the server, unicast
    /// (RFC 2131 section 4.4.5).</param>
    public int Poll(long now, Span<byte> payload, out Ipv4Address source, out Ipv4Address destination)
    {
        source = Ipv4Address.Any;
        destination = Ipv4Address.Any;
        if (now < _deadline)
            return 0;
        if (_declineDue)
            return Decline(now, payload, out destination);
        if (_releaseDue)
            return SendRelease(payload, out source, out destination);

        // Timers first, latest first, so a Poll that comes late lands in the right state.
        if (_state == DhcpState.Bound || _state == DhcpState.Renewing || _state == DhcpState.Rebinding)
        {
            if (now >= _expiresAt)
            {
                // RFC 2131 section 4.4.5: at expiry the client stops using the address and returns to INIT.
                DropLease();
                _state = DhcpState.Init;
                _pending = DhcpEvent.LeaseExpired;
            }
            else if (_state != DhcpState.Rebinding && now >= _rebindAt)
                StartExchange(DhcpState.Rebinding);
            else if (_state == DhcpState.Bound && now >= _renewAt)
                StartExchange(DhcpState.Renewing);
        }
        if (_state == DhcpState.Requesting && _transmissions >= MaximumRequestTransmissions)
            _state = DhcpState.Init; // RFC 2131 section 4.4.1: no ACK or NAK after retransmitting: back to INIT.
        if (_state == DhcpState.Rebooting && _transmissions >= MaximumRebootTransmissions)
        {
            // RFC 2131 section 3.2 step 5 would let us keep the old address; we do not assume it is still ours.
            _offered = Ipv4Address.Any;
            _state = DhcpState.Init;
        }
        if (_state == DhcpState.InitReboot)
            StartExchange(DhcpState.Rebooting);
        if (_state == DhcpState.Init)
            StartExchange(DhcpState.Selecting);

        int length;
        switch (_state)
        {
            case DhcpState.Selecting:
                length = WriteMessage(payload, DhcpMessageType.Discover, Ipv4Address.Any, Ipv4Address.Any, Ipv4Address.Any);
                destination = Ipv4Address.Broadcast;
                _deadline = now + Backoff();
                break;
            case DhcpState.Requesting:
                // RFC 2131 section 4.4.1, table 5: ciaddr 0, requested IP and server identifier set.
                if (_transmissions == 0)
                    _requestSentAt = now;
                length = WriteMessage(payload, DhcpMessageType.Request, Ipv4Address.Any, _offered, _server);
                destination = Ipv4Address.Broadcast;
                _deadline = now + Backoff();
                break;
            case DhcpState.Rebooting:
                // RFC 2131 section 4.3.2 and table 5: ciaddr 0, the old address as requested IP, no
                // server identifier (any server on the link may answer), broadcast.
                if (_transmissions == 0)
                    _requestSentAt = now;
                length = WriteMessage(payload, DhcpMessageType.Request, Ipv4Address.Any, _offered, Ipv4Address.Any);
                destination = Ipv4Address.Broadcast;
                _deadline = now + Backoff();
                break;
            case DhcpState.Probing:
                return 0; // The ARP probes are TakeArpDue's.
            case DhcpState.Renewing:
                // Table 5: ciaddr is ours, no requested IP, no server identifier; unicast to the server.
                if (_transmissions == 0)
                    _requestSentAt = now;
                length = WriteMessage(payload, DhcpMessageType.Request, _address, Ipv4Address.Any, Ipv4Address.Any);
                source = _address;
                destination = _server;
                _deadline = RenewalRetransmit(now, _rebindAt);
                break;
            case DhcpState.Rebinding:
                // The same REQUEST, broadcast to whichever server will extend the lease.
                if (_transmissions == 0)
                    _requestSentAt = now;
                length = WriteMessage(payload, DhcpMessageType.Request, _address, Ipv4Address.Any, Ipv4Address.Any);
                source = _address;
                destination = Ipv4Address.Broadcast;
                _deadline = RenewalRetransmit(now, _expiresAt);
                break;
            default: // Bound before T1: nothing to send (only reached if the deadline was moved early).
                _deadline = _renewAt;
                return 0;
        }
        _transmissions++;
        return length;
    }

    /// <summary>
    /// Takes a UDP payload that came from port 67 to port 68 (from anyone: the IP addresses say
    /// nothing here, since replies may be broadcast) and returns what it did. Never throws:
    /// anything malformed or unexpected is <see cref="DhcpEvent.Ignored"/>.
    /// </summary>
    public DhcpEvent Receive(ReadOnlySpan<byte> payload, long now)
    {
        // The view wants a Span to allow setters; nothing here writes through it.
        var bytes = MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(payload), payload.Length);
        if (!DhcpMessage.TryParse(bytes, out var message, out _))
            return DhcpEvent.Ignored;
        // RFC 2131 section 4.4.1: replies are matched to our request by xid, and by chaddr in case
        // another client drew the same xid.
        if (message.Operation != DhcpMessage.BootReply
            || message.TransactionId != _transactionId
            || message.ClientHardwareAddress != _mac
            || !message.TryGetMessageType(out var type))
            return DhcpEvent.Ignored;
        bool hasServer = message.TryGetServerIdentifier(out var server);

        switch (_state)
        {
            case DhcpState.Selecting:
                // Take the first offer (section 4.4.1 lets the client choose; waiting buys nothing
                // on a network with one server). Section 4.3.1: an OFFER MUST name its server.
                if (type != DhcpMessageType.Offer || !hasServer || message.YourAddress.IsUnspecified)
                    return DhcpEvent.Ignored;
                _offered = message.YourAddress;
                _server = server;
                _state = DhcpState.Requesting;
                _transmissions = 0;
                _deadline = now;
                return DhcpEvent.Offered;

            case DhcpState.Requesting:
            case DhcpState.Renewing:
                // Only the server we asked may answer; in Rebinding and Rebooting the REQUEST went to all of them.
                if (hasServer && server != _server)
                    return DhcpEvent.Ignored;
                return Answer(message, type, now);

            case DhcpState.Rebinding:
            case DhcpState.Rebooting:
                return Answer(message, type, now);

            default: // Init and Bound: no exchange is open.
                return DhcpEvent.Ignored;
        }
    }

    /// <summary>An ACK or NAK to a REQUEST, in Requesting, Renewing or Rebinding.</summary>
    private DhcpEvent Answer(DhcpMessage message, DhcpMessageType type, long now)
    {
        if (type == DhcpMessageType.Nak)
        {
            // RFC 2131 section 4.4.1 (Requesting) and 4.4.5 (Renewing, Rebinding): a NAK sends the
            // client back to INIT, and a bound client stops using its address at once.
            DropLease();
            _state = DhcpState.Init;
            _deadline = now + RestartDelayMilliseconds;
            return DhcpEvent.Nak;
        }
        // Table 3: an ACK MUST carry the lease time (51); one without it is not a lease we can time.
        if (type != DhcpMessageType.Ack || message.YourAddress.IsUnspecified || !message.TryGetLeaseTime(out uint lease))
            return DhcpEvent.Ignored;

        bool fresh = _state == DhcpState.Requesting || _state == DhcpState.Rebooting;
        bool renewal = !fresh && message.YourAddress == _address;
        _address = message.YourAddress;
        if (message.TryGetServerIdentifier(out var server))
            _server = server; // In Rebinding another server may have answered: renew with it next time.
        _prefixLength = message.TryGetSubnetMask(out var mask) ? PrefixFromMask(mask.Value) : 32;
        _router = message.TryGetRouter(out var router) ? router : Ipv4Address.Any;
        _leaseSeconds = lease;
        SetTimers(message, lease, _requestSentAt);
        _transmissions = 0;
        _pending = DhcpEvent.None;
        if (fresh && _detectConflicts)
        {
            // RFC 5227 section 2.1.1: wait PROBE_WAIT (random), then PROBE_NUM probes.
            _state = DhcpState.Probing;
            _probesLeft = ProbeCount;
            _nextArp = now + RandomBetween(0, ProbeWaitMilliseconds);
            _deadline = long.MaxValue;
            return DhcpEvent.Probing;
        }
        _state = DhcpState.Bound;
        _deadline = _renewAt;
        return renewal ? DhcpEvent.Renewed : DhcpEvent.Bound;
    }

    /// <summary>
    /// The ARP packet due at <paramref name="now"/>, if any: a probe for <paramref name="address"/>
    /// while Probing (sender IP 0.0.0.0, RFC 5227 section 2.1.1), or an announcement once bound
    /// (sender and target IP the address, section 2.3). After the last probe and ANNOUNCE_WAIT
    /// without a conflict the address is bound here: <see cref="DhcpEvent.Bound"/> is held.
    /// </summary>
    public DhcpArpKind TakeArpDue(long now, out Ipv4Address address)
    {
        address = _address;
        if (now < _nextArp)
            return DhcpArpKind.None;
        if (_state == DhcpState.Probing)
        {
            if (_probesLeft > 0)
            {
                _probesLeft--;
                _nextArp = now + (_probesLeft > 0 ? RandomBetween(ProbeMinimumMilliseconds, ProbeMaximumMilliseconds) : AnnounceWaitMilliseconds);
                return DhcpArpKind.Probe;
            }
            _state = DhcpState.Bound;
            _deadline = _renewAt;
            _pending = DhcpEvent.Bound;
            _announcementsLeft = AnnouncementCount;
        }
        if (_announcementsLeft > 0 && _state == DhcpState.Bound)
        {
            _announcementsLeft--;
            _nextArp = _announcementsLeft > 0 ? now + AnnounceIntervalMilliseconds : long.MaxValue;
            return DhcpArpKind.Announcement;
        }
        _nextArp = long.MaxValue;
        return DhcpArpKind.None;
    }

    /// <summary>
    /// The owner saw an ARP packet from another host whose sender is the probed address, or a
    /// probe of another host for it (RFC 5227 section 2.1.1): the address is not ours. A DECLINE
    /// is due at once. Ignored unless Probing.
    /// </summary>
    public void ReportConflict(long now)
    {
        if (_state != DhcpState.Probing)
            return;
        _declineDue = true;
        _nextArp = long.MaxValue;
        _deadline = now;
    }

    /// <summary>Gives the lease back (RFC 2131 section 4.4.6): a RELEASE is due at once, and then the client stays quiet. Ignored without a lease.</summary>
    public void Release(long now)
    {
        if (_state != DhcpState.Bound && _state != DhcpState.Renewing && _state != DhcpState.Rebinding)
            return;
        _releaseDue = true;
        _announcementsLeft = 0;
        _nextArp = long.MaxValue;
        _deadline = now;
    }

    /// <summary>
    /// DHCPDECLINE (RFC 2131 section 4.4.1, table 5): ciaddr 0, the address as requested IP, the
    /// server identifier, broadcast from 0.0.0.0; then INIT after ten seconds.
    /// </summary>
    private int Decline(long now, Span<byte> payload, out Ipv4Address destination)
    {
        _declineDue = false;
        int length = WriteMessage(payload, DhcpMessageType.Decline, Ipv4Address.Any, _address, _server, askParameters: false);
        destination = Ipv4Address.Broadcast;
        _declined = _address;
        DropLease();
        _state = DhcpState.Init;
        _deadline = now + DeclineRestartDelayMilliseconds;
        _pending = DhcpEvent.Declined;
        return length;
    }

    /// <summary>
    /// DHCPRELEASE (RFC 2131 section 4.4.6, table 5): ciaddr ours, the server identifier, no
    /// requested IP, unicast to the server from our address; then nothing until a new client.
    /// </summary>
    private int SendRelease(Span<byte> payload, out Ipv4Address source, out Ipv4Address destination)
    {
        _releaseDue = false;
        _transactionId = NextRandom();
        int length = WriteMessage(payload, DhcpMessageType.Release, _address, Ipv4Address.Any, _server, askParameters: false);
        source = _address;
        destination = _server;
        DropLease();
        _state = DhcpState.Init;
        _deadline = long.MaxValue;
        _pending = DhcpEvent.Released;
        return length;
    }

    /// <summary>Uniform in <paramref name="low"/>..<paramref name="high"/> ms: the top bits of a 32x32 multiply, no modulo.</summary>
    private long RandomBetween(long low, long high) => low + (long)(((ulong)NextRandom() * (ulong)(high - low + 1)) >> 32);

    /// <summary>
    /// T1 and T2 from options 58 and 59, or 0.5 and 0.875 of the lease when absent (RFC 2131
    /// section 4.4.5), all counted from <paramref name="start"/>. A T2 beyond the lease or a T1
    /// beyond T2 is replaced by the default (capped at T2), keeping T1 &lt;= T2 &lt;= expiry.
    /// </summary>
    private void SetTimers(DhcpMessage message, uint lease, long start)
    {
        bool hasT1 = message.TryGetRenewalTime(out uint t1Seconds);
        bool hasT2 = message.TryGetRebindingTime(out uint t2Seconds);
        if (lease == InfiniteLease)
        {
            // Nothing expires; renew only if the server asks for it.
            _expiresAt = long.MaxValue;
            _rebindAt = hasT2 && t2Seconds != InfiniteLease ? start + t2Seconds * 1000L : long.MaxValue;
            _renewAt = hasT1 && t1Seconds != InfiniteLease ? start + t1Seconds * 1000L : long.MaxValue;
            if (_renewAt > _rebindAt)
                _renewAt = _rebindAt;
            return;
        }
        // Shifts, not division: 32-bit ARM has no 64-bit divide instruction or runtime helper here.
        long leaseMs = lease * 1000L;
        long t2 = hasT2 && t2Seconds * 1000L <= leaseMs ? t2Seconds * 1000L : (leaseMs * 7) >> 3;
        long t1 = hasT1 && t1Seconds * 1000L <= t2 ? t1Seconds * 1000L : Math.Min(leaseMs >> 1, t2);
        _expiresAt = start + leaseMs;
        _rebindAt = start + t2;
        _renewAt = start + t1;
    }

    /// <summary>Forgets the lease: the owner must stop using the address.</summary>
    private void DropLease()
    {
        _address = Ipv4Address.Any;
        _offered = Ipv4Address.Any;
        _router = Ipv4Address.Any;
        _server = Ipv4Address.Any;
        _prefixLength = 0;
        _leaseSeconds = 0;
        _renewAt = long.MaxValue;
        _rebindAt = long.MaxValue;
        _expiresAt = long.MaxValue;
    }

    /// <summary>Enters <paramref name="state"/> with a new xid: each exchange has its own (RFC 2131 section 4.4.1).</summary>
    private void StartExchange(DhcpState state)
    {
        _state = state;
        _transactionId = NextRandom();
        _transmissions = 0;
    }

    /// <summary>
    /// RFC 2131 section 4.1: 4 s before the first retransmission, doubling to 64 s, each
    /// randomised by -1..+1 s.
    /// </summary>
    private long Backoff()
    {
        int doublings = Math.Min(_transmissions, 4);
        return Math.Min(InitialTimeoutMilliseconds << doublings, MaximumTimeoutMilliseconds) + Jitter();
    }

    /// <summary>
    /// RFC 2131 section 4.4.5: wait half the time left until <paramref name="limit"/> (T2 when
    /// Renewing, expiry when Rebinding), but at least 60 s; never past the limit, where Poll
    /// moves on to the next state anyway.
    /// </summary>
    private static long RenewalRetransmit(long now, long limit)
    {
        long wait = Math.Max((limit - now) >> 1, MinimumRenewalRetransmitMilliseconds);
        return limit - now <= wait ? limit : now + wait;
    }

    /// <summary>Uniform in -1000..+1000 ms: the top bits of a 32x32 multiply, no modulo.</summary>
    private long Jitter() => (long)(((ulong)NextRandom() * (2 * JitterMilliseconds + 1)) >> 32) - JitterMilliseconds;

    /// <summary>xorshift32 (Marsaglia 2003): not cryptographic; an xid only has to differ from other clients'.</summary>
    private uint NextRandom()
    {
        uint x = _random;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        _random = x;
        return x;
    }

    /// <summary>The prefix a contiguous mask spells, or 32 for a non-contiguous one (RFC 4632 forbids those).</summary>
    private static int PrefixFromMask(uint mask)
    {
        int ones = System.Numerics.BitOperations.LeadingZeroCount(~mask);
        uint contiguous = ones == 0 ? 0u : 0xFFFF_FFFFu << (32 - ones);
        return contiguous == mask ? ones : 32;
    }

    /// <summary>
    /// A client message with our client identifier (61: type 1, then the MAC, RFC 2132 section
    /// 9.14) and parameter request list (55: mask, router, DNS servers, domain name, lease, server, T1, T2), plus the
    /// requested address (50) and server identifier (54) when given.
    /// </summary>
    private readonly int WriteMessage(Span<byte> payload, DhcpMessageType type, Ipv4Address clientAddress,
        Ipv4Address requested, Ipv4Address server, bool askParameters = true)
    {
        // 300 bytes leave 60 for options and these take at most 35, so no append below can fail.
        var writer = DhcpMessage.Emit(payload, type, _transactionId, _mac, clientAddress);
        Span<byte> identifier = stackalloc byte[1 + MacAddress.Length];
        identifier[0] = DhcpMessage.HardwareTypeEthernet;
        _mac.CopyTo(identifier.Slice(1));
        writer.TryWrite(DhcpOptionCode.ClientIdentifier, identifier);
        if (!requested.IsUnspecified)
            writer.TryWriteAddress(DhcpOptionCode.RequestedIpAddress, requested);
        if (!server.IsUnspecified)
            writer.TryWriteAddress(DhcpOptionCode.ServerIdentifier, server);
        if (!askParameters)
            return writer.Finish(); // Table 5: DECLINE and RELEASE MUST NOT carry a parameter request list.
        Span<byte> parameters = stackalloc byte[8];
        parameters[0] = (byte)DhcpOptionCode.SubnetMask;
        parameters[1] = (byte)DhcpOptionCode.Router;
        parameters[2] = (byte)DhcpOptionCode.DomainNameServer;
        parameters[3] = (byte)DhcpOptionCode.DomainName;
        parameters[4] = (byte)DhcpOptionCode.IpAddressLeaseTime;
        parameters[5] = (byte)DhcpOptionCode.ServerIdentifier;
        parameters[6] = (byte)DhcpOptionCode.RenewalTime;
        parameters[7] = (byte)DhcpOptionCode.RebindingTime;
        writer.TryWrite(DhcpOptionCode.ParameterRequestList, parameters);
        return writer.Finish();
    }
}
