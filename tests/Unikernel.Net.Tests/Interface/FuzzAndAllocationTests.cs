using System.Text;
using Unikernel.Net.Tests.Wire;
using Unikernel.Net.Wire;
using Xunit.Abstractions;
using static Unikernel.Net.Tests.Interface.InterfaceGolden;
using static Unikernel.Net.Tests.Interface.TestFrames;

namespace Unikernel.Net.Tests.Interface;

[Collection("Allocation")]
public class FuzzAndAllocationTests(ITestOutputHelper output)
{
    private static readonly byte[] Hello = Encoding.ASCII.GetBytes("hello\n");

    private static readonly byte[][] Seeds =
    [
        Golden.Bytes(Golden.ArpRequest),
        Golden.Bytes(Golden.Icmpv4EchoRequest),
        Golden.Bytes(NeighborSolicitation),
        Golden.Bytes(Icmpv6EchoRequest),
        Golden.Bytes(Golden.Icmpv6NeighborSolicitation),
        Golden.Bytes(Golden.UdpIpv6Datagram),
        Udp4(PeerIpv4, OurIpv4, 40000, 7, Hello),
        Udp4(PeerIpv4, OurIpv4, 40000, 9, Hello),
        Udp6(PeerLinkLocal, OurLinkLocal, 40000, 7, Hello),
        Udp6(PeerLinkLocal, OurLinkLocal, 40000, 9, Hello),
        RouterAdvertisement(),
        NeighborAdvertisement(PeerLinkLocal, OurLinkLocal, PeerLinkLocal, PeerMac, Icmpv6Packet.SolicitedFlag),
        ArpReply(PeerIpv4, PeerMac),
        TcpSyn(),
        TcpData(),
        .. FragmentSeeds(),
    ];

    /// <summary>
    /// Fragments, both families: a 3,000-byte ping in three pieces (the fuzzer sends them in any
    /// order, some twice), a piece overlapping the first, a UDP datagram in pieces, an IPv6 first
    /// fragment whose header chain stops short of the UDP header (RFC 7112) and an IPv4 one
    /// shorter than the TCP header.
    /// </summary>
    private static byte[][] FragmentSeeds()
    {
        const ushort Id = 0xF00D;
        byte[] ping6 = FragmentFrames.EchoRequest6(PeerLinkLocal, OurLinkLocal, 3000);
        byte[] ping4 = FragmentFrames.EchoRequest4(3000);
        byte[] udp6 = FragmentFrames.Udp6Message(PeerLinkLocal, OurLinkLocal, 40000, 7, FragmentFrames.Pattern(2000));
        byte[] udp4 = FragmentFrames.Udp4Message(PeerIpv4, OurIpv4, 40000, 7, FragmentFrames.Pattern(2000));
        byte[] shortChain = new byte[16];
        shortChain[0] = (byte)IpProtocol.Udp;
        shortChain[2] = 1;
        shortChain[3] = 4;
        return
        [
            .. FragmentFrames.Fragments6(PeerLinkLocal, OurLinkLocal, IpProtocol.Icmpv6, ping6, Id),
            FragmentFrames.Fragment6(PeerLinkLocal, OurLinkLocal, IpProtocol.Icmpv6, ping6, FragmentFrames.Ipv6Chunk - 8, 16, true, Id),
            .. FragmentFrames.Fragments6(PeerLinkLocal, OurLinkLocal, IpProtocol.Udp, udp6, Id + 1),
            FragmentFrames.Fragment6(PeerLinkLocal, OurLinkLocal, IpProtocol.Ipv6DestinationOptions, shortChain, 0, 8, true, Id + 2),
            .. FragmentFrames.Fragments4(PeerIpv4, OurIpv4, IpProtocol.Icmp, ping4, Id),
            FragmentFrames.Fragment4(PeerIpv4, OurIpv4, IpProtocol.Icmp, ping4, 8, 16, true, Id),
            .. FragmentFrames.Fragments4(PeerIpv4, OurIpv4, IpProtocol.Udp, udp4, Id + 1),
            FragmentFrames.Fragment4(PeerIpv4, OurIpv4, IpProtocol.Tcp, new byte[64], 0, 8, true, Id + 2),
        ];
    }

    /// <summary>A SYN with every option to the listening port 7, as Linux sends one.</summary>
    private static byte[] TcpSyn()
    {
        var options = new TcpOptions
        {
            HasMss = true, Mss = 1460, SackPermitted = true, HasTimestamps = true, TimestampValue = 100, HasWindowScale = true, WindowScale = 7,
        };
        return Tcp4(PeerIpv4, OurIpv4, 40000, 7, 1000, 0, TcpFlags.Syn, options, []);
    }

    /// <summary>A data segment for the connection the SYN above makes, if the fuzzer lets it be made.</summary>
    private static byte[] TcpData() =>
        Tcp4(PeerIpv4, OurIpv4, 40000, 7, 1001, 0, TcpFlags.Ack | TcpFlags.Psh, new TcpOptions { HasTimestamps = true, TimestampValue = 101 },
            Hello);

    /// <summary>Frames in the default run; UNIKERNEL_FUZZ_FRAMES sets a longer one (e.g. 20000000).</summary>
    private static int FrameCount =>
        int.TryParse(Environment.GetEnvironmentVariable("UNIKERNEL_FUZZ_FRAMES"), out int count) && count > 0 ? count : 200_000;

    /// <summary>The fuzzed interface: every feature on, a socket on port 7 with a short queue nobody reads.</summary>
    private static NetworkInterface NewFuzzedInterface()
    {
        var configuration = NetworkConfiguration.WithStaticIpv4(OurIpv4, 24);
        configuration.UdpQueueDepth = 2;
        var nic = new NetworkInterface(OurMac, configuration);
        Assert.True(nic.Udp.TryBind(7, out _));
        Assert.True(nic.Tcp.Listen(7));
        return nic;
    }

    /// <summary>
    /// 200,000 frames, seeded so a failure replays: random bytes, and seed frames truncated,
    /// extended, bit-flipped, with length fields and header bytes overwritten and chains of
    /// IPv6 extension headers inserted (too many, repeated, looping back to Hop-by-Hop). None
    /// may throw (a panic would be a PanicException here), every one is counted exactly once,
    /// any reply is a well-formed Ethernet frame inside the buffer, and the clock runs (polls
    /// between frames) so timers and the transmit path are fuzzed too.
    /// </summary>
    [Fact]
    public void Random_and_mutated_frames_never_fault_and_are_each_counted_once()
    {
        var random = new Random(20240613);
        var nic = NewFuzzedInterface();
        byte[] reply = new byte[1600];
        byte[] buffer = new byte[1600];
        byte[] sent = new byte[TransmitQueue.SlotSize];
        ulong replied = 0;
        int frames = FrameCount;
        for (int n = 1; n <= frames; n++)
        {
            if (n % 64 == 0)
            {
                for (int sentLength; (sentLength = nic.Poll(n * 10L, sent)) > 0;)
                    Assert.True(EthernetFrame.Check(sent.AsSpan(0, sentLength), out _));
            }
            int length = Mutate(random, buffer);
            var frame = buffer.AsSpan(0, length);
            int written;
            try
            {
                written = nic.Process(frame, reply);
            }
            catch (Exception exception)
            {
                Assert.Fail($"frame {n} ({Convert.ToHexString(frame)}) threw {exception}");
                return;
            }
            var counters = nic.Counters;
            Assert.Equal((ulong)n, counters.Received);
            Assert.Equal(counters.Received, counters.Accounted);
            if (written != 0)
            {
                replied++;
                Assert.InRange(written, EthernetFrame.MinimumLength, reply.Length);
                Assert.True(EthernetFrame.Check(reply.AsSpan(0, written), out _));
                Assert.Equal(OurMac, new MacAddress(reply.AsSpan(EthernetFrame.SourceOffset)));
            }
        }
        Assert.Equal(replied, nic.Counters.Replied);
        Assert.True(replied > 1000, $"only {replied} replies: the mutations are too destructive to reach the handlers");
        byte[] text = new byte[InterfaceCounters.MaxFormattedLength];
        Assert.True(nic.Counters.TryFormat(text, out int formatted));
        output.WriteLine($"after {frames} frames:\n{Encoding.ASCII.GetString(text, 0, formatted)}");
        for (int reason = 0; reason < InterfaceCounters.DropReasonCount; reason++)
        {
            // A DNS answer needs a lookup in progress and its random port: DnsResolverTests fuzzes those.
            if ((DropReason)reason != DropReason.ReplyBufferTooSmall && (DropReason)reason != DropReason.UnexpectedDnsAnswer)
                Assert.True(nic.Counters[(DropReason)reason] > 0, $"{(DropReason)reason} never reached");
        }
        Assert.True(nic.Counters.Malformed(WireError.TooManyHeaders) > 0, "no extension header chain was too long");
        Assert.True(nic.Counters.Reassembled > 0, "no datagram was reassembled");
        Assert.True(nic.Counters.ReassemblyTimeouts > 0, "no reassembly timed out");
    }

    /// <summary>
    /// Inserts 1 to 12 extension headers after the IPv6 header of an IPv6 seed: hop-by-hop,
    /// destination options, routing and fragment headers chained in random order (hop-by-hop
    /// out of place, the last one naming hop-by-hop again as a loop would), random lengths.
    /// </summary>
    private static int InsertExtensionHeaders(Random random, byte[] buffer, int length)
    {
        const int Ip = EthernetFrame.HeaderLength;
        if (length < Ip + Ipv6Packet.HeaderLength || buffer[12] != 0x86 || buffer[13] != 0xDD)
            return length;
        IpProtocol[] kinds = [IpProtocol.HopByHop, IpProtocol.Ipv6DestinationOptions, IpProtocol.Ipv6Routing, IpProtocol.Ipv6Fragment];
        int count = random.Next(1, 13);
        byte upper = buffer[Ip + Ipv6Packet.NextHeaderOffset];
        var chain = new List<byte>();
        var types = new IpProtocol[count];
        for (int i = 0; i < count; i++)
            types[i] = kinds[random.Next(kinds.Length)];
        for (int i = 0; i < count; i++)
        {
            bool loop = i == count - 1 && random.Next(4) == 0;
            byte next = loop ? (byte)IpProtocol.HopByHop : i + 1 < count ? (byte)types[i + 1] : upper;
            int units = types[i] == IpProtocol.Ipv6Fragment ? 0 : random.Next(0, 3);
            var header = new byte[(units + 1) * 8];
            header[0] = next;
            header[1] = (byte)units;
            if (types[i] is IpProtocol.HopByHop or IpProtocol.Ipv6DestinationOptions)
            {
                header[2] = 1; // PadN over the rest
                header[3] = (byte)(header.Length - 4);
            }
            else if (random.Next(2) == 0)
                random.NextBytes(header.AsSpan(2));
            chain.AddRange(header);
        }
        int payload = length - Ip - Ipv6Packet.HeaderLength;
        if (length + chain.Count > buffer.Length)
            return length;
        Array.Copy(buffer, Ip + Ipv6Packet.HeaderLength, buffer, Ip + Ipv6Packet.HeaderLength + chain.Count, payload);
        chain.CopyTo(buffer, Ip + Ipv6Packet.HeaderLength);
        buffer[Ip + Ipv6Packet.NextHeaderOffset] = (byte)types[0];
        int payloadLength = (buffer[Ip + 4] << 8 | buffer[Ip + 5]) + chain.Count;
        buffer[Ip + 4] = (byte)(payloadLength >> 8);
        buffer[Ip + 5] = (byte)payloadLength;
        return length + chain.Count;
    }

    private static int Mutate(Random random, byte[] buffer)
    {
        int kind = random.Next(11);
        if (kind == 0)
        {
            int randomLength = random.Next(0, 200);
            random.NextBytes(buffer.AsSpan(0, randomLength));
            return randomLength;
        }

        byte[] seed = Seeds[random.Next(Seeds.Length)];
        seed.CopyTo(buffer, 0);
        int length = seed.Length;
        switch (kind)
        {
            case 1: // truncation
                length = random.Next(0, length + 1);
                break;
            case 2: // padding or trailing junk
                int extra = random.Next(1, 64);
                random.NextBytes(buffer.AsSpan(length, extra));
                length += extra;
                break;
            case 3: // bit flips
            case 4:
                for (int i = random.Next(1, 4); i > 0; i--)
                    buffer[random.Next(length)] ^= (byte)(1 << random.Next(8));
                break;
            case 5: // a length field (IPv4 total length, IPv6 payload length) overwritten
                int at = EthernetFrame.HeaderLength + (random.Next(2) == 0 ? 2 : 4);
                if (at + 1 < length)
                {
                    buffer[at] = (byte)random.Next(256);
                    buffer[at + 1] = (byte)random.Next(256);
                }
                break;
            case 6: // a header byte overwritten (versions, IHL, next header, ICMP type, option lengths)
                buffer[random.Next(Math.Min(length, 80))] = (byte)random.Next(256);
                break;
            case 7: // IPv6 extension header chains, too long or looping
                length = InsertExtensionHeaders(random, buffer, length);
                break;
            default: // the golden frame unchanged, so the reply paths are exercised too
                break;
        }
        return length;
    }

    [Fact]
    public void Processing_allocates_nothing_after_warm_up()
    {
        var nic = NewFuzzedInterface();
        byte[][] frames = [.. Seeds, new byte[10], new byte[70]];
        byte[] reply = new byte[1600];
        byte[] sent = new byte[TransmitQueue.SlotSize];
        void ProcessAndPoll(int i)
        {
            nic.Process(frames[i % frames.Length], reply);
            while (nic.Poll(i * 10L, sent) > 0)
            {
            }
        }
        for (int i = 0; i < 100; i++)
            ProcessAndPoll(i);

        int processed = 100;
        long allocated = AllocationMeter.LeastOfThree(_ =>
        {
            for (int i = 0; i < 10_000; i++)
                ProcessAndPoll(processed++);
        });

        Assert.Equal(0, allocated);
        Assert.Equal((ulong)processed, nic.Counters.Received);
        // ARP, ping, two solicitations, ping6 and port unreachable (rate-limited) of 15 kinds, and fragments.
        Assert.True(nic.Counters.Reassembled > 0);
        Assert.True(nic.Counters.Replied >= (ulong)(5 * 10_000 / frames.Length), $"{nic.Counters.Replied} replies");
    }
}
