namespace Unikernel.Tool.HostStack;

/// <summary>Handles one received frame; writes at most one reply into <paramref name="reply"/> and returns its length.</summary>
public delegate int FrameHandler(Span<byte> frame, Span<byte> reply);

/// <summary>
/// The host stack's main loop: frames from the TAP device into the stack, replies back out,
/// until cancelled. Buffers are made once: nothing is allocated per frame.
/// </summary>
public static class FrameLoop
{
    public const int MaximumFrame = 1514;

    public static void Run(TapDevice tap, FrameHandler handler, CancellationToken cancellation)
    {
        var frame = new byte[MaximumFrame + 4];
        var reply = new byte[MaximumFrame];
        while (!cancellation.IsCancellationRequested)
        {
            int length = tap.Receive(frame, timeoutMilliseconds: 200);
            if (length == 0)
                continue;
            int replyLength = handler(frame.AsSpan(0, length), reply);
            if (replyLength > 0)
                tap.Send(reply.AsSpan(0, replyLength));
        }
    }
}
