using Unikernel.Net.Wire;

namespace Unikernel.Net;

/// <summary>
/// One datagram we send that is larger than the path MTU, whole in a buffer made at start-up,
/// given out one fragment per call (RFC 791 section 3.2 and RFC 8200 section 4.5): every
/// fragment but the last carries the largest multiple of 8 bytes that fits the MTU. IPv4
/// fragments have DF clear and the datagram's identification; IPv6 fragments carry a Fragment
/// header after the fixed header (we put no extension headers of our own before it).
/// </summary>
/// <remarks>
/// One datagram at a time: while one goes out (or waits for its next hop's address), another
/// large UDP send is refused as queue full and a large echo reply is dropped
/// (<see cref="DropReason.ReplyBufferTooSmall"/>). The fragments are copied out of this buffer
/// into the poll's frame, one copy each, as the transmit queue's frames are.
/// </remarks>
internal sealed class OutgoingDatagram
{
    private readonly byte[] _packet;
    private int _length;
    private int _headerLength;
    private int _sent;
    private int _mtu;
    private uint _identification;
    private MacAddress _mac;
    private Ipv6Address _nextHop;

    /// <param name="largestDatagram">The most bytes after the IP header.</param>
    public OutgoingDatagram(int largestDatagram)
    {
        _packet = new byte[Ipv6Packet.HeaderLength + largestDatagram];
    }

    /// <summary>A datagram is being sent: a new one must wait.</summary>
    public bool IsBusy => _length > 0;

    /// <summary>The most bytes after the IP header a datagram here may carry.</summary>
    public int Capacity => _packet.Length - Ipv6Packet.HeaderLength;

    /// <summary>The buffer to build the IP packet in (IP header at 0) before <see cref="Start"/>.</summary>
    public Span<byte> Packet => _packet;

    /// <summary>The next hop to resolve before the next fragment goes (unspecified when <see cref="Mac"/> is known).</summary>
    public Ipv6Address NextHop => _nextHop;

    public MacAddress Mac => _mac;

    /// <summary>
    /// Sends the <paramref name="length"/>-byte IP packet built in <see cref="Packet"/> in
    /// fragments for <paramref name="mtu"/>: to <paramref name="mac"/> if known, else to the MAC
    /// of <paramref name="nextHop"/> once resolved.
    /// </summary>
    public void Start(int length, int mtu, uint identification, in Ipv6Address nextHop, MacAddress mac)
    {
        _length = length;
        _headerLength = (_packet[0] >> 4) == Ipv4Packet.Version4 ? Ipv4Packet.MinimumHeaderLength : Ipv6Packet.HeaderLength;
        _sent = 0;
        _mtu = mtu;
        _identification = identification;
        _nextHop = nextHop;
        _mac = mac;
    }

    /// <summary>The next hop's address is now known.</summary>
    public void Resolved(MacAddress mac)
    {
        _mac = mac;
        _nextHop = default;
    }

    /// <summary>Gives up the datagram (its next hop never answered).</summary>
    public void Drop() => _length = 0;

    /// <summary>
    /// Writes the next fragment, Ethernet header included, into <paramref name="frame"/> and
    /// returns its length (0 when nothing is left). The caller has resolved the next hop.
    /// </summary>
    public int EmitNext(Span<byte> frame, MacAddress ourMac)
    {
        if (_length == 0 || !_nextHop.IsUnspecified)
            return 0;
        bool ipv4 = _headerLength == Ipv4Packet.MinimumHeaderLength;
        int fragmentHeader = ipv4 ? 0 : Ipv6FragmentHeader.Length;
        int data = _length - _headerLength;
        int unit = ipv4 ? Ipv4Packet.FragmentUnit : Ipv6FragmentHeader.Unit;
        int room = (_mtu - _headerLength - fragmentHeader) / unit * unit;
        int chunk = data - _sent < room ? data - _sent : room;
        bool more = _sent + chunk < data;
        int ipLength = _headerLength + fragmentHeader + chunk;
        if (frame.Length < EthernetFrame.HeaderLength + ipLength)
            Kernel.Panic("OutgoingDatagram.EmitNext: the frame is shorter than the MTU"u8);

        EthernetFrame.Emit(frame, _mac, ourMac, ipv4 ? EtherType.Ipv4 : EtherType.Ipv6);
        Span<byte> ip = frame.Slice(EthernetFrame.HeaderLength);
        _packet.AsSpan(0, _headerLength).CopyTo(ip);
        _packet.AsSpan(_headerLength + _sent, chunk).CopyTo(ip.Slice(_headerLength + fragmentHeader));
        if (ipv4)
        {
            var header = new Ipv4Packet(ip.Slice(0, ipLength));
            header.TotalLength = ipLength;
            header.Identification = (ushort)_identification;
            header.DontFragment = false;
            header.MoreFragments = more;
            header.FragmentOffset = _sent;
            header.FillChecksum();
        }
        else
        {
            var header = new Ipv6Packet(ip.Slice(0, ipLength));
            IpProtocol upper = header.NextHeader;
            header.NextHeader = IpProtocol.Ipv6Fragment;
            header.PayloadLength = fragmentHeader + chunk;
            Ipv6FragmentHeader.Emit(ip.Slice(Ipv6Packet.HeaderLength), upper, _sent, more, _identification);
        }
        _sent += chunk;
        if (!more)
            _length = 0;
        return EthernetFrame.Pad(frame, EthernetFrame.HeaderLength + ipLength);
    }
}
