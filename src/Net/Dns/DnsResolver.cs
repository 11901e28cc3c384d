using System.Buffers.Binary;
using Unikernel.Net.Tcp;
using Unikernel.Net.Wire;

namespace Unikernel.Net;

/// <summary>
/// A DNS stub resolver (RFC 1035, RFC 1123 section 6.1.3.1) for A and AAAA lookups over UDP,
/// to the servers the interface learnt (router advertisements, DHCP) or was given, over either
/// family: <see cref="NetworkInterface.Dns"/>. Like the sockets, by handle and without blocking:
/// <see cref="TryStart"/> a lookup, poll the interface, then read <see cref="Status"/> and
/// <see cref="CopyAddresses"/> and <see cref="Close"/> it.
/// </summary>
/// <remarks>
/// <para>Each try goes to the next known server, with a new random ID (RFC 5452 section 9.2)
/// from a source port drawn at random per lookup from 49152-65535 (RFC 6335), both from
/// SipHash keyed with the stack's secret (<see cref="NetworkConfiguration.TcpSecret0"/>, under
/// another domain than TCP's sequence numbers). The first try waits
/// <see cref="FirstTimeoutMilliseconds"/>, each next one twice as long, <see cref="Tries"/>
/// in all: 1 + 2 + 4 s. An answer counts only if it comes from the server and port asked, to
/// our port, with our ID, and repeats our question (name, type, class IN, RFC 5452 section
/// 9.1); anything else is dropped as <see cref="DropReason.UnexpectedDnsAnswer"/> and the
/// lookup goes on waiting.</para>
/// <para>CNAME chains inside one answer are followed (at most <see cref="MaximumAliases"/>
/// links); a chain that leaves the answer is <see cref="DnsStatus.NoData"/>: we do not ask
/// again for the target. An answer with the TC bit is <see cref="DnsStatus.Truncated"/>: no
/// retry over TCP (A and AAAA answers fit 512 bytes unless a name has dozens of addresses).
/// A single-label name gets the first search domain appended, if one is known.</para>
/// <para>Everything is made at construction: <see cref="NetworkConfiguration.DnsQueries"/>
/// lookups at once and <see cref="NetworkConfiguration.DnsCacheEntries"/> cached answers
/// (<see cref="DnsCache"/>: TTLs capped at five minutes). Nothing is allocated afterwards.</para>
/// </remarks>
public sealed class DnsResolver
{
    /// <summary>The DNS server port (RFC 1035 section 4.2.1).</summary>
    public const ushort ServerPort = 53;

    /// <summary>Addresses kept per answer; the rest are left out.</summary>
    public const int MaximumAddresses = 4;

    /// <summary>Queries sent per lookup before <see cref="DnsStatus.TimedOut"/>, each to the next server.</summary>
    public const int Tries = 3;

    /// <summary>The wait after the first query; doubled after each (RFC 1536 section 1 warns against fixed short timeouts).</summary>
    public const long FirstTimeoutMilliseconds = 1000;

    /// <summary>CNAME links followed in one answer: a loop of aliases ends here.</summary>
    public const int MaximumAliases = 8;

    /// <summary>
    /// Seconds a lookup waits, polling each second without spending a try, while no known
    /// server is of a family we have an address of (an IPv4 server before the DHCP lease is
    /// bound, an IPv6 one before SLAAC); then <see cref="DnsStatus.NoServers"/>.
    /// </summary>
    public const int MaximumUnreachableWaits = 10;

    /// <summary>The first port of the dynamic range (RFC 6335 section 6); source ports are drawn from it.</summary>
    public const ushort FirstEphemeralPort = 49152;

    private const int EphemeralPortMask = 0x3FFF;

    /// <summary>Mixed into the SipHash key so DNS IDs and TCP sequence numbers never share a key.</summary>
    private const ulong KeyDomain = 0x646E_735F_6964_7321;

    private const int NameSize = DnsName.MaximumLength;

    private readonly NetworkInterface _interface;
    private readonly DnsCache _cache;
    private readonly ulong _key0;
    private readonly ulong _key1;
    private ulong _draws;
    private DnsServerTable _servers;
    private readonly DnsSearchDomains _searchDomains = new DnsSearchDomains();
    private readonly byte[] _query = new byte[DnsMessage.MaximumUdpLength];

    // One entry per lookup slot; names and addresses flat.
    private readonly DnsStatus[] _status;
    private readonly ushort[] _generations;
    private readonly byte[] _names;
    private readonly int[] _nameLengths;
    private readonly DnsRecordType[] _types;
    private readonly ushort[] _ids;
    private readonly ushort[] _ports;
    private readonly int[] _tries;
    private readonly int[] _unreachableWaits;
    private readonly long[] _deadlines;
    private readonly Ipv6Address[] _asked;
    private readonly Ipv6Address[] _addresses;
    private readonly int[] _counts;

    internal DnsResolver(NetworkInterface owner, in NetworkConfiguration configuration)
    {
        int queries = configuration.DnsQueries;
        if (queries < 0 || queries > byte.MaxValue || configuration.DnsCacheEntries < 0)
            Kernel.Panic("DnsResolver: between 0 and 255 lookups, and a cache of 0 or more entries"u8);
        _interface = owner;
        _cache = new DnsCache(configuration.DnsCacheEntries);
        _key0 = configuration.TcpSecret0 ^ KeyDomain;
        _key1 = configuration.TcpSecret1;
        _status = new DnsStatus[queries];
        _generations = new ushort[queries];
        _names = new byte[queries * NameSize];
        _nameLengths = new int[queries];
        _types = new DnsRecordType[queries];
        _ids = new ushort[queries];
        _ports = new ushort[queries];
        _tries = new int[queries];
        _unreachableWaits = new int[queries];
        _deadlines = new long[queries];
        _asked = new Ipv6Address[queries];
        _addresses = new Ipv6Address[queries * MaximumAddresses];
        _counts = new int[queries];
    }

    /// <summary>The servers known now (a copy).</summary>
    public DnsServerTable Servers => _servers;

    /// <summary>The search domains known now.</summary>
    public DnsSearchDomains SearchDomains => _searchDomains;

    /// <summary>How many servers can be asked now.</summary>
    public int ServerCount => _servers.Count(_interface.Now);

    /// <summary>Adds a server of the kernel's own (IPv4 as IPv4-mapped) that never expires.</summary>
    public void AddServer(Ipv6Address address) => _servers.Learn(address, DnsServerOrigin.Static, DnsServerTable.Forever, _interface.Now);

    /// <summary>Learns or refreshes a server; true if it is new.</summary>
    internal bool LearnServer(Ipv6Address address, DnsServerOrigin origin, long until) =>
        _servers.Learn(address, origin, until, _interface.Now);

    internal void ForgetServers(DnsServerOrigin origin)
    {
        _servers.Forget(origin);
        _searchDomains.Forget(origin);
    }

    /// <summary>
    /// Starts looking up <paramref name="name"/> (dotted ASCII, such as <c>board.test</c>) for
    /// <paramref name="type"/> A or AAAA. A cached answer completes the lookup at once; otherwise
    /// the query goes out on the next poll of the interface. False for another type, a name
    /// that is not one (empty labels, a label over 63 bytes, over 255 in all), or when every
    /// lookup slot is taken.
    /// </summary>
    public bool TryStart(ReadOnlySpan<byte> name, DnsRecordType type, out DnsQuery query)
    {
        query = DnsQuery.None;
        if (type != DnsRecordType.A && type != DnsRecordType.Aaaa)
            return false;
        int slot = -1;
        for (int i = 0; i < _status.Length; i++)
        {
            if (_status[i] == DnsStatus.None)
            {
                slot = i;
                break;
            }
        }
        if (slot < 0)
            return false;
        Span<byte> wire = _names.AsSpan(slot * NameSize, NameSize);
        if (!DnsName.TryEncode(name, wire, out int length))
            return false;
        length = WithSearchDomain(wire, length);

        ushort generation = (ushort)(_generations[slot] + 1);
        _generations[slot] = generation == 0 ? (ushort)1 : generation;
        _nameLengths[slot] = length;
        _types[slot] = type;
        _tries[slot] = 0;
        _unreachableWaits[slot] = 0;
        _ports[slot] = 0;
        _deadlines[slot] = _interface.Now;
        _counts[slot] = _cache.Lookup(wire.Slice(0, length), type, _interface.Now, _addresses.AsSpan(slot * MaximumAddresses, MaximumAddresses));
        _status[slot] = _counts[slot] > 0 ? DnsStatus.Resolved : DnsStatus.Pending;
        query = new DnsQuery(slot, _generations[slot]);
        return true;
    }

    /// <summary>Where <paramref name="query"/> stands; <see cref="DnsStatus.None"/> for a stale or empty handle.</summary>
    public DnsStatus Status(DnsQuery query) => TryGet(query, out int slot) ? _status[slot] : DnsStatus.None;

    /// <summary>
    /// The addresses a resolved lookup found (IPv4 ones IPv4-mapped), as many as fit
    /// <paramref name="addresses"/>; returns how many were copied, 0 unless <see cref="DnsStatus.Resolved"/>.
    /// </summary>
    public int CopyAddresses(DnsQuery query, Span<Ipv6Address> addresses)
    {
        if (!TryGet(query, out int slot) || _status[slot] != DnsStatus.Resolved)
            return 0;
        int count = _counts[slot] < addresses.Length ? _counts[slot] : addresses.Length;
        _addresses.AsSpan(slot * MaximumAddresses, count).CopyTo(addresses);
        return count;
    }

    /// <summary>Readable once the lookup has ended (any status but Pending); Closed for a stale handle.</summary>
    public SocketReadiness Readiness(DnsQuery query)
    {
        if (!TryGet(query, out int slot))
            return SocketReadiness.Closed;
        return _status[slot] == DnsStatus.Pending ? SocketReadiness.None : SocketReadiness.Readable;
    }

    /// <summary>Ends the lookup (a late answer is then refused) and frees its slot.</summary>
    public void Close(DnsQuery query)
    {
        if (TryGet(query, out int slot))
            _status[slot] = DnsStatus.None;
    }

    /// <summary>The name a lookup asks for, after any search domain, as dotted text; false for a stale handle or a short buffer.</summary>
    public bool TryFormatName(DnsQuery query, Span<byte> text, out int length)
    {
        length = 0;
        return TryGet(query, out int slot) && DnsName.TryFormat(_names.AsSpan(slot * NameSize, _nameLengths[slot]), 0, text, out length);
    }

    /// <summary>When <see cref="Send"/> next has something to do; <see cref="long.MaxValue"/> if never.</summary>
    internal long NextDeadline
    {
        get
        {
            long next = long.MaxValue;
            for (int i = 0; i < _status.Length; i++)
            {
                if (_status[i] == DnsStatus.Pending && _deadlines[i] < next)
                    next = _deadlines[i];
            }
            return next;
        }
    }

    /// <summary>Sends the queries due at <paramref name="now"/> (first tries and retries) and ends the lookups out of tries.</summary>
    internal void Send(long now)
    {
        for (int slot = 0; slot < _status.Length; slot++)
        {
            if (_status[slot] != DnsStatus.Pending || now < _deadlines[slot])
                continue;
            int servers = _servers.Count(now);
            if (servers == 0)
            {
                _status[slot] = DnsStatus.NoServers;
                continue;
            }
            if (_tries[slot] >= Tries)
            {
                _status[slot] = DnsStatus.TimedOut;
                continue;
            }
            // Each try to the next server (a server that is down costs one timeout, not all), or
            // the one after it when we have no address of its family yet (IPv4 before the lease).
            Ipv6Address server = default;
            Ipv6Address source = default;
            bool reachable = false;
            for (int i = 0; i < servers && !reachable; i++)
            {
                _servers.TryGet((_tries[slot] + i) % servers, now, out server, out _);
                reachable = _interface.TrySelectSource(server, out source);
            }
            if (!reachable)
            {
                if (++_unreachableWaits[slot] > MaximumUnreachableWaits)
                    _status[slot] = DnsStatus.NoServers;
                _deadlines[slot] = now + FirstTimeoutMilliseconds;
                continue;
            }
            if (_ports[slot] == 0)
                _ports[slot] = DrawPort();
            _ids[slot] = (ushort)NextRandom();
            int length = DnsMessage.EmitQuery(_query, _ids[slot], _names.AsSpan(slot * NameSize, _nameLengths[slot]), _types[slot]);
            UdpSendResult sent = _interface.QueueDatagram(source, server, _ports[slot], ServerPort, _query.AsSpan(0, length));
            if (sent == UdpSendResult.QueueFull)
                return; // Try again on the next poll; the slot keeps its deadline.
            _asked[slot] = server;
            _deadlines[slot] = now + (FirstTimeoutMilliseconds << _tries[slot]);
            _tries[slot]++;
        }
    }

    /// <summary>True when a lookup in progress waits for answers on <paramref name="port"/>.</summary>
    internal bool OwnsPort(ushort port)
    {
        for (int i = 0; i < _status.Length; i++)
        {
            if (_status[i] == DnsStatus.Pending && _ports[i] == port)
                return true;
        }
        return false;
    }

    /// <summary>A datagram to the port of a lookup in progress: its answer, or dropped.</summary>
    internal Verdict Receive(ushort port, Span<byte> payload, in IpEndpoint remote, long now)
    {
        if (!DnsMessage.TryParse(payload, out var message, out var error))
            return Verdict.FromWireError(error);
        int slot = -1;
        for (int i = 0; i < _status.Length; i++)
        {
            if (_status[i] == DnsStatus.Pending && _ports[i] == port && _tries[i] > 0 && _ids[i] == message.Id)
                slot = i;
        }
        if (slot < 0 || remote.Address != _asked[slot] || remote.Port != ServerPort || !message.IsResponse || message.Opcode != 0
            || message.QuestionCount != 1
            || !message.TryReadQuestion(DnsMessage.HeaderLength, out int questionName, out var type, out ushort questionClass, out int answers)
            || type != _types[slot] || questionClass != DnsMessage.ClassInternet
            || !DnsName.Equal(payload, questionName, _names.AsSpan(slot * NameSize, _nameLengths[slot]), 0))
            return Verdict.Drop(DropReason.UnexpectedDnsAnswer);

        if (message.IsTruncated)
            _status[slot] = DnsStatus.Truncated;
        else if (message.ResponseCode == DnsResponseCode.NameError)
            _status[slot] = DnsStatus.NameError;
        else if (message.ResponseCode == DnsResponseCode.ServerFailure)
            _status[slot] = DnsStatus.ServerFailure;
        else if (message.ResponseCode != DnsResponseCode.NoError)
            _status[slot] = DnsStatus.Refused;
        else
            ReadAnswers(slot, message, questionName, answers, now);
        return Verdict.Absorbed;
    }

    /// <summary>
    /// The addresses of the asked type owned by the question's name, or by the end of a CNAME
    /// chain that starts there (RFC 1034 section 4.3.2: the chain is in the same answer).
    /// </summary>
    private void ReadAnswers(int slot, DnsMessage message, int questionName, int answersOffset, long now)
    {
        ReadOnlySpan<byte> payload = message.Buffer;
        DnsRecordType wanted = _types[slot];
        int addressLength = wanted == DnsRecordType.A ? Ipv4Address.Length : Ipv6Address.Length;
        Span<Ipv6Address> found = _addresses.AsSpan(slot * MaximumAddresses, MaximumAddresses);
        int count = 0;
        uint timeToLive = uint.MaxValue;
        int owner = questionName;
        for (int link = 0; link <= MaximumAliases && count == 0; link++)
        {
            int alias = -1;
            int at = answersOffset;
            for (int i = 0; i < message.AnswerCount; i++)
            {
                if (!message.TryReadRecord(at, out var record, out at))
                    break;
                if (record.Class != DnsMessage.ClassInternet || !DnsName.Equal(payload, record.NameOffset, payload, owner))
                    continue;
                if (record.Type == wanted && record.DataLength == addressLength)
                {
                    if (count < MaximumAddresses)
                    {
                        ReadOnlySpan<byte> data = payload.Slice(record.DataOffset, addressLength);
                        found[count++] = wanted == DnsRecordType.A ? Ipv6Address.MapIpv4(new Ipv4Address(data)) : new Ipv6Address(data);
                    }
                    timeToLive = record.TimeToLive < timeToLive ? record.TimeToLive : timeToLive;
                }
                else if (record.Type == DnsRecordType.CanonicalName && alias < 0)
                {
                    alias = record.DataOffset;
                    timeToLive = record.TimeToLive < timeToLive ? record.TimeToLive : timeToLive;
                }
            }
            if (count > 0 || alias < 0)
                break;
            owner = alias;
        }
        _counts[slot] = count;
        _status[slot] = count > 0 ? DnsStatus.Resolved : DnsStatus.NoData;
        if (count > 0)
            _cache.Store(_names.AsSpan(slot * NameSize, _nameLengths[slot]), wanted, found.Slice(0, count), timeToLive, now);
    }

    /// <summary>A single-label name with the first search domain appended, when one is known and the whole fits.</summary>
    private int WithSearchDomain(Span<byte> wire, int length)
    {
        if (DnsName.CountLabels(wire.Slice(0, length)) != 1 || !_searchDomains.TryGet(0, _interface.Now, out var domain)
            || length - 1 + domain.Length > NameSize)
            return length;
        domain.CopyTo(wire.Slice(length - 1));
        return length - 1 + domain.Length;
    }

    /// <summary>A random port of the dynamic range that no socket and no other lookup uses.</summary>
    private ushort DrawPort()
    {
        while (true)
        {
            ushort port = (ushort)(FirstEphemeralPort + (NextRandom() & EphemeralPortMask));
            if (!_interface.IsUdpPortBound(port) && !OwnsPort(port))
                return port;
        }
    }

    /// <summary>SipHash-2-4 of a counter under the stack's secret: unpredictable to anyone off the box (RFC 5452 section 9.2).</summary>
    private ulong NextRandom()
    {
        Span<byte> counter = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64BigEndian(counter, ++_draws);
        return SipHash.Hash24(_key0, _key1, counter);
    }

    private bool TryGet(DnsQuery query, out int slot)
    {
        slot = query.Slot;
        return !query.IsNone && slot < _status.Length && _status[slot] != DnsStatus.None && _generations[slot] == query.Generation;
    }
}
