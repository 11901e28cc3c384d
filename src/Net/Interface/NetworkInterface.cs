using Unikernel.Net.Wire;

namespace Unikernel.Net;

/// <summary>
/// One Ethernet interface of an end host: its addresses (static, DHCP, link-local, SLAAC),
/// neighbour cache, socket sets (<see cref="Tcp"/>, <see cref="Udp"/>) and counters. <see cref="Process"/> takes each received frame
/// and writes the immediate answer if there is one (ARP, echo, neighbour advertisement, ICMP
/// errors); <see cref="Poll"/> hands out, one frame per call, what the interface originates on
/// its own timers (solicitations, DHCP, router solicitation, MLD reports, queued datagrams, the
/// fragments of a datagram larger than the path MTU). Fragments received are reassembled
/// (<see cref="Reassembly"/>) and the datagram goes on as if it had come whole.
/// </summary>
/// <remarks>
/// <para>
/// Made once at start-up with every pool it will ever use (<see cref="NetworkConfiguration"/>):
/// nothing is allocated per frame. Time is the caller's clock in milliseconds, given to
/// <see cref="Poll"/>; <see cref="Process"/> runs at the time of the last poll.
/// </para>
/// <para>
/// Input from the wire never panics and never throws: each view's <c>Check</c> runs before any
/// accessor, a reply's length is checked against its buffer before any <c>Emit</c>, and every
/// frame lands in exactly one counter of <see cref="Counters"/>.
/// </para>
/// </remarks>
public sealed partial class NetworkInterface
{
    /// <summary>TTL and hop limit of what we originate (RFC 1700's 64, as Linux uses).</summary>
    public const byte DefaultHopLimit = 64;

    /// <summary>Ethernet's MTU (RFC 894), the largest IP packet a transmit slot holds.</summary>
    public const int EthernetMtu = TransmitQueue.SlotSize - EthernetFrame.HeaderLength;

    /// <summary>Neighbour discovery is sent and accepted only at 255, proof it was not forwarded (RFC 4861 section 7.1.1).</summary>
    public const byte NeighborDiscoveryHopLimit = 255;

    private readonly MacAddress _mac;
    private readonly NetworkConfiguration _configuration;
    private Ipv4Address _ipv4;
    private int _ipv4PrefixLength;
    private Ipv4Address _ipv4Gateway;
    private Ipv6AddressTable _ipv6;
    private NeighborCache _neighbors;
    private InterfaceCounters _counters;
    private TokenBucket _icmpErrors;
    private readonly TransmitQueue _transmit;
    private readonly InterfaceEvents _events;
    private readonly Ipv6Autoconfiguration _autoconfiguration = null!;

    /// <summary>Null when <see cref="NetworkConfiguration.ReassemblyBuffers"/> or <see cref="NetworkConfiguration.LargestDatagram"/> is 0.</summary>
    private readonly Reassembly _reassembly = null!;

    /// <summary>Null when <see cref="NetworkConfiguration.LargestDatagram"/> is 0: nothing larger than the MTU is sent.</summary>
    private readonly OutgoingDatagram _outgoing = null!;
    private FragmentIdentifiers _fragmentIdentifiers;
    private readonly int _linkMtu;
    private readonly PathMtuCache _pathMtu;
    private long _now;

    /// <summary>An interface with IPv6 only, its link-local address assumed unique: the tests' and the probes' choice.</summary>
    public NetworkInterface(MacAddress mac)
        : this(mac, Ipv4Address.Any)
    {
    }

    /// <summary>An interface with a static IPv4 address (/24) too; <see cref="Ipv4Address.Any"/> means none. No autoconfiguration.</summary>
    public NetworkInterface(MacAddress mac, Ipv4Address ipv4)
        : this(mac, Static(ipv4))
    {
    }

    public NetworkInterface(MacAddress mac, NetworkConfiguration configuration)
    {
        _mac = mac;
        _configuration = configuration;
        if ((configuration.Dhcp && !NetworkFeatures.Dhcp) || (configuration.Ipv6Autoconfiguration && !NetworkFeatures.Ipv6Autoconfiguration))
            Kernel.Panic("NetworkInterface: the configuration asks for a feature this image was built without (NetworkFeatures)"u8);
        _ipv6.Set(0, LinkLocalFromMac(mac), NetworkFeatures.Ipv6Autoconfiguration && configuration.Ipv6Autoconfiguration, onLink: true,
            Ipv6AddressTable.Forever, Ipv6AddressTable.Forever);
        if (!configuration.Dhcp)
        {
            _ipv4 = configuration.Ipv4Address;
            _ipv4PrefixLength = configuration.Ipv4PrefixLength;
            _ipv4Gateway = configuration.Ipv4Gateway;
        }
        _linkMtu = configuration.LinkMtu == 0 ? EthernetMtu : configuration.LinkMtu;
        if (_linkMtu < Ipv6Packet.MinimumMtu || _linkMtu > EthernetMtu)
            Kernel.Panic("NetworkInterface: LinkMtu must be 0 (Ethernet's 1500) or 1280 to 1500"u8);
        _pathMtu = new PathMtuCache(configuration.PathMtuEntries);
        // RFC 4443 section 2.4 (f) leaves the rate to us: a burst of 10, then 10 a second.
        _icmpErrors = new TokenBucket(10, 100);
        _transmit = new TransmitQueue(configuration.TransmitQueueDepth > 0 ? configuration.TransmitQueueDepth : 1);
        _events = new InterfaceEvents();
        if (configuration.LargestDatagram > 0)
        {
            if (configuration.ReassemblyBuffers > 0)
                _reassembly = new Reassembly(configuration.ReassemblyBuffers, configuration.LargestDatagram);
            _outgoing = new OutgoingDatagram(configuration.LargestDatagram);
        }
        _fragmentIdentifiers = new FragmentIdentifiers(configuration.TcpSecret0, configuration.TcpSecret1);
        if (UdpBuiltIn)
            _udp = new UdpSocketSet(this, configuration.UdpSockets > 0 ? configuration.UdpSockets : 0, configuration.UdpQueueDepth,
                configuration.UdpLargestPayload > 0 ? configuration.UdpLargestPayload : UdpSocketSet.MaximumPayload);
        if (TcpBuiltIn)
            _tcp = new TcpSocketSet(this, configuration);
        if (DnsBuiltIn)
            _dns = new DnsResolver(this, configuration);
        if (UsesAutoconfiguration)
            _autoconfiguration = new Ipv6Autoconfiguration(mac, _events);
        StartDhcp();
    }

    /// <summary>DHCP is configured and built in.</summary>
    private bool UsesDhcp => NetworkFeatures.Dhcp && _configuration.Dhcp;

    /// <summary>IPv6 autoconfiguration is configured and built in.</summary>
    private bool UsesAutoconfiguration => NetworkFeatures.Ipv6Autoconfiguration && _configuration.Ipv6Autoconfiguration;

    private static NetworkConfiguration Static(Ipv4Address ipv4)
    {
        var configuration = NetworkConfiguration.WithStaticIpv4(ipv4, 24);
        configuration.Ipv6Autoconfiguration = false;
        return configuration;
    }

    public MacAddress MacAddress => _mac;

    /// <summary>The largest IP packet we send on the link (<see cref="NetworkConfiguration.LinkMtu"/>).</summary>
    public int LinkMtu => _linkMtu;

    /// <summary>True while an IPv4 address is configured or leased.</summary>
    public bool HasIpv4Address => !_ipv4.IsUnspecified;

    /// <summary>The IPv4 address, static or leased, or 0.0.0.0 when there is none.</summary>
    public Ipv4Address Ipv4Address => _ipv4;

    public int Ipv4PrefixLength => _ipv4PrefixLength;

    /// <summary>fe80:: and the modified EUI-64 interface identifier of our MAC.</summary>
    public Ipv6Address LinkLocalAddress => _ipv6[0];

    /// <summary>Our IPv6 addresses: slot 0 is the link-local one, the others SLAAC's (empty slots have state None).</summary>
    public Ipv6AddressTable Ipv6Addresses => _ipv6;

    /// <summary>The group neighbour solicitations for our link-local address are sent to (RFC 4861 section 7.2.2).</summary>
    public Ipv6Address SolicitedNodeGroup => _ipv6[0].SolicitedNode;

    /// <summary>The default router from the last advertisement, unspecified when none or expired.</summary>
    public Ipv6Address DefaultRouter => UsesAutoconfiguration ? _autoconfiguration.DefaultRouter(_now) : default;

    /// <summary>A snapshot of the counters.</summary>
    public InterfaceCounters Counters => _counters;

    /// <summary>A snapshot of the neighbour cache (ARP entries are IPv4-mapped).</summary>
    public NeighborCache Neighbors => _neighbors;

    /// <summary>The clock of the last <see cref="Poll"/>, in milliseconds.</summary>
    public long Now => _now;

    /// <summary>The link-layer address known for <paramref name="address"/> by ARP.</summary>
    public bool TryResolve(Ipv4Address address, out MacAddress mac) => _neighbors.TryLookup(Ipv6Address.MapIpv4(address), out mac);

    /// <summary>The link-layer address known for <paramref name="address"/> by neighbour discovery.</summary>
    public bool TryResolve(Ipv6Address address, out MacAddress mac) => _neighbors.TryLookup(address, out mac);

    /// <summary>The oldest configuration change not yet taken, for the console to print.</summary>
    public bool TryTakeEvent(out InterfaceEvent change) => _events.TryTake(out change);

    /// <summary>
    /// The link-local address of an interface with this MAC: fe80::/64 and the modified EUI-64
    /// identifier, the MAC split by ff:fe with the universal/local bit inverted (RFC 4291
    /// appendix A, RFC 2464 section 4): 52:54:00:12:34:56 gives fe80::5054:ff:fe12:3456.
    /// </summary>
    public static Ipv6Address LinkLocalFromMac(MacAddress mac) => new Ipv6Address(0xFE80_0000_0000_0000, InterfaceIdentifier(mac));

    /// <summary>The modified EUI-64 interface identifier of <paramref name="mac"/> (RFC 4291 appendix A).</summary>
    public static ulong InterfaceIdentifier(MacAddress mac)
    {
        const ulong UniversalLocalBit = 0x02_0000;
        ulong organisation = (mac.Value >> 24) ^ UniversalLocalBit;
        return organisation << 40 | 0xFF_FEUL << 24 | (mac.Value & 0xFF_FFFF);
    }

    /// <summary>
    /// Handles one received Ethernet frame (no FCS) and writes the answer, if any, into
    /// <paramref name="reply"/>: returns its length, padded to the Ethernet minimum, or 0 when
    /// there is nothing to send. The two buffers must not overlap.
    /// </summary>
    public int Process(Span<byte> frame, Span<byte> reply)
    {
        _counters.CountReceived();
        Verdict verdict = Dispatch(frame, reply);
        if (verdict.Length > 0)
            _counters.CountReplied();
        else if (verdict.IsAbsorbed)
            _counters.CountAbsorbed();
        else
        {
            _counters.CountDrop(verdict.Reason, verdict.Error);
            LastDrop = verdict.Reason;
            LastDropError = verdict.Error;
        }
        return verdict.Length;
    }

    /// <summary>Frames dropped so far (the sum of the drop counters), without copying the counters.</summary>
    public ulong DroppedFrames => _counters.Dropped;

    /// <summary>Why the last dropped frame was dropped, for a log line.</summary>
    public DropReason LastDrop { get; private set; }

    /// <summary>The Check failure behind the last <see cref="DropReason.Malformed"/> drop.</summary>
    public WireError LastDropError { get; private set; }

    /// <summary>
    /// True for our MAC, broadcast, and the IPv6 groups we are in: all-nodes and the
    /// solicited-node group of each of our addresses (RFC 2464 section 7).
    /// </summary>
    public bool AcceptsDestination(MacAddress destination)
    {
        if (destination == _mac || destination.IsBroadcast)
            return true;
        // 33:33 and the low 32 bits of an IPv6 group (RFC 2464 section 7): all-nodes (…:1) or a
        // solicited-node group (ff02::1:ffXX:XXXX), ours if IsOurGroup says so.
        const ulong Ipv6Multicast = 0x3333_0000_0000UL;
        if ((destination.Value & 0xFFFF_0000_0000UL) != Ipv6Multicast)
            return false;
        uint low = (uint)destination.Value;
        return low == 1 || _ipv6.IsOurGroup(new Ipv6Address(0xFF02_0000_0000_0000, 0x1_0000_0000UL | low));
    }

    private Verdict Dispatch(Span<byte> frame, Span<byte> reply)
    {
        // The destination filter first, so a tagged or LLC frame for someone else counts as not ours.
        if (frame.Length >= EthernetFrame.HeaderLength && !AcceptsDestination(new MacAddress(frame)))
            return Verdict.Drop(DropReason.NotForUs);
        if (!EthernetFrame.TryParse(frame, out var ethernet, out var error))
            return Verdict.FromWireError(error);
        // A group address as source is invalid (IEEE 802-2014 section 8.2): never answer or learn it.
        if (ethernet.Source.IsMulticast)
            return Verdict.Drop(DropReason.InvalidSource);

        return ethernet.EtherType switch
        {
            EtherType.Arp => ProcessArp(ethernet, reply),
            EtherType.Ipv4 => ProcessIpv4(ethernet, reply),
            EtherType.Ipv6 => ProcessIpv6(ethernet, reply),
            _ => Verdict.Drop(DropReason.Unsupported),
        };
    }

    /// <summary>
    /// Writes the Ethernet header of a reply whose payload is <paramref name="payloadLength"/>
    /// bytes, after checking it fits; false if it does not. Returns the padded frame length.
    /// </summary>
    private bool TryStartReply(Span<byte> reply, MacAddress destination, EtherType type, int payloadLength, out int frameLength)
    {
        int length = EthernetFrame.HeaderLength + payloadLength;
        frameLength = length < EthernetFrame.MinimumLength ? EthernetFrame.MinimumLength : length;
        if (reply.Length < frameLength)
            return false;
        EthernetFrame.Emit(reply, destination, _mac, type);
        // Padding is zeros (IEEE 802.3-2018 section 3.2.7 leaves it unspecified): no stale bytes leak.
        reply.Slice(length, frameLength - length).Clear();
        return true;
    }
}
