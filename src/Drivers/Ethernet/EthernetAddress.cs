namespace Unikernel.Drivers.Ethernet;

/// <summary>
/// A 48-bit IEEE 802 address as the EMAC's filter registers and the SID's rule take it: the first
/// octet on the wire in bits 47..40. The drivers' own: they do not use the network stack, whose
/// <c>MacAddress</c> keeps the same number, so a board converts by passing <see cref="Value"/>.
/// </summary>
public readonly struct EthernetAddress
{
    private const ulong Mask = 0xFFFF_FFFF_FFFF;

    private readonly ulong _value;

    public EthernetAddress(ulong value)
    {
        _value = value & Mask;
    }

    /// <summary>The address as a 48-bit number, first octet in bits 47..40.</summary>
    public ulong Value => _value;

    /// <summary>No address (what <see cref="SidMacAddress.FromChipId"/> gives for an unusable chip ID).</summary>
    public bool IsZero => _value == 0;
}
