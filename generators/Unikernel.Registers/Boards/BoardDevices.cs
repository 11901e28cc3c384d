namespace Unikernel.Registers.Boards
{
    /// <summary>The console: a UART of the SoC, its input clock and baud rate; <paramref name="UartPosition"/> for diagnostics.</summary>
    public sealed record ConsoleUart(string Uart, ulong ClockHz, ulong Baud, SourcePosition UartPosition);

    /// <summary>
    /// The Ethernet PHY on the EMAC's MDIO bus, and the RGMII clock delays the MAC adds when the
    /// board gives them (Linux allwinner,tx-delay-ps / rx-delay-ps).
    /// </summary>
    public sealed record EthernetPhy(string Phy, ulong Address, string Interface, ulong? TxDelayPs, ulong? RxDelayPs);

    /// <summary>The power management IC and the bus it is on.</summary>
    public sealed record Pmic(string Device, string Bus, ulong Address);

    /// <summary>A PMIC rail: what it feeds and the range, in millivolts, it may be set to.</summary>
    public sealed record PowerRail(string Rail, string Consumer, ulong MinMillivolts, ulong MaxMillivolts, ulong TargetMillivolts);
}
