using Unikernel.Boot.Image;
using Unikernel.Net;

namespace Unikernel.Netboot;

/// <summary>How an upload ended.</summary>
public enum UploadOutcome : byte
{
    /// <summary>Checked and accepted: the board jumps to it.</summary>
    Accepted,
    /// <summary>Refused with <see cref="UploadRecord.Verdict"/> as the reason.</summary>
    Refused,
    /// <summary>The peer reset the connection before a verdict.</summary>
    Reset,
    /// <summary>Nothing came for the idle timeout: dropped.</summary>
    TimedOut,
    /// <summary>The web page's connection ended before a verdict: reset, too slow, or its body malformed or over the limit (the HTTP server answered those).</summary>
    Abandoned,
}

/// <summary>One finished upload, as the web page lists it.</summary>
public readonly struct UploadRecord
{
    public UploadRecord(UploadChannel channel, IpEndpoint peer, UploadOutcome outcome, ImageError verdict, ulong bytes, long milliseconds, long endedAt)
    {
        Channel = channel;
        Peer = peer;
        Outcome = outcome;
        Verdict = verdict;
        Bytes = bytes;
        Milliseconds = milliseconds;
        EndedAt = endedAt;
    }

    public UploadChannel Channel { get; }

    /// <summary>Who sent it (IPv4 mapped).</summary>
    public IpEndpoint Peer { get; }

    public UploadOutcome Outcome { get; }

    /// <summary>The image's verdict (<see cref="ImageError.None"/> when accepted; see <see cref="KernelImage.Describe"/>).</summary>
    public ImageError Verdict { get; }

    /// <summary>Bytes received, header included.</summary>
    public ulong Bytes { get; }

    /// <summary>From the connection's acceptance to its end.</summary>
    public long Milliseconds { get; }

    /// <summary>When it ended, in the board's clock (milliseconds since start).</summary>
    public long EndedAt { get; }
}
