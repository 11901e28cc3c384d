namespace Unikernel.Net.Wire;

/// <summary>ARP opcodes (RFC 826); the others (RARP, InARP) are not ours to answer.</summary>
public enum ArpOperation : ushort
{
    Request = 1,
    Reply = 2,
}
