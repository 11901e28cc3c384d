namespace Unikernel.Registers.Boards
{
    /// <summary>The console: a UART of the SoC, its input clock and baud rate; <paramref name="UartPosition"/> for diagnostics.</summary>
    public sealed record ConsoleUart(string Uart, ulong ClockHz, ulong Baud, SourcePosition UartPosition);

    /// <summary>
    /// The Ethernet PHY on the EMAC's MDIO bus, and the RGMII clock delays the MAC adds when the
    /// board gives them (Linux allwinner,tx-delay-ps / rx-delay-ps).
    /// </summary>
    public sealed record EthernetPhy(string Phy, ulong Address, string Interface, ulong? TxDelayPs, ulong? RxDelayPs);

    /// <summary>
    /// The board's network card when it is not an EMAC with a PHY: an instance of the SoC (on QEMU
    /// virt, the virtio-mmio slot QEMU puts the first -device in); <paramref name="DevicePosition"/>
    /// for diagnostics.
    /// </summary>
    public sealed record NetworkDevice(string Device, SourcePosition DevicePosition);

    /// <summary>The power management IC and the bus it is on.</summary>
    public sealed record Pmic(string Device, string Bus, ulong Address);

    /// <summary>A PMIC rail: what it feeds and the range, in millivolts, it may be set to.</summary>
    public sealed record PowerRail(string Rail, string Consumer, ulong MinMillivolts, ulong MaxMillivolts, ulong TargetMillivolts);
}
