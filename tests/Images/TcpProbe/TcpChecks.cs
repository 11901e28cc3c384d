using Unikernel.Net;
using Unikernel.Net.Wire;
using Unikernel.Platform;

namespace Unikernel.Tests.Images;

/// <summary>
/// Two of our stacks, A and B, joined by an in-memory wire that loses one frame in 29 and holds
/// one in 13 back behind the next (reordering): A connects to B over IPv6 and over IPv4, sends a
/// 64 KiB pseudo-random stream and closes; B reads it all. Everything runs on a simulated
/// clock, so the board and the host print the same lines: what arrived, its hash, the states
/// and the frame counts. No allocation after the stacks are made.
/// </summary>
public static class TcpChecks<TConsole> where TConsole : IConsole
{
    private const int StreamLength = 64 * 1024;

    /// <summary>Frames in flight on the wire, each way.</summary>
    private const int WireSlots = 16;

    private const int SlotSize = 1536;

    public static void Run()
    {
        var a = NewStack(new MacAddress(0x02_00_5E_77_00_0AUL), new Ipv4Address(169, 254, 77, 10));
        var b = NewStack(new MacAddress(0x02_00_5E_77_00_0BUL), new Ipv4Address(169, 254, 77, 11));
        var wire = new Wire(new byte[2 * WireSlots * SlotSize], new int[2 * WireSlots]);
        byte[] frame = new byte[SlotSize];
        byte[] reply = new byte[SlotSize];
        byte[] chunk = new byte[2000];
        long now = 0;
        Transfer(a, b, ref wire, new IpEndpoint(b.LinkLocalAddress, 7000), "ipv6", frame, reply, chunk, ref now);
        Transfer(a, b, ref wire, new IpEndpoint(b.Ipv4Address, 7000), "ipv4", frame, reply, chunk, ref now);
        Line("a-sent", a.Counters.Sent + a.Counters.Replied);
        Line("b-sent", b.Counters.Sent + b.Counters.Replied);
        Line("wire-lost", wire.Lost);
    }

    private static NetworkInterface NewStack(MacAddress mac, Ipv4Address ipv4)
    {
        var configuration = NetworkConfiguration.WithStaticIpv4(ipv4, 16);
        configuration.Ipv6Autoconfiguration = false;
        configuration.UdpSockets = 0;
        configuration.TransmitQueueDepth = 2;
        configuration.TcpConnections = 2;
        configuration.TcpListeners = 1;
        configuration.TcpReceiveBuffer = 8 * 1024;
        configuration.TcpSendBuffer = 8 * 1024;
        configuration.Seed = (uint)mac.Value;
        var stack = new NetworkInterface(mac, configuration);
        stack.Tcp.Listen(7000);
        return stack;
    }

    private static void Transfer(NetworkInterface a, NetworkInterface b, ref Wire wire, IpEndpoint remote, string name,
        byte[] frame, byte[] reply, byte[] chunk, ref long now)
    {
        a.Tcp.Connect(remote, out TcpHandle sender);
        TcpHandle receiver = TcpHandle.None;
        uint generator = 0x9E37_79B9;
        int offered = 0;
        int received = 0;
        ulong hash = 14695981039346656037UL;
        bool closed = false;
        long start = now;
        for (; now - start < 120_000; now++)
        {
            Exchange(a, 0, ref wire, frame, reply, now);
            Exchange(b, 1, ref wire, frame, reply, now);
            // The stream: xorshift32 bytes, as much as the send buffer takes each millisecond.
            while (offered < StreamLength)
            {
                int length = StreamLength - offered < chunk.Length ? StreamLength - offered : chunk.Length;
                uint state = generator;
                for (int i = 0; i < length; i++)
                {
                    state ^= state << 13;
                    state ^= state >> 17;
                    state ^= state << 5;
                    chunk[i] = (byte)state;
                }
                int taken = a.Tcp.Send(sender, chunk.AsSpan(0, length));
                if (taken <= 0)
                    break;
                // Advance the generator by exactly the bytes taken.
                for (int i = 0; i < taken; i++)
                {
                    generator ^= generator << 13;
                    generator ^= generator >> 17;
                    generator ^= generator << 5;
                }
                offered += taken;
            }
            if (offered == StreamLength && !closed)
            {
                a.Tcp.Close(sender);
                closed = true;
            }
            if (receiver.IsNone)
                b.Tcp.TryAccept(7000, out receiver);
            if (!receiver.IsNone)
            {
                for (int read; (read = b.Tcp.Receive(receiver, chunk)) > 0;)
                {
                    // FNV-1a 64 over the stream.
                    for (int i = 0; i < read; i++)
                        hash = (hash ^ chunk[i]) * 1099511628211UL;
                    received += read;
                }
                if (b.Tcp.IsReceiveFinished(receiver))
                {
                    b.Tcp.Close(receiver);
                    break;
                }
            }
        }
        // Let the closing handshake finish.
        for (long end = now + 2_000; now < end; now++)
        {
            Exchange(a, 0, ref wire, frame, reply, now);
            Exchange(b, 1, ref wire, frame, reply, now);
        }
        Line(name, "-received", (ulong)received);
        Line(name, "-fnv1a", hash);
        Line(name, "-milliseconds", (ulong)(now - start));
        Line(name, "-sender-state", (ulong)a.Tcp.StateOf(sender));
        Line(name, "-receiver-state", (ulong)b.Tcp.StateOf(receiver));
    }

    /// <summary>Delivers what the wire holds for <paramref name="side"/>, then sends what the stack has due.</summary>
    private static void Exchange(NetworkInterface stack, int side, ref Wire wire, byte[] frame, byte[] reply, long now)
    {
        stack.AdvanceClock(now);
        for (int length; (length = wire.Take(side, frame)) > 0;)
        {
            int answer = stack.Process(frame.AsSpan(0, length), reply);
            if (answer > 0)
                wire.Put(side, reply.AsSpan(0, answer));
        }
        for (int length; (length = stack.Poll(now, frame)) > 0;)
            wire.Put(side, frame.AsSpan(0, length));
    }

    /// <summary>Two bounded queues of frames (A to B, B to A) in flat arrays; a frame that finds its queue full is lost.</summary>
    private struct Wire(byte[] frames, int[] lengths)
    {
        private readonly byte[] _frames = frames;
        private readonly int[] _lengths = lengths;
        private int _headA;
        private int _countA;
        private int _headB;
        private int _countB;
        private uint _decisions;

        public ulong Lost;

        /// <summary>A frame sent by <paramref name="fromSide"/>: one in 29 is lost, one in 13 swaps places with the one before it.</summary>
        public void Put(int fromSide, ReadOnlySpan<byte> frame)
        {
            _decisions++;
            int toSide = 1 - fromSide;
            ref int count = ref toSide == 0 ? ref _countA : ref _countB;
            int head = toSide == 0 ? _headA : _headB;
            if (_decisions % 29 == 0 || count == WireSlots || frame.Length > SlotSize)
            {
                Lost++;
                return;
            }
            int slot = (head + count) % WireSlots;
            int index = toSide * WireSlots + slot;
            frame.CopyTo(_frames.AsSpan(index * SlotSize, SlotSize));
            _lengths[index] = frame.Length;
            count++;
            if (_decisions % 13 == 0 && count >= 2)
            {
                // Swap the two newest: a reordering.
                int previous = toSide * WireSlots + (head + count - 2) % WireSlots;
                Span<byte> a = _frames.AsSpan(index * SlotSize, SlotSize);
                Span<byte> b = _frames.AsSpan(previous * SlotSize, SlotSize);
                for (int i = 0; i < SlotSize; i++)
                {
                    byte t = a[i];
                    a[i] = b[i];
                    b[i] = t;
                }
                int length = _lengths[index];
                _lengths[index] = _lengths[previous];
                _lengths[previous] = length;
            }
        }

        /// <summary>The oldest frame for <paramref name="side"/> copied into <paramref name="frame"/>; 0 when none.</summary>
        public int Take(int side, Span<byte> frame)
        {
            ref int count = ref side == 0 ? ref _countA : ref _countB;
            ref int head = ref side == 0 ? ref _headA : ref _headB;
            if (count == 0)
                return 0;
            int index = side * WireSlots + head;
            int length = _lengths[index];
            _frames.AsSpan(index * SlotSize, length).CopyTo(frame);
            head = (head + 1) % WireSlots;
            count--;
            return length;
        }
    }

    private static void Line(string name, ulong value) => ProbeLines<TConsole>.Line(name, value);

    /// <summary>"family-name value" (no string concatenation on the board).</summary>
    private static void Line(string family, string name, ulong value)
    {
        ConsoleText<TConsole>.Write(family);
        ProbeLines<TConsole>.Line(name, value);
    }
}
