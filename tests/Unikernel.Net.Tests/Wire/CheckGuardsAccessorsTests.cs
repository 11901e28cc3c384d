using Unikernel.Net.Wire;

namespace Unikernel.Net.Tests.Wire;

/// <summary>
/// The contract of every view: once Check has passed, no accessor can fault. Random bytes and
/// randomly damaged golden frames go through Check; whatever passes has every accessor read.
/// </summary>
public class CheckGuardsAccessorsTests
{
    private const int Rounds = 20000;

    private static IEnumerable<byte[]> Inputs(int seed)
    {
        var random = new Random(seed);
        string[] golden = [Golden.ArpRequest, Golden.Icmpv4EchoRequest, Golden.Icmpv6NeighborSolicitation, Golden.UdpIpv6Datagram];
        for (int round = 0; round < Rounds; round++)
        {
            byte[] bytes;
            if (round % 2 == 0)
            {
                bytes = new byte[random.Next(0, 120)];
                random.NextBytes(bytes);
            }
            else
            {
                byte[] frame = Golden.Bytes(golden[random.Next(golden.Length)]);
                int start = random.Next(0, 3) switch { 0 => 0, 1 => EthernetFrame.HeaderLength, _ => Math.Min(frame.Length, 34 + random.Next(0, 30)) };
                int length = random.Next(0, frame.Length - start + 1);
                bytes = frame.AsSpan(start, length).ToArray();
                for (int flips = random.Next(0, 4); flips > 0 && bytes.Length > 0; flips--)
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }
            yield return bytes;
        }
    }

    [Fact]
    public void Ethernet()
    {
        foreach (byte[] bytes in Inputs(1))
        {
            if (!EthernetFrame.TryParse(bytes, out var frame, out _))
                continue;
            _ = frame.Destination;
            _ = frame.Source;
            _ = frame.EtherType;
            _ = frame.Payload.Length;
        }
    }

    [Fact]
    public void Arp()
    {
        int passed = 0;
        foreach (byte[] bytes in Inputs(2))
        {
            if (!ArpPacket.TryParse(bytes, out var arp, out _))
                continue;
            passed++;
            _ = arp.HardwareType;
            _ = arp.ProtocolType;
            _ = arp.Operation;
            _ = arp.SenderHardwareAddress;
            _ = arp.SenderProtocolAddress;
            _ = arp.TargetHardwareAddress;
            _ = arp.TargetProtocolAddress;
        }
        Assert.True(passed > 0);
    }

    [Fact]
    public void Ipv4()
    {
        int passed = 0;
        foreach (byte[] bytes in Inputs(3))
        {
            if (!Ipv4Packet.TryParse(bytes, out var packet, out _))
                continue;
            passed++;
            _ = packet.Version + packet.HeaderLength + packet.Dscp + packet.Ecn + packet.TotalLength + packet.Identification;
            _ = packet.DontFragment | packet.MoreFragments | packet.IsFragment;
            _ = packet.FragmentOffset + packet.TimeToLive + (int)packet.Protocol + packet.HeaderChecksum;
            _ = packet.Source;
            _ = packet.Destination;
            _ = packet.Options.Length + packet.Payload.Length;
            Assert.True(packet.VerifyChecksum());
            if (Icmpv4Packet.TryParse(packet.Payload, out var icmp, out _))
                _ = (int)icmp.Type + icmp.Code + icmp.Checksum + icmp.Identifier + icmp.SequenceNumber + icmp.RestOfHeader + (uint)icmp.Payload.Length;
        }
        Assert.True(passed > 0);
    }

    [Fact]
    public void Ipv6_and_above()
    {
        int passed = 0;
        foreach (byte[] bytes in Inputs(4))
        {
            if (!Ipv6Packet.TryParse(bytes, out var packet, out _))
                continue;
            passed++;
            _ = packet.Version + packet.TrafficClass + (int)packet.FlowLabel + packet.PayloadLength + (int)packet.NextHeader + packet.HopLimit;
            _ = packet.Source;
            _ = packet.Destination;
            if (!packet.FindUpperLayer(out var protocol, out int offset, out _))
                continue;
            Span<byte> upper = packet.Payload.Slice(offset);
            if (Icmpv6Packet.TryParse(upper, out var icmp, out _))
            {
                _ = (int)icmp.Type + icmp.Code + icmp.Checksum + icmp.Identifier + icmp.SequenceNumber + icmp.Mtu + icmp.Pointer;
                _ = icmp.MessageBody.Length + icmp.Payload.Length;
                _ = icmp.VerifyChecksum(packet.Source, packet.Destination);
            }
            if (UdpDatagram.TryParse(upper, out var udp, out _))
            {
                _ = udp.SourcePort + udp.DestinationPort + udp.Length + udp.Checksum + udp.Payload.Length;
                _ = udp.VerifyChecksum(packet.Source, packet.Destination);
                _ = udp.ComputeChecksum(packet.Source, packet.Destination);
            }
            _ = protocol;
        }
        Assert.True(passed > 0);
    }
}
