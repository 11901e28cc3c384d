using Unikernel.Net.Wire;

namespace Unikernel.Net;

/// <summary>
/// One Ethernet interface of an end host: its addresses, ARP cache and counters, and the
/// responder that answers ARP, ping, neighbour solicitation and ping6 one frame at a time.
/// </summary>
/// <remarks>
/// <para>
/// A mutable struct with everything inline, so it costs no allocation: keep one in a static
/// field or a local and call <see cref="Process"/> on that variable (a copy counts on its own).
/// </para>
/// <para>
/// <see cref="Process"/> reads a received frame and writes at most one reply into a separate
/// buffer. Input from the wire never panics and never throws: each view's <c>Check</c> runs
/// before any accessor, the reply's length is checked against its buffer before any <c>Emit</c>,
/// and every frame lands in exactly one counter of <see cref="Counters"/>.
/// </para>
/// </remarks>
public partial struct NetworkInterface
{
    /// <summary>TTL and hop limit of what we originate (RFC 1700's 64, as Linux uses).</summary>
    public const byte DefaultHopLimit = 64;

    /// <summary>Neighbour discovery is sent and accepted only at 255, proof it was not forwarded (RFC 4861 section 7.1.1).</summary>
    public const byte NeighborDiscoveryHopLimit = 255;

    private readonly MacAddress _mac;
    private readonly Ipv4Address _ipv4;
    private readonly bool _hasIpv4;
    private readonly Ipv6Address _linkLocal;
    private ArpCache _arpCache;
    private InterfaceCounters _counters;

    /// <summary>An interface with IPv6 only: the link-local address derived from <paramref name="mac"/>.</summary>
    public NetworkInterface(MacAddress mac)
    {
        _mac = mac;
        _linkLocal = LinkLocalFromMac(mac);
    }

    /// <summary>An interface with a static IPv4 address too; <see cref="Ipv4Address.Any"/> means none.</summary>
    public NetworkInterface(MacAddress mac, Ipv4Address ipv4)
        : this(mac)
    {
        _ipv4 = ipv4;
        _hasIpv4 = !ipv4.IsUnspecified;
    }

    public readonly MacAddress MacAddress => _mac;

    /// <summary>True if a static IPv4 address was configured.</summary>
    public readonly bool HasIpv4Address => _hasIpv4;

    /// <summary>The static IPv4 address, or 0.0.0.0 when there is none.</summary>
    public readonly Ipv4Address Ipv4Address => _ipv4;

    /// <summary>fe80:: and the modified EUI-64 interface identifier of our MAC.</summary>
    public readonly Ipv6Address LinkLocalAddress => _linkLocal;

    /// <summary>The group neighbour solicitations for our link-local address are sent to (RFC 4861 section 7.2.2).</summary>
    public readonly Ipv6Address SolicitedNodeGroup => _linkLocal.SolicitedNode;

    /// <summary>A snapshot of the counters.</summary>
    public readonly InterfaceCounters Counters => _counters;

    /// <summary>A snapshot of the ARP cache.</summary>
    public readonly ArpCache ArpCache => _arpCache;

    /// <summary>The link-layer address last learned for <paramref name="address"/> by ARP.</summary>
    public readonly bool TryResolve(Ipv4Address address, out MacAddress mac) => _arpCache.TryLookup(address, out mac);

    /// <summary>
    /// The link-local address of an interface with this MAC: fe80::/64 and the modified EUI-64
    /// identifier, the MAC split by ff:fe with the universal/local bit inverted (RFC 4291
    /// appendix A, RFC 2464 section 4): 52:54:00:12:34:56 gives fe80::5054:ff:fe12:3456.
    /// </summary>
    public static Ipv6Address LinkLocalFromMac(MacAddress mac)
    {
        const ulong UniversalLocalBit = 0x02_0000;
        ulong organisation = (mac.Value >> 24) ^ UniversalLocalBit;
        ulong identifier = organisation << 40 | 0xFF_FEUL << 24 | (mac.Value & 0xFF_FFFF);
        return new Ipv6Address(0xFE80_0000_0000_0000, identifier);
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
            _counters.CountDrop(verdict.Reason, verdict.Error);
        return verdict.Length;
    }

    /// <summary>True for our MAC, broadcast, and the IPv6 groups we are in: all-nodes and our solicited-node group (RFC 2464 section 7).</summary>
    public readonly bool AcceptsDestination(MacAddress destination) =>
        destination == _mac || destination.IsBroadcast
        || destination == MacAddress.FromIpv6Multicast(Ipv6Address.AllNodes)
        || destination == MacAddress.FromIpv6Multicast(SolicitedNodeGroup);

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
    private readonly bool TryStartReply(Span<byte> reply, MacAddress destination, EtherType type, int payloadLength, out int frameLength)
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

    /// <summary>What became of one frame: a reply of some length, absorbed, or dropped for a reason.</summary>
    private readonly struct Verdict
    {
        public readonly int Length;
        public readonly bool IsAbsorbed;
        public readonly DropReason Reason;
        public readonly WireError Error;

        private Verdict(int length, bool absorbed, DropReason reason, WireError error)
        {
            Length = length;
            IsAbsorbed = absorbed;
            Reason = reason;
            Error = error;
        }

        public static Verdict Reply(int length) => new Verdict(length, false, default, WireError.None);

        public static Verdict Absorbed => new Verdict(0, true, default, WireError.None);

        public static Verdict Drop(DropReason reason) => new Verdict(0, false, reason, WireError.None);

        /// <summary>A failed Check: checksum and unsupported have drop reasons of their own, the rest is malformed.</summary>
        public static Verdict FromWireError(WireError error) => error switch
        {
            WireError.BadChecksum => Drop(DropReason.BadChecksum),
            WireError.Unsupported => Drop(DropReason.Unsupported),
            _ => new Verdict(0, false, DropReason.Malformed, error),
        };
    }
}
