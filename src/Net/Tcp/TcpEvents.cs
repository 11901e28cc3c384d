namespace Unikernel.Net;

/// <summary>
/// What happened on a TCP connection since the application last asked, for programs driven by
/// events rather than by polling each connection (<see cref="TcpSocketSet.TryTakeEvent"/>).
/// </summary>
[Flags]
public enum TcpEvents : byte
{
    None = 0,

    /// <summary>The handshake completed: an incoming connection waits for TcpSocketSet.TryAccept, or ours (Connect) is open.</summary>
    Connected = 1,

    /// <summary>New bytes arrived in order.</summary>
    Readable = 2,

    /// <summary>The peer acknowledged data: the send buffer has room again.</summary>
    Writable = 4,

    /// <summary>The peer closed its side (FIN): what is buffered is all that will come.</summary>
    PeerClosed = 8,

    /// <summary>The connection ended, by a reset from the peer, or because it stopped answering.</summary>
    Reset = 16,

    /// <summary>The connection ended normally (both sides closed).</summary>
    Closed = 32,
}
