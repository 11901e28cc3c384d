namespace Unikernel.Net.Wire;

/// <summary>EtherType values we name (IEEE 802 numbers, IANA "ieee-802-numbers").</summary>
public enum EtherType : ushort
{
    Ipv4 = 0x0800,
    Arp = 0x0806,

    /// <summary>IEEE 802.1Q customer VLAN tag.</summary>
    Vlan = 0x8100,

    Ipv6 = 0x86DD,

    /// <summary>IEEE 802.1ad service VLAN tag (Q-in-Q).</summary>
    ServiceVlan = 0x88A8,

    /// <summary>The pre-standard Q-in-Q tag some switches still send.</summary>
    LegacyQinQ = 0x9100,
}
