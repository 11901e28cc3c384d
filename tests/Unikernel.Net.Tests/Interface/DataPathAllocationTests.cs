using System.Text;
using Unikernel.Net.Wire;
using static Unikernel.Net.Tests.Interface.InterfaceGolden;
using static Unikernel.Net.Tests.Interface.TestFrames;

namespace Unikernel.Net.Tests.Interface;

/// <summary>
/// Allocation counts are per thread but a garbage collection started by another test's thread
/// can disturb them: the tests that count bytes run alone, in this collection.
/// </summary>
[CollectionDefinition("Allocation", DisableParallelization = true)]
public sealed class AllocationCollection;

/// <summary>After warm-up, the UDP and TCP data paths allocate nothing.</summary>
[Collection("Allocation")]
public class DataPathAllocationTests
{
    private static readonly byte[] Hello = Encoding.ASCII.GetBytes("hello\n");

    [Fact]
    public void Echo_round_trip_allocates_nothing_after_warm_up()
    {
        var nic = NewInterface();
        Assert.True(nic.Udp.TryBind(7, out UdpHandle socket));
        Run(ref nic, ArpReply(PeerIpv4, PeerMac));
        byte[] request = Udp4(PeerIpv4, OurIpv4, 40000, 7, Hello);
        byte[] reply = new byte[1600];
        byte[] payload = new byte[1500];
        byte[] frame = new byte[TransmitQueue.SlotSize];
        void EchoOnce(long now)
        {
            nic.Process(request, reply);
            while (nic.Udp.TryReceive(socket, payload, out int length, out var remote, out _))
                nic.Udp.Send(socket, remote, payload.AsSpan(0, length));
            while (nic.Poll(now, frame) > 0)
            {
            }
        }
        for (int i = 0; i < 100; i++)
            EchoOnce(i);
        Assert.Equal(0, AllocationMeter.LeastOfThree(attempt =>
        {
            for (int i = 0; i < 10_000; i++)
                EchoOnce(100 + attempt * 10_000 + i);
        }));
        Assert.True(nic.Counters.Sent >= 10_000);
    }

    [Fact]
    public void Ipv6_option_verdicts_allocate_nothing_after_warm_up()
    {
        // RFC 8200 section 4.2's four actions: Parameter Problem (10, 11), silent drop (01), skip (00) and deliver.
        var nic = NewInterface();
        Assert.True(nic.Udp.TryBind(7, out UdpHandle socket));
        byte[][] frames = [.. new byte[] { 0x80, 0xC0, 0x40, 0x00 }.Select(Ipv6OptionTests.WithOptionType)];
        byte[] reply = new byte[1600];
        byte[] payload = new byte[1500];
        void Once()
        {
            foreach (byte[] frame in frames)
                nic.Process(frame, reply);
            while (nic.Udp.TryReceive(socket, payload, out _, out _, out _))
            {
            }
        }
        for (int i = 0; i < 100; i++)
            Once();
        Assert.Equal(0, AllocationMeter.LeastOfThree(_ =>
        {
            for (int i = 0; i < 10_000; i++)
                Once();
        }));
        Assert.True(nic.Counters[DropReason.Unsupported] >= 30_000);
    }

    [Fact]
    public void Reassembly_and_fragmented_echoes_allocate_nothing_after_warm_up()
    {
        var configuration = NetworkConfiguration.WithStaticIpv4(OurIpv4, 24);
        configuration.UdpLargestPayload = 8000;
        var nic = new NetworkInterface(OurMac, configuration);
        Assert.True(nic.Udp.TryBind(7, out UdpHandle socket));
        Run(ref nic, ArpReply(PeerIpv4, PeerMac));
        // The peer's solicitation teaches us its MAC (RFC 4861 section 7.2.3).
        Assert.NotEmpty(Run(ref nic, Unikernel.Net.Tests.Wire.Golden.Bytes(NeighborSolicitation)));
        byte[][] frames =
        [
            .. FragmentFrames.Fragments6(PeerLinkLocal, OurLinkLocal, IpProtocol.Icmpv6,
                FragmentFrames.EchoRequest6(PeerLinkLocal, OurLinkLocal, 5992), 1),
            .. FragmentFrames.Fragments4(PeerIpv4, OurIpv4, IpProtocol.Icmp, FragmentFrames.EchoRequest4(5992), 1),
            .. FragmentFrames.Fragments6(PeerLinkLocal, OurLinkLocal, IpProtocol.Udp,
                FragmentFrames.Udp6Message(PeerLinkLocal, OurLinkLocal, 40000, 7, FragmentFrames.Pattern(8000)), 2),
            .. FragmentFrames.Fragments4(PeerIpv4, OurIpv4, IpProtocol.Udp,
                FragmentFrames.Udp4Message(PeerIpv4, OurIpv4, 40000, 7, FragmentFrames.Pattern(8000)), 2),
        ];
        byte[] reply = new byte[1600];
        byte[] payload = new byte[8000];
        byte[] frame = new byte[TransmitQueue.SlotSize];
        void EchoOnce(long now)
        {
            foreach (byte[] fragment in frames)
            {
                nic.Process(fragment, reply);
                while (nic.Poll(now, frame) > 0)
                {
                }
                while (nic.Udp.TryReceive(socket, payload, out int length, out var remote, out _))
                {
                    nic.Udp.Send(socket, remote, payload.AsSpan(0, length));
                    while (nic.Poll(now, frame) > 0)
                    {
                    }
                }
            }
        }
        for (int i = 0; i < 20; i++)
            EchoOnce(i);
        ulong sent = nic.Counters.Sent;
        Assert.Equal(0, AllocationMeter.LeastOfThree(attempt =>
        {
            for (int i = 0; i < 300; i++)
                EchoOnce(100 + attempt * 1_000 + i);
        }));
        // Every round reassembles its four datagrams; each echo goes back in fragments (4 + 4 of
        // the ping replies from Poll, 6 + 6 of the UDP ones).
        Assert.True(nic.Counters.Reassembled >= 4UL * (20 + 300), $"{nic.Counters.Reassembled} reassembled");
        Assert.Equal(0UL, nic.Counters[DropReason.ReplyBufferTooSmall]);
        Assert.Equal(0UL, nic.Counters[SendDropReason.QueueFull]);
        Assert.True(nic.Counters.Sent - sent >= nic.Counters.Reassembled / 4 * 20 - 20 * 20, $"{nic.Counters.Sent - sent} sent");
    }

    [Fact]
    public void Tcp_receive_and_acknowledge_allocate_nothing_after_warm_up()
    {
        var script = new Tcp.TcpScript(ipv6: false);
        script.Run(Tcp.TcpHandshakeScripts.PassiveOpen);
        var nic = script.Interface;
        TcpHandle connection = script.Connection;
        byte[] frame = new byte[TransmitQueue.SlotSize];
        byte[] reply = new byte[TransmitQueue.SlotSize];
        byte[] read = new byte[4096];
        long sequence = 1;
        void Once(long now)
        {
            int length = script.BuildData(frame, sequence, 1000, (uint)now);
            sequence += 1000;
            nic.AdvanceClock(now);
            nic.Process(frame.AsSpan(0, length), reply);
            while (nic.Tcp.Receive(connection, read) > 0)
            {
            }
            while (nic.Poll(now, reply) > 0)
            {
            }
        }
        for (int i = 0; i < 100; i++)
            Once(1_000 + i);
        Assert.Equal(0, AllocationMeter.LeastOfThree(attempt =>
        {
            for (int i = 0; i < 10_000; i++)
                Once(2_000 + attempt * 10_000 + i);
        }));
        Assert.Equal(TcpState.Established, nic.Tcp.StateOf(connection));
        Assert.Equal(nic.Counters.Received, nic.Counters.Accounted);
    }
}
