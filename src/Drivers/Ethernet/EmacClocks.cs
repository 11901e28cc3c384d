using Unikernel.Drivers.Bus;
using Unikernel.Hardware;

namespace Unikernel.Drivers.Ethernet;

/// <summary>
/// What the EMAC needs around it before its own registers answer: the system controller's
/// EMAC_CLK register (PHY interface and, on the H3, the internal 10/100 PHY) and the CCU's bus
/// gates and resets. Sources: Linux dwmac-sun8i.c (sun8i_dwmac_set_syscon, H3_EPHY_* bits, the
/// internal PHY powered on before its clock and reset), U-Boot drivers/net/sun8i_emac.c
/// (sun8i_emac_set_syscon_ephy, sun8i_emac_board_setup).
/// </summary>
public static class EmacClocks
{
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
}
