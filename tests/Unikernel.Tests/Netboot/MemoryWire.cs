using Unikernel.Net;

namespace Unikernel.Tests.Netboot;

/// <summary>
/// An Ethernet cable in memory: two ends, each a device whose sent frames the other receives,
/// in order, none lost. Sent frames are copied, as a wire does; received ones are lent in place.
/// </summary>
public sealed class MemoryWire
{
    private readonly Queue<byte[]> _towardsA = new();
    private readonly Queue<byte[]> _towardsB = new();

    public MemoryWire()
    {
        A = new End(_towardsA, _towardsB);
        B = new End(_towardsB, _towardsA);
    }

    public End A { get; }

    public End B { get; }

    public sealed class End(Queue<byte[]> inbox, Queue<byte[]> outbox) : INetworkDevice
    {
        public bool TryReceive(out Span<byte> frame)
        {
            bool received = inbox.TryDequeue(out var next);
            frame = next;
            return received;
        }

        public void Release()
        {
        }

        public bool Send(ReadOnlySpan<byte> frame)
        {
            outbox.Enqueue(frame.ToArray());
            return true;
        }
    }
}
