using Unikernel.Net.Dhcp;
using Unikernel.Net.Wire;

namespace Unikernel.Net;

public sealed partial class NetworkInterface
{
    private DhcpClient _dhcp;

    /// <summary>The DHCP client's state, for the console; Init when DHCP is not configured.</summary>
    public DhcpClient Dhcp => _dhcp;

    private void StartDhcp()
    {
        if (UsesDhcp)
            _dhcp = new DhcpClient(_mac, _configuration.Seed, _configuration.DhcpLastAddress, _configuration.DhcpConflictDetection);
    }

    /// <summary>A reply from a server, to port 68: may give, renew or take away our address.</summary>
    private Verdict ProcessDhcp(EthernetFrame ethernet, Ipv4Address source, Span<byte> payload)
    {
        switch (_dhcp.Receive(payload, _now))
        {
            case DhcpEvent.Bound:
                ApplyLease(InterfaceEventKind.Ipv4Leased);
                LearnDhcpDns(payload);
                // The server answered from its own address on this link: no ARP needed to renew.
                if (source == _dhcp.Server)
                    _neighbors.Learn(Ipv6Address.MapIpv4(source), ethernet.Source, _now);
                return Verdict.Absorbed;
            case DhcpEvent.Renewed:
                ApplyLease(InterfaceEventKind.Ipv4Renewed);
                LearnDhcpDns(payload);
                return Verdict.Absorbed;
            case DhcpEvent.Nak:
                LoseLease();
                return Verdict.Absorbed;
            case DhcpEvent.Probing:
                // Its servers are known now; the address is not used until the probes are over.
                LearnDhcpDns(payload);
                return Verdict.Absorbed;
            case DhcpEvent.Offered:
                return Verdict.Absorbed;
            default:
                return Verdict.Drop(DropReason.Unsupported);
        }
    }

    private void ApplyLease(InterfaceEventKind kind)
    {
        _ipv4 = _dhcp.Address;
        _ipv4PrefixLength = _dhcp.PrefixLength;
        _ipv4Gateway = _dhcp.Router;
        _events.Add(new InterfaceEvent(kind, Ipv6Address.MapIpv4(_ipv4), _ipv4PrefixLength, Ipv6Address.MapIpv4(_dhcp.Server),
            _dhcp.LeaseSeconds));
    }

    private void LoseLease()
    {
        if (_ipv4.IsUnspecified)
            return;
        ForgetDhcpDns();
        _events.Add(new InterfaceEvent(InterfaceEventKind.Ipv4Lost, Ipv6Address.MapIpv4(_ipv4), _ipv4PrefixLength,
            Ipv6Address.MapIpv4(_dhcp.Server), 0));
        _ipv4 = Ipv4Address.Any;
        _ipv4Gateway = Ipv4Address.Any;
    }

    private void AdvanceDhcp()
    {
        while (_dhcp.TryTakeEvent(out var happened))
        {
            if (happened == DhcpEvent.LeaseExpired || happened == DhcpEvent.Nak || happened == DhcpEvent.Released)
                LoseLease();
            else if (happened == DhcpEvent.Bound)
                ApplyLease(InterfaceEventKind.Ipv4Leased);
            else if (happened == DhcpEvent.Declined)
            {
                ForgetDhcpDns();
                _events.Add(new InterfaceEvent(InterfaceEventKind.Ipv4Declined, Ipv6Address.MapIpv4(_dhcp.DeclinedAddress), 32, default, 0));
            }
        }
    }

    /// <summary>
    /// Gives the DHCP lease back (RFC 2131 section 4.4.6): a RELEASE goes to the server on the
    /// next poll and the address is dropped (an <see cref="InterfaceEventKind.Ipv4Lost"/> event);
    /// DHCP then stays quiet. Nothing happens without a lease.
    /// </summary>
    public void ReleaseDhcpLease()
    {
        if (UsesDhcp)
            _dhcp.Release(_now);
    }

    /// <summary>
    /// The ARP probe or announcement DHCP's conflict detection has due, written into
    /// <paramref name="frame"/> (RFC 5227 sections 2.1.1 and 2.3: requests, broadcast, target
    /// hardware address zero); 0 when none.
    /// </summary>
    private int EmitDhcpArp(Span<byte> frame)
    {
        if (!UsesDhcp || _now < _dhcp.NextDeadline)
            return 0;
        DhcpArpKind kind = _dhcp.TakeArpDue(_now, out Ipv4Address address);
        AdvanceDhcp();
        if (kind == DhcpArpKind.None)
            return 0;
        Ipv4Address sender = kind == DhcpArpKind.Probe ? Ipv4Address.Any : address;
        EthernetFrame.Emit(frame, MacAddress.Broadcast, _mac, EtherType.Arp);
        ArpPacket.Emit(frame.Slice(EthernetFrame.HeaderLength), ArpOperation.Request, _mac, sender, MacAddress.Zero, address);
        return Pad(frame, EthernetFrame.HeaderLength + ArpPacket.Length);
    }

    /// <summary>
    /// While DHCP probes an address: an ARP packet from another host with it as sender, or
    /// another host's probe for it, means it is taken (RFC 5227 section 2.1.1).
    /// </summary>
    private bool IsDhcpConflict(ArpPacket arp)
    {
        if (!UsesDhcp || _dhcp.State != DhcpState.Probing || arp.SenderHardwareAddress == _mac)
            return false;
        Ipv4Address candidate = _dhcp.Address;
        return arp.SenderProtocolAddress == candidate
            || (arp.SenderProtocolAddress.IsUnspecified && arp.TargetProtocolAddress == candidate);
    }

    /// <summary>Builds the DHCP message due now, if any, straight into a transmit slot.</summary>
    private bool QueueDhcp()
    {
        if (!UsesDhcp || _now < _dhcp.NextDeadline)
            return false;
        int slot = _transmit.Reserve();
        if (slot < 0)
            return false;
        const int PayloadOffset = EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength + UdpDatagram.HeaderLength;
        int length = _dhcp.Poll(_now, _transmit.Slot(slot).Slice(PayloadOffset, DhcpClient.PayloadLength), out var source, out var destination);
        // Routed before the events are applied: a RELEASE goes out from the address it gives back.
        bool queued = length > 0
            && CommitIpv4Datagram(slot, source, destination, DhcpClient.ClientPort, DhcpClient.ServerPort, length) == UdpSendResult.Queued;
        AdvanceDhcp();
        return queued;
    }
}
