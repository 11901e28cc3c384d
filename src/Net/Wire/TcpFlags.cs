namespace Unikernel.Net.Wire;

/// <summary>
/// The TCP control bits, octet 13 of the header, bit for bit as on the wire (RFC 9293 section
/// 3.1; CWR and ECE from RFC 3168 section 6.1). The four bits before them in octet 12 (three
/// reserved, and the historic NS of RFC 3540) are not flags we act on and are not here.
/// </summary>
[Flags]
public enum TcpFlags : byte
{
    None = 0,

    /// <summary>No more data from the sender.</summary>
    Fin = 0x01,

    /// <summary>Synchronize sequence numbers: the first segment each way.</summary>
    Syn = 0x02,

    /// <summary>Reset the connection.</summary>
    Rst = 0x04,

    /// <summary>Push: deliver what has arrived without waiting for more.</summary>
    Psh = 0x08,

    /// <summary>The acknowledgment number is significant; set on every segment after the first SYN.</summary>
    Ack = 0x10,

    /// <summary>The urgent pointer is significant (RFC 6093 discourages its use).</summary>
    Urg = 0x20,

    /// <summary>ECN-Echo (RFC 3168 section 6.1).</summary>
    Ece = 0x40,

    /// <summary>Congestion Window Reduced (RFC 3168 section 6.1).</summary>
    Cwr = 0x80,
}
