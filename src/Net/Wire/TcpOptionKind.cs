namespace Unikernel.Net.Wire;

/// <summary>
/// TCP option kinds we parse or write (IANA "tcp-parameters"; RFC 9293 section 3.2). Every
/// other kind has a length octet and is skipped by it.
/// </summary>
public enum TcpOptionKind : byte
{
    /// <summary>End of the option list; what follows is padding (RFC 9293 section 3.2). One octet.</summary>
    EndOfList = 0,

    /// <summary>No-operation, used to align the next option (RFC 9293 section 3.2). One octet.</summary>
    Nop = 1,

    /// <summary>Maximum segment size, SYN only, length 4 (RFC 9293 section 3.7.1).</summary>
    MaximumSegmentSize = 2,

    /// <summary>Window scale shift, SYN only, length 3 (RFC 7323 section 2.2).</summary>
    WindowScale = 3,

    /// <summary>SACK permitted, SYN only, length 2 (RFC 2018 section 2).</summary>
    SackPermitted = 4,

    /// <summary>Selective acknowledgment blocks, length 2 + 8n (RFC 2018 section 3).</summary>
    Sack = 5,

    /// <summary>Timestamps, TSval and TSecr, length 10 (RFC 7323 section 3.2).</summary>
    Timestamps = 8,
}
