using Unikernel.Net.Tests.Wire;
using Unikernel.Net.Wire;
using static Unikernel.Net.Tests.Interface.InterfaceGolden;

namespace Unikernel.Net.Tests.Interface;

public class FuzzAndAllocationTests
{
    private static readonly byte[][] Seeds =
    [
        Golden.Bytes(Golden.ArpRequest),
        Golden.Bytes(Golden.Icmpv4EchoRequest),
        Golden.Bytes(NeighborSolicitation),
        Golden.Bytes(Icmpv6EchoRequest),
        Golden.Bytes(Golden.Icmpv6NeighborSolicitation),
        Golden.Bytes(Golden.UdpIpv6Datagram),
    ];

    /// <summary>
    /// 200,000 frames, seeded so a failure replays: random bytes, and golden frames truncated,
    /// extended, bit-flipped, with length fields and header bytes overwritten. None may throw
    /// (a panic would be a PanicException here), every one is counted exactly once, and any
    /// reply is a well-formed Ethernet frame inside the buffer.
    /// </summary>
    [Fact]
    public void Random_and_mutated_frames_never_fault_and_are_each_counted_once()
    {
        var random = new Random(20240613);
        var nic = NewInterface();
        byte[] reply = new byte[1600];
        byte[] buffer = new byte[1600];
        ulong replied = 0;
        for (int n = 1; n <= 200_000; n++)
        {
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
        for (int reason = 0; reason < InterfaceCounters.DropReasonCount; reason++)
        {
            if ((DropReason)reason != DropReason.ReplyBufferTooSmall)
                Assert.True(nic.Counters[(DropReason)reason] > 0, $"{(DropReason)reason} never reached");
        }
    }

    private static int Mutate(Random random, byte[] buffer)
    {
        int kind = random.Next(10);
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
            default: // the golden frame unchanged, so the reply paths are exercised too
                break;
        }
        return length;
    }

    [Fact]
    public void Processing_allocates_nothing_after_warm_up()
    {
        var nic = NewInterface();
        byte[][] frames = [.. Seeds, new byte[10], new byte[70]];
        byte[] reply = new byte[1600];
        for (int i = 0; i < 100; i++)
            nic.Process(frames[i % frames.Length], reply);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
            nic.Process(frames[i % frames.Length], reply);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(10_100UL, nic.Counters.Received);
        Assert.True(nic.Counters.Replied >= 4 * 10_000 / 8);
    }
}
