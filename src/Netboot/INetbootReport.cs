namespace Unikernel.Netboot;

/// <summary>
/// What <see cref="NetbootService{TDestination, TReport}"/> tells its owner about each upload:
/// the console lines (README.md shows the board's). A struct type argument, so a board's report
/// is inlined and the parts it does not use cost nothing.
/// </summary>
public interface INetbootReport
{
    /// <summary>
    /// True to take a stream that is not a kernel image (no magic in its first 64 bytes) as a
    /// plain upload, reported by <see cref="RawStream"/> without a reply (hoststack, the bench's
    /// sink); false to refuse it with <c>error: bad magic</c> as the bootloader does.
    /// </summary>
    static abstract bool TakesRawStreams { get; }

    /// <summary>A connection was accepted; its upload starts.</summary>
    void Started();

    /// <summary>Every byte of the stream, in order, as it is read.</summary>
    void Received(ReadOnlySpan<byte> data);

    /// <summary>The verdict line sent to the peer (without its LF); <paramref name="ok"/> for an accepted kernel.</summary>
    void Replied(ReadOnlySpan<byte> line, bool ok, ulong received, long milliseconds);

    /// <summary>A stream that is not an image ended (only with <see cref="TakesRawStreams"/>).</summary>
    void RawStream(ulong received, long milliseconds);

    /// <summary>The peer reset the connection before a verdict.</summary>
    void Reset(ulong received);

    /// <summary>Nothing came for <see cref="NetbootService{TDestination, TReport}.IdleTimeoutMilliseconds"/>: the connection was aborted.</summary>
    void IdleDropped();
}
