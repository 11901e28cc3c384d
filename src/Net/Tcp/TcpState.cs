namespace Unikernel.Net;

/// <summary>The connection states of RFC 9293 section 3.3.2 (LISTEN is a listener, not a connection here).</summary>
public enum TcpState : byte
{
    Closed = 0,
    SynSent,
    SynReceived,
    Established,
    FinWait1,
    FinWait2,
    CloseWait,
    Closing,
    LastAck,
    TimeWait,
}
