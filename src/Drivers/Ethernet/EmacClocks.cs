using Unikernel.Drivers.Bus;
using Unikernel.Hardware;

namespace Unikernel.Drivers.Ethernet;

/// <summary>
/// What the EMAC needs around it before its own registers answer: the system controller's
/// EMAC_CLK register (PHY interface and, on the H3, the internal 10/100 PHY) and the CCU's bus
/// gates and resets. Sources: Linux dwmac-sun8i.c (sun8i_dwmac_set_syscon, H3_EPHY_* bits, the
/// internal PHY powered on before its clock and reset), U-Boot drivers/net/sun8i_emac.c
/// (sun8i_emac_set_syscon_ephy, sun8i_emac_set_syscon, sun8i_emac_board_setup).
/// </summary>
public static class EmacClocks
{
    /// <summary>EMAC_CLK's ETXDC and ERXDC count the RGMII clock delay in steps of 100 ps (Linux dwmac-sun8i.c: tx-delay-ps / 100).</summary>
    public const uint DelayStepPs = 100;

    /// <summary>ETXDC is 3 bits: 0 to 700 ps (Linux dwmac-sun8i.c emac_variant_a64 .tx_delay_max = 7).</summary>
    public const uint MaximumTxDelayPs = 7 * DelayStepPs;

    /// <summary>ERXDC is 5 bits: 0 to 3100 ps (Linux dwmac-sun8i.c emac_variant_a64 .rx_delay_max = 31).</summary>
    public const uint MaximumRxDelayPs = 31 * DelayStepPs;

    /// <summary>
    /// H3 with its internal PHY (Orange Pi PC): EMAC_CLK selects the internal PHY at
    /// <paramref name="phyAddress"/>, powered up, on the 24 MHz clock, MII; then the PHY's and the
    /// EMAC's bus clocks are opened and their resets released.
    /// </summary>
    public static void EnableH3InternalPhy<TBus>(CcuH3<TBus> ccu, SysconSun8i<TBus> syscon, uint phyAddress)
        where TBus : IMmio
    {
        // Write(Read().With…) rather than Modify: a lambda capturing phyAddress would allocate.
        syscon.EmacClk.Write(syscon.EmacClk.Read()
            .WithEphySelect(SysconSun8i.EmacClk.EphySelectValue.Internal)
            .WithEphyShutdown(false)
            .WithEphyClkSel(SysconSun8i.EmacClk.EphyClkSelValue.Clk24m)
            .WithEphyAddr(phyAddress)
            .WithRmiiEn(false)
            .WithEpit(SysconSun8i.EmacClk.EpitValue.Mii)
            .WithEtcs(SysconSun8i.EmacClk.EtcsValue.Mii));
        ccu.BusClkGating4.Modify(r => r.WithEphyGating(true));
        ccu.BusSoftRst2.Modify(r => r.WithEphyRst(true));
        ccu.BusClkGating0.Modify(r => r.WithEmacGating(true));
        ccu.BusSoftRst0.Modify(r => r.WithEmacRst(true));
    }

    /// <summary>
    /// A64 with an external gigabit PHY over RGMII (Pine64+'s RTL8211E): EMAC_CLK written whole,
    /// as Linux does from the A64's default value 0 (dwmac-sun8i.c sun8i_dwmac_set_syscon;
    /// U-Boot sun8i_emac_set_syscon does the same bits by read-modify-write): RGMII (EPIT), the
    /// transmit clock generated inside for RGMII (ETCS = INT_GMII), RMII off, the external PHY
    /// selected, and the MAC's transmit and receive clock delays in 100 ps steps (rounded down,
    /// clamped to the fields). The A64 has no internal PHY, so EMAC_CLK's H3 EPHY bits stay 0.
    /// Then the EMAC's bus clock is opened and its reset released. Returns false, writing
    /// nothing, for a delay the fields cannot hold.
    /// </summary>
    public static bool EnableA64Rgmii<TBus>(CcuA64<TBus> ccu, SysconSun8i<TBus> syscon, uint txDelayPs, uint rxDelayPs)
        where TBus : IMmio
    {
        if (txDelayPs > MaximumTxDelayPs || rxDelayPs > MaximumRxDelayPs)
            return false;
        syscon.EmacClk.Write(SysconSun8i.EmacClk.Zero
            .WithEtcs(SysconSun8i.EmacClk.EtcsValue.IntGmii)
            .WithEpit(SysconSun8i.EmacClk.EpitValue.Rgmii)
            .WithRmiiEn(false)
            .WithEphySelect(SysconSun8i.EmacClk.EphySelectValue.External)
            .WithEtxdc(txDelayPs / DelayStepPs)
            .WithErxdc(rxDelayPs / DelayStepPs));
        ccu.BusClkGating0.Modify(r => r.WithEmacGating(true));
        ccu.BusSoftRst0.Modify(r => r.WithEmacRst(true));
        return true;
    }
}
