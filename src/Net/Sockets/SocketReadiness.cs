namespace Unikernel.Net;

/// <summary>
/// What a socket's owner can do now without waiting, for a service that sleeps until one of its
/// sockets is ready (<see cref="TcpSocketSet.Readiness"/>, <see cref="UdpSocketSet.Readiness"/>).
/// </summary>
[Flags]
public enum SocketReadiness : byte
{
    None = 0,

    /// <summary>Data is waiting, or the end of it is known (a read then reports the end instead of waiting).</summary>
    Readable = 1,

    /// <summary>The send buffer (TCP) or the transmit queue (UDP) has room.</summary>
    Writable = 2,

    /// <summary>The socket is over: closed, reset or never open.</summary>
    Closed = 4,
}
