namespace Unikernel.Netboot;

/// <summary>
/// What <see cref="DiscardService{TReport}"/> tells its owner about each connection: a struct
/// type argument, as <see cref="INetbootReport"/>, so a board's console lines are inlined.
/// </summary>
public interface IDiscardReport
{
    /// <summary>
    /// The peer closed and everything it sent was read: <paramref name="bytes"/> of payload, in
    /// <paramref name="frames"/> frames the interface received meanwhile (what the link delivered,
    /// for its frame rate), <paramref name="milliseconds"/> from accept to the peer's FIN.
    /// </summary>
    void Finished(ulong bytes, ulong frames, long milliseconds);

    /// <summary>The connection was reset, or sent nothing for <see cref="DiscardService{TReport}.IdleTimeoutMilliseconds"/> and was aborted.</summary>
    void Dropped(ulong bytes);
}
