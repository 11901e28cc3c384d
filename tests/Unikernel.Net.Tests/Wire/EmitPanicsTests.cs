using Unikernel.Net.Wire;

namespace Unikernel.Net.Tests.Wire;

/// <summary>
/// A buffer too small to emit into is the caller's bug, not bad input from the wire: it panics
/// (on the host, <see cref="PanicException"/>) instead of writing part of a header.
/// </summary>
public class EmitPanicsTests
{
    [Fact]
    public void Every_emitter_panics_on_a_buffer_too_small()
    {
        Assert.Throws<PanicException>(() => EthernetFrame.Emit(new byte[13], MacAddress.Broadcast, MacAddress.Zero, EtherType.Arp));
        Assert.Throws<PanicException>(() => ArpPacket.Emit(new byte[27], ArpOperation.Request, MacAddress.Zero, Ipv4Address.Any, MacAddress.Zero, Ipv4Address.Any));
        Assert.Throws<PanicException>(() => Ipv4Packet.Emit(new byte[29], Ipv4Address.Any, Ipv4Address.Any, IpProtocol.Udp, 10, 64));
        Assert.Throws<PanicException>(() => Icmpv4Packet.Emit(new byte[15], Icmpv4Type.EchoRequest, 0, 8));
        Assert.Throws<PanicException>(() => Ipv6Packet.Emit(new byte[47], Ipv6Address.Loopback, Ipv6Address.Loopback, IpProtocol.Udp, 8, 64));
        Assert.Throws<PanicException>(() => Icmpv6Packet.Emit(new byte[7], Icmpv6Type.EchoRequest, 0, 0));
        Assert.Throws<PanicException>(() => UdpDatagram.Emit(new byte[8], 1, 2, 1));
    }

    [Fact]
    public void Every_emitter_panics_on_a_length_its_field_cannot_hold()
    {
        byte[] big = new byte[70000];
        Assert.Throws<PanicException>(() => Ipv4Packet.Emit(big, Ipv4Address.Any, Ipv4Address.Any, IpProtocol.Udp, 65516, 64));
        Assert.Throws<PanicException>(() => Ipv4Packet.Emit(big, Ipv4Address.Any, Ipv4Address.Any, IpProtocol.Udp, -1, 64));
        Assert.Throws<PanicException>(() => Ipv6Packet.Emit(big, Ipv6Address.Loopback, Ipv6Address.Loopback, IpProtocol.Udp, 65536, 64));
        Assert.Throws<PanicException>(() => UdpDatagram.Emit(big, 1, 2, 65528));
        Assert.Throws<PanicException>(() => Icmpv4Packet.Emit(big, Icmpv4Type.EchoRequest, 0, -1));
        _ = Ipv4Packet.Emit(big, Ipv4Address.Any, Ipv4Address.Any, IpProtocol.Udp, 65515, 64);
        _ = Ipv6Packet.Emit(big, Ipv6Address.Loopback, Ipv6Address.Loopback, IpProtocol.Udp, 65535, 64);
        _ = UdpDatagram.Emit(big, 1, 2, 65527);
    }
}
