using Unikernel.Drivers.Bus;
using Unikernel.Hardware;
using Unikernel.Platform;

namespace Unikernel.Drivers.Ethernet;

/// <summary>
/// Clause 22 MDIO through the EMAC's MII_CMD/MII_DATA, and the PHY steps built on it: reset,
/// auto-negotiation, link. Every wait ends at a deadline on <typeparamref name="TClock"/>.
/// (U-Boot sun8i_mdio_read/write; PHY bits in hardware/blocks/mii-phy.yaml.)
/// </summary>
public static class MdioBus<TBus, TClock>
    where TBus : IMmio
    where TClock : IMonotonicClock
{
    /// <summary>One MDIO transfer takes 64 MDC cycles, about 50 us at the slowest divider: 10 ms is generous.</summary>
    public const long TransferTimeoutMilliseconds = 10;

    /// <summary>IEEE 802.3 22.2.4.1.1: a PHY finishes its reset within 0.5 s.</summary>
    public const long PhyResetTimeoutMilliseconds = 500;

    private static readonly MiiPhy<TBus> Registers = new(0);

    /// <summary>The MDIO register number of a register of hardware/blocks/mii-phy.yaml (its offset is twice the number).</summary>
    public static uint RegisterNumber(nuint offset) => (uint)(offset / 2);

    public static EmacStatus Read(EmacSun8i<TBus> emac, uint phy, uint register, out ushort value)
    {
        // MDC = AHB / 128: below 2.5 MHz for the EMAC's 200-300 MHz bus clock (U-Boot).
        emac.MiiCmd.Write(EmacSun8i.MiiCmd.Zero
            .WithMdcDivRatioM(EmacSun8i.MiiCmd.MdcDivRatioMValue.Div128)
            .WithPhyAddr(phy).WithPhyReg(register).WithMiiBusy(true));
        if (!WaitIdle(emac))
        {
            value = 0;
            return EmacStatus.MdioTimeout;
        }
        value = (ushort)emac.MiiData.Read().MiiDataVal;
        return EmacStatus.Ok;
    }

    public static EmacStatus Write(EmacSun8i<TBus> emac, uint phy, uint register, ushort value)
    {
        emac.MiiData.Write(EmacSun8i.MiiData.Zero.WithMiiDataVal(value));
        emac.MiiCmd.Write(EmacSun8i.MiiCmd.Zero
            .WithMdcDivRatioM(EmacSun8i.MiiCmd.MdcDivRatioMValue.Div128)
            .WithPhyAddr(phy).WithPhyReg(register).WithMiiWr(true).WithMiiBusy(true));
        return WaitIdle(emac) ? EmacStatus.Ok : EmacStatus.MdioTimeout;
    }

    /// <summary>Resets the PHY and waits for BMCR.RESET to clear.</summary>
    public static EmacStatus ResetPhy(EmacSun8i<TBus> emac, uint phy)
    {
        uint bmcr = RegisterNumber(Registers.Bmcr.Address);
        EmacStatus status = Write(emac, phy, bmcr, MiiPhy.Bmcr.Zero.WithResetField(true).Raw);
        if (status != EmacStatus.Ok)
            return status;
        long deadline = TClock.Milliseconds + PhyResetTimeoutMilliseconds;
        while (true)
        {
            status = Read(emac, phy, bmcr, out ushort value);
            if (status != EmacStatus.Ok)
                return status;
            if (!new MiiPhy.Bmcr(value).ResetField)
                return EmacStatus.Ok;
            if (TClock.Milliseconds >= deadline)
                return EmacStatus.PhyResetTimeout;
        }
    }

    /// <summary>Advertises 10/100 (and 1000BASE-T full duplex when <paramref name="gigabit"/>) and restarts auto-negotiation.</summary>
    public static EmacStatus StartAutoNegotiation(EmacSun8i<TBus> emac, uint phy, bool gigabit)
    {
        var advertise = MiiPhy.Advertise.Zero.WithSelector(MiiPhy.Advertise.SelectorValue.Ieee8023)
            .WithBase10Half(true).WithBase10Full(true).WithBase100Half(true).WithBase100Full(true);
        EmacStatus status = Write(emac, phy, RegisterNumber(Registers.Advertise.Address), advertise.Raw);
        if (status == EmacStatus.Ok && gigabit)
            status = Write(emac, phy, RegisterNumber(Registers.Ctrl1000.Address),
                MiiPhy.Ctrl1000.Zero.WithAdvertise1000Full(true).Raw);
        if (status != EmacStatus.Ok)
            return status;
        return Write(emac, phy, RegisterNumber(Registers.Bmcr.Address),
            MiiPhy.Bmcr.Zero.WithAnegEnable(true).WithAnegRestart(true).Raw);
    }

    /// <summary>
    /// The link now: BMSR read twice (its link bit latches low), then the best mode both ends
    /// advertise (1000 full when <paramref name="gigabit"/>, then 100 full, 100 half, 10 full, 10 half).
    /// </summary>
    public static EmacStatus ReadLink(EmacSun8i<TBus> emac, uint phy, bool gigabit, out PhyLink link)
    {
        link = PhyLink.Down;
        uint bmsrNumber = RegisterNumber(Registers.Bmsr.Address);
        EmacStatus status = Read(emac, phy, bmsrNumber, out _);
        if (status != EmacStatus.Ok)
            return status;
        status = Read(emac, phy, bmsrNumber, out ushort bmsrValue);
        if (status != EmacStatus.Ok)
            return status;
        var bmsr = new MiiPhy.Bmsr(bmsrValue);
        if (!bmsr.LinkStatus || !bmsr.AnegComplete)
            return EmacStatus.Ok;
        if (gigabit)
        {
            // 1000BASE-T only when both ends offer it: STAT1000 reports what the partner offers
            // whatever we advertised (IEEE 802.3 40.5.1.1; Linux genphy_read_lpa masks it with CTRL1000).
            status = Read(emac, phy, RegisterNumber(Registers.Ctrl1000.Address), out ushort ctrl1000);
            if (status != EmacStatus.Ok)
                return status;
            status = Read(emac, phy, RegisterNumber(Registers.Stat1000.Address), out ushort stat1000);
            if (status != EmacStatus.Ok)
                return status;
            if (new MiiPhy.Ctrl1000(ctrl1000).Advertise1000Full && new MiiPhy.Stat1000(stat1000).Partner1000Full)
            {
                link = new PhyLink(true, 1000, true);
                return EmacStatus.Ok;
            }
        }
        status = Read(emac, phy, RegisterNumber(Registers.Advertise.Address), out ushort ours);
        if (status != EmacStatus.Ok)
            return status;
        status = Read(emac, phy, RegisterNumber(Registers.Lpa.Address), out ushort theirs);
        if (status != EmacStatus.Ok)
            return status;
        var common = new MiiPhy.Lpa((ushort)(ours & theirs));
        link = common.Base100Full ? new PhyLink(true, 100, true)
            : common.Base100Half ? new PhyLink(true, 100, false)
            : common.Base10Full ? new PhyLink(true, 10, true)
            : new PhyLink(true, 10, false);
        return EmacStatus.Ok;
    }

    private static bool WaitIdle(EmacSun8i<TBus> emac)
    {
        long deadline = TClock.Milliseconds + TransferTimeoutMilliseconds;
        while (true)
        {
            if (!emac.MiiCmd.Read().MiiBusy)
                return true;
            if (TClock.Milliseconds >= deadline)
                return false;
        }
    }
}
