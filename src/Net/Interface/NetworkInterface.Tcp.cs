using Unikernel.Net.Wire;

namespace Unikernel.Net;

public sealed partial class NetworkInterface
{
    /// <summary>Made by the constructor; null in an image built without TCP, where every use is behind TcpBuiltIn.</summary>
    private readonly TcpSocketSet _tcp = null!;

    /// <summary>NetworkFeatures.Tcp, as a property so the compiler does not call the code behind it unreachable; ilc folds it.</summary>
    private static bool TcpBuiltIn => NetworkFeatures.Tcp;

    /// <summary>The TCP sockets: listen, accept, connect, send and receive by <see cref="TcpHandle"/>. Null in an image built without TCP.</summary>
    public TcpSocketSet Tcp => _tcp;

    /// <summary>
    /// A TCP segment for one of our addresses, to the socket set; its answer goes back to the MAC it came from, as an echo reply
    /// does. A segment a connection takes confirms the peer's next hop to the neighbour cache (RFC 4861 section 7.3.1,
    /// upper-layer reachability confirmation); that is where sends on the poll find it.
    /// </summary>
    private Verdict ProcessTcp(EthernetFrame ethernet, in Ipv6Address local, in Ipv6Address remote, Span<byte> segment, Span<byte> reply)
    {
        if (!TcpBuiltIn)
            return Verdict.Drop(DropReason.Unsupported);
        int headers = EthernetFrame.HeaderLength + IpHeaderLength(remote);
        Span<byte> room = reply.Length < TransmitQueue.SlotSize ? default : reply.Slice(headers, TransmitQueue.SlotSize - headers);
        Verdict verdict = _tcp.Process(local, remote, segment, room, out bool peerHeard);
        if (peerHeard && TryRoute(remote, out var nextHop, out _) && !nextHop.IsUnspecified)
        {
            _neighbors.Learn(nextHop, ethernet.Source, _now);
            _neighbors.Confirm(nextHop, ethernet.Source, solicited: true, overrideFlag: true, _now);
        }
        return verdict.Length == 0 ? verdict : Verdict.Reply(EmitTcpFrame(reply, ethernet.Source, local, remote, verdict.Length));
    }

    /// <summary>The IP and Ethernet headers before a segment already in place, padded; one body for replies and sends, to keep the image small.</summary>
    private int EmitTcpFrame(Span<byte> frame, MacAddress destination, in Ipv6Address local, in Ipv6Address remote, int length)
    {
        EmitIpHeader(frame.Slice(EthernetFrame.HeaderLength), local, remote, IpProtocol.Tcp, length);
        EthernetFrame.Emit(frame, destination, _mac, remote.IsIpv4Mapped ? EtherType.Ipv4 : EtherType.Ipv6);
        return Pad(frame, EthernetFrame.HeaderLength + IpHeaderLength(remote) + length);
    }

    /// <summary>
    /// The next segment a connection has due, as a whole frame to the next hop; 0 when none. A
    /// next hop not resolved yet makes the frame wait in the transmit queue, as a datagram does.
    /// </summary>
    private int EmitTcp(Span<byte> frame)
    {
        if (!TcpBuiltIn)
            return 0;
        const int Ipv4Headers = EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength;
        const int Ipv6Headers = EthernetFrame.HeaderLength + Ipv6Packet.HeaderLength;
        for (;;)
        {
            int length = _tcp.Dispatch(frame.Slice(Ipv4Headers, TransmitQueue.SlotSize - Ipv4Headers),
                frame.Slice(Ipv6Headers, TransmitQueue.SlotSize - Ipv6Headers), out var local, out var remote);
            if (length == 0)
                return 0;
            if (!TryRoute(remote, out var nextHop, out _))
            {
                _counters.CountSendDrop(SendDropReason.NoRoute);
                continue;
            }
            // Unresolved, the MAC is zero until the queue fills it in.
            bool resolved = _neighbors.Resolve(nextHop, _now, out var mac);
            int frameLength = EmitTcpFrame(frame, mac, local, remote, length);
            if (resolved)
                return frameLength;
            int slot = _transmit.Reserve();
            if (slot < 0)
            {
                _counters.CountSendDrop(SendDropReason.QueueFull);
                return 0;
            }
            frame.Slice(0, frameLength).CopyTo(_transmit.Slot(slot));
            Commit(slot, frameLength, nextHop);
        }
    }
}
