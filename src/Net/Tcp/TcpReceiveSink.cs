namespace Unikernel.Net;

/// <summary>
/// Where a connection's in-order payload can go as it arrives, straight from the received
/// frame, before the receive buffer: the one copy a netboot upload makes, frame to load address
/// (docs/architecture.md, "A received frame, hop by hop"). Attached with
/// <see cref="TcpSocketSet.SetReceiveSink"/>. What the sink does not take is kept in the
/// receive buffer and read as usual; what it takes counts as received and read at once.
/// An abstract class, not an interface: a virtual call needs nothing of the bare-metal runtime,
/// where interface dispatch has no helpers.
/// </summary>
public abstract class TcpReceiveSink
{
    /// <summary>
    /// The next bytes of the stream, in order, lent for this call only (they are the frame's):
    /// returns how many of the first bytes were taken, 0 to <paramref name="data"/>'s length.
    /// Called while the interface processes a segment, so it must not call back into the stack.
    /// </summary>
    public abstract int Offer(ReadOnlySpan<byte> data);
}
