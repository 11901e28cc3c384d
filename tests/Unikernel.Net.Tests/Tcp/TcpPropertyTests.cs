using Unikernel.Net.Tests.Wire;
using Unikernel.Net.Wire;

namespace Unikernel.Net.Tests.Tcp;

/// <summary>
/// Two of our stacks, one sending a random stream to the other over a seeded wire that loses,
/// duplicates, reorders and corrupts frames: whatever happens, the receiver has only ever
/// delivered a prefix of the stream, and with a wire that is not hopeless it gets all of it.
/// </summary>
public class TcpPropertyTests
{
    private static readonly MacAddress MacA = Golden.Mac("02:00:5e:77:00:0a");
    private static readonly MacAddress MacB = Golden.Mac("02:00:5e:77:00:0b");

    /// <summary>A wire with bad habits: every frame may be lost, doubled, held back or damaged.</summary>
    private sealed class BadWire(Random random, double loss, double duplicate, double reorder, double corrupt)
    {
        private readonly List<(long Due, byte[] Frame)>[] _queues = [[], []];

        public void Send(int fromSide, ReadOnlySpan<byte> frame, long now)
        {
            if (random.NextDouble() < loss)
                return;
            var queue = _queues[1 - fromSide];
            int copies = random.NextDouble() < duplicate ? 2 : 1;
            for (int i = 0; i < copies; i++)
            {
                byte[] bytes = frame.ToArray();
                // Damage past the Ethernet header: the FCS would catch the rest on a real wire.
                if (random.NextDouble() < corrupt)
                    bytes[random.Next(EthernetFrame.HeaderLength, bytes.Length)] ^= (byte)(1 << random.Next(8));
                long due = now + 1 + (random.NextDouble() < reorder ? random.Next(1, 20) : 0);
                queue.Add((due, bytes));
            }
        }

        public byte[]? Receive(int side, long now)
        {
            var queue = _queues[side];
            for (int i = 0; i < queue.Count; i++)
            {
                if (queue[i].Due <= now)
                {
                    byte[] frame = queue[i].Frame;
                    queue.RemoveAt(i);
                    return frame;
                }
            }
            return null;
        }
    }

    private static NetworkInterface Stack(MacAddress mac, string ipv4, int receiveBuffer)
    {
        var configuration = NetworkConfiguration.WithStaticIpv4(Golden.V4(ipv4), 16);
        configuration.Ipv6Autoconfiguration = false;
        configuration.TcpConnections = 2;
        configuration.TcpReceiveBuffer = receiveBuffer;
        configuration.TcpSendBuffer = 16 * 1024;
        configuration.Seed = (uint)mac.Value;
        return new NetworkInterface(mac, configuration);
    }

    /// <summary>Runs one transfer; returns the bytes delivered, having checked the prefix property after every step.</summary>
    private static byte[] Transfer(int seed, bool ipv6, int length, double loss, double duplicate, double reorder, double corrupt, long until)
    {
        var random = new Random(seed);
        var wire = new BadWire(random, loss, duplicate, reorder, corrupt);
        var a = Stack(MacA, "169.254.77.10", 8 * 1024);
        var b = Stack(MacB, "169.254.77.11", 8 * 1024);
        Assert.True(b.Tcp.Listen(7000));
        byte[] stream = new byte[length];
        random.NextBytes(stream);
        var remote = ipv6 ? new IpEndpoint(b.LinkLocalAddress, 7000) : new IpEndpoint(b.Ipv4Address, 7000);
        Assert.Equal(TcpConnectResult.Started, a.Tcp.Connect(remote, out TcpHandle sender));
        TcpHandle receiver = TcpHandle.None;
        int offered = 0;
        var delivered = new List<byte>();
        byte[] frame = new byte[TransmitQueue.SlotSize];
        byte[] reply = new byte[TransmitQueue.SlotSize];
        byte[] chunk = new byte[3000];
        bool closed = false;
        for (long now = 0; now < until; now++)
        {
            var stacks = new[] { a, b };
            for (int side = 0; side < 2; side++)
            {
                for (byte[]? received; (received = wire.Receive(side, now)) != null;)
                {
                    stacks[side].AdvanceClock(now);
                    int length2 = stacks[side].Process(received, reply);
                    if (length2 > 0)
                        wire.Send(side, reply.AsSpan(0, length2), now);
                }
                for (int sent; (sent = stacks[side].Poll(now, frame)) > 0;)
                    wire.Send(side, frame.AsSpan(0, sent), now);
            }
            if (offered < length)
            {
                int taken = a.Tcp.Send(sender, stream.AsSpan(offered, Math.Min(random.Next(1, 5000), length - offered)));
                if (taken > 0)
                    offered += taken;
            }
            else if (!closed)
            {
                a.Tcp.Close(sender);
                closed = true;
            }
            if (receiver.IsNone)
                b.Tcp.TryAccept(7000, out receiver);
            if (!receiver.IsNone && random.Next(4) == 0)
            {
                int read = b.Tcp.Receive(receiver, chunk.AsSpan(0, random.Next(1, chunk.Length)));
                for (int i = 0; i < read; i++)
                {
                    Assert.True(delivered.Count < length, "more bytes delivered than sent");
                    Assert.True(chunk[i] == stream[delivered.Count], $"seed {seed}: byte {delivered.Count} of the stream differs");
                    delivered.Add(chunk[i]);
                }
                if (b.Tcp.IsReceiveFinished(receiver))
                    break;
            }
            Assert.Equal(a.Counters.Received, a.Counters.Accounted);
            Assert.Equal(b.Counters.Received, b.Counters.Accounted);
        }
        LastStates = $"sender {a.Tcp.StateOf(sender)} reset {a.Tcp.WasReset(sender)}, receiver {(receiver.IsNone ? "none" : b.Tcp.StateOf(receiver).ToString())}, offered {offered}, a {a.Counters.Received}/{a.Counters.Sent}, b {b.Counters.Received}/{b.Counters.Sent}";
        return [.. delivered];
    }

    private static string LastStates = "";

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    [InlineData(3, false)]
    [InlineData(4, true)]
    [InlineData(5, false)]
    public void A_stream_over_a_bad_wire_arrives_whole_and_in_order(int seed, bool ipv6)
    {
        byte[] delivered = Transfer(seed, ipv6, 200_000, loss: 0.05, duplicate: 0.05, reorder: 0.2, corrupt: 0.01, until: 600_000);
        Assert.True(200_000 == delivered.Length, $"{delivered.Length} bytes delivered; {LastStates}");
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void On_a_hopeless_wire_only_a_prefix_is_ever_delivered(int seed)
    {
        // 60 % loss and heavy damage: the transfer may not finish; what arrives must still be right.
        byte[] delivered = Transfer(seed, ipv6: seed % 2 == 0, 100_000, loss: 0.6, duplicate: 0.2, reorder: 0.5, corrupt: 0.2, until: 60_000);
        Assert.True(delivered.Length <= 100_000);
    }
}
