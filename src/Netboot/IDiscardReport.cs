namespace Unikernel.Netboot;

/// <summary>
/// What <see cref="DiscardService{TReport}"/> tells its owner about each connection: a struct
/// type argument, as <see cref="INetbootReport"/>, so a board's console lines are inlined.
/// </summary>
public interface IDiscardReport
{
    /// <summary>
    /// The peer closed and everything it sent was read: <paramref name="bytes"/> of payload;
    /// <paramref name="frames"/> the interface received and <paramref name="milliseconds"/> passed
    /// from the service's accept to the peer's FIN (what the link delivered, for its frame rate;
    /// the stack may have taken the stream's first frames before the accept).
    /// </summary>
    void Finished(ulong bytes, ulong frames, long milliseconds);

    /// <summary>The connection was reset, or sent nothing for <see cref="DiscardService{TReport}.IdleTimeoutMilliseconds"/> and was aborted.</summary>
    void Dropped(ulong bytes);
}
