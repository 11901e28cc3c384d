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
            _dhcp = new DhcpClient(_mac, _configuration.Seed);
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
            if (happened == DhcpEvent.LeaseExpired || happened == DhcpEvent.Nak)
                LoseLease();
        }
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
        AdvanceDhcp();
        if (length == 0)
            return false;
        return CommitIpv4Datagram(slot, source, destination, DhcpClient.ClientPort, DhcpClient.ServerPort, length) == UdpSendResult.Queued;
    }
}
