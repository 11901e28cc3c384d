using Unikernel.Net.Wire;
using static Unikernel.Net.Tests.Interface.InterfaceGolden;

namespace Unikernel.Net.Tests.Interface;

/// <summary>Fragmented datagrams from the peer of <see cref="InterfaceGolden"/>, and our own fragments put back together.</summary>
internal static class FragmentFrames
{
    /// <summary>The data of a fragment that fits Ethernet's 1500 bytes after an IPv6 header and Fragment header: a multiple of 8.</summary>
    public const int Ipv6Chunk = 1448;

    /// <summary>The same after a 20-byte IPv4 header.</summary>
    public const int Ipv4Chunk = 1480;

    /// <summary>Recognisable bytes: i * 7 + 3.</summary>
    public static byte[] Pattern(int length)
    {
        byte[] data = new byte[length];
        for (int i = 0; i < length; i++)
            data[i] = (byte)(i * 7 + 3);
        return data;
    }

    /// <summary>A whole ICMPv6 echo request of <paramref name="dataLength"/> data bytes, checksum filled.</summary>
    public static byte[] EchoRequest6(Ipv6Address source, Ipv6Address destination, int dataLength)
    {
        byte[] message = new byte[Icmpv6Packet.MinimumLength + dataLength];
        Icmpv6Packet.EmitEcho(message, Icmpv6Type.EchoRequest, 0x77, 1, Pattern(dataLength), source, destination);
        return message;
    }

    /// <summary>A whole ICMPv4 echo request of <paramref name="dataLength"/> data bytes, checksum filled.</summary>
    public static byte[] EchoRequest4(int dataLength)
    {
        byte[] message = new byte[Icmpv4Packet.HeaderLength + dataLength];
        Icmpv4Packet.EmitEcho(message, Icmpv4Type.EchoRequest, 0x77, 1, Pattern(dataLength));
        return message;
    }

    /// <summary>A whole UDP datagram, checksum filled.</summary>
    public static byte[] Udp6Message(Ipv6Address source, Ipv6Address destination, ushort sourcePort, ushort destinationPort, byte[] payload)
    {
        byte[] message = new byte[UdpDatagram.HeaderLength + payload.Length];
        var udp = UdpDatagram.Emit(message, sourcePort, destinationPort, payload.Length);
        payload.CopyTo(udp.Payload);
        udp.FillChecksum(source, destination);
        return message;
    }

    public static byte[] Udp4Message(Ipv4Address source, Ipv4Address destination, ushort sourcePort, ushort destinationPort, byte[] payload)
    {
        byte[] message = new byte[UdpDatagram.HeaderLength + payload.Length];
        var udp = UdpDatagram.Emit(message, sourcePort, destinationPort, payload.Length);
        payload.CopyTo(udp.Payload);
        udp.FillChecksum(source, destination);
        return message;
    }

    /// <summary>Bytes <paramref name="offset"/> to offset + <paramref name="length"/> of <paramref name="message"/> in an IPv6 fragment.</summary>
    public static byte[] Fragment6(Ipv6Address source, Ipv6Address destination, IpProtocol upper, byte[] message, int offset, int length,
        bool more, uint identification)
    {
        int ipPayload = Ipv6FragmentHeader.Length + length;
        byte[] frame = new byte[Math.Max(EthernetFrame.MinimumLength, EthernetFrame.HeaderLength + Ipv6Packet.HeaderLength + ipPayload)];
        EthernetFrame.Emit(frame, OurMac, PeerMac, EtherType.Ipv6);
        var ip = Ipv6Packet.Emit(frame.AsSpan(EthernetFrame.HeaderLength), source, destination, IpProtocol.Ipv6Fragment, ipPayload, 64);
        Ipv6FragmentHeader.Emit(ip.Payload, upper, offset, more, identification);
        message.AsSpan(offset, length).CopyTo(ip.Payload.Slice(Ipv6FragmentHeader.Length));
        return frame;
    }

    /// <summary>Bytes <paramref name="offset"/> to offset + <paramref name="length"/> of <paramref name="message"/> in an IPv4 fragment.</summary>
    public static byte[] Fragment4(Ipv4Address source, Ipv4Address destination, IpProtocol protocol, byte[] message, int offset, int length,
        bool more, ushort identification)
    {
        byte[] frame = new byte[Math.Max(EthernetFrame.MinimumLength, EthernetFrame.HeaderLength + Ipv4Packet.MinimumHeaderLength + length)];
        EthernetFrame.Emit(frame, OurMac, PeerMac, EtherType.Ipv4);
        var ip = Ipv4Packet.Emit(frame.AsSpan(EthernetFrame.HeaderLength), source, destination, protocol, length, 64);
        ip.Identification = identification;
        ip.DontFragment = false;
        ip.MoreFragments = more;
        ip.FragmentOffset = offset;
        ip.FillChecksum();
        message.AsSpan(offset, length).CopyTo(ip.Payload);
        return frame;
    }

    /// <summary>Every fragment of <paramref name="message"/> in order, <see cref="Ipv6Chunk"/> bytes each.</summary>
    public static List<byte[]> Fragments6(Ipv6Address source, Ipv6Address destination, IpProtocol upper, byte[] message, uint identification)
    {
        var frames = new List<byte[]>();
        for (int offset = 0; offset < message.Length; offset += Ipv6Chunk)
        {
            int length = Math.Min(Ipv6Chunk, message.Length - offset);
            frames.Add(Fragment6(source, destination, upper, message, offset, length, offset + length < message.Length, identification));
        }
        return frames;
    }

    public static List<byte[]> Fragments4(Ipv4Address source, Ipv4Address destination, IpProtocol protocol, byte[] message, ushort identification)
    {
        var frames = new List<byte[]>();
        for (int offset = 0; offset < message.Length; offset += Ipv4Chunk)
        {
            int length = Math.Min(Ipv4Chunk, message.Length - offset);
            frames.Add(Fragment4(source, destination, protocol, message, offset, length, offset + length < message.Length, identification));
        }
        return frames;
    }

    /// <summary>
    /// Puts our IPv6 fragments back together, checking each as it goes: no frame over the MTU,
    /// one identification, offsets in order and multiples of 8, M set on all but the last.
    /// Returns the upper-layer message and its protocol, and the identification.
    /// </summary>
    public static byte[] Reassemble6(List<byte[]> frames, out IpProtocol upper, out uint identification, out Ipv6Address source,
        out Ipv6Address destination)
    {
        var message = new List<byte>();
        upper = default;
        identification = 0;
        source = default;
        destination = default;
        for (int i = 0; i < frames.Count; i++)
        {
            Assert.InRange(frames[i].Length, EthernetFrame.MinimumLength, EthernetFrame.HeaderLength + 1500);
            var ip = TestFrames.Ipv6Of(frames[i]);
            Assert.Equal(IpProtocol.Ipv6Fragment, ip.NextHeader);
            Assert.True(Ipv6FragmentHeader.TryParse(ip.Payload, out var fragment, out _));
            if (i == 0)
            {
                upper = fragment.NextHeader;
                identification = fragment.Identification;
                source = ip.Source;
                destination = ip.Destination;
            }
            Assert.Equal(identification, fragment.Identification);
            Assert.Equal(upper, fragment.NextHeader);
            Assert.Equal(message.Count, fragment.Offset);
            Assert.Equal(i + 1 < frames.Count, fragment.MoreFragments);
            var data = ip.Payload.Slice(Ipv6FragmentHeader.Length);
            if (fragment.MoreFragments)
                Assert.Equal(0, data.Length % 8);
            message.AddRange(data.ToArray());
        }
        return [.. message];
    }

    /// <summary>The same for IPv4: DF clear on every fragment, one identification.</summary>
    public static byte[] Reassemble4(List<byte[]> frames, out IpProtocol protocol, out ushort identification)
    {
        var message = new List<byte>();
        protocol = default;
        identification = 0;
        for (int i = 0; i < frames.Count; i++)
        {
            Assert.InRange(frames[i].Length, EthernetFrame.MinimumLength, EthernetFrame.HeaderLength + 1500);
            Assert.True(Ipv4Packet.TryParse(frames[i].AsSpan(EthernetFrame.HeaderLength), out var ip, out var error), error.ToString());
            if (i == 0)
            {
                protocol = ip.Protocol;
                identification = ip.Identification;
            }
            Assert.False(ip.DontFragment);
            Assert.Equal(identification, ip.Identification);
            Assert.Equal(protocol, ip.Protocol);
            Assert.Equal(message.Count, ip.FragmentOffset);
            Assert.Equal(i + 1 < frames.Count, ip.MoreFragments);
            message.AddRange(ip.Payload.ToArray());
        }
        return [.. message];
    }
}
