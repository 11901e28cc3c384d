namespace Unikernel.Drivers.Ethernet;

/// <summary>What an EMAC, MDIO or PHY step came to: every wait has a deadline, and missing it is a result, never a hang.</summary>
public enum EmacStatus : byte
{
    Ok,
    /// <summary>BASIC_CTL1.SOFT_RST did not clear in time (clock or reset of the EMAC not enabled?).</summary>
    ResetTimeout,
    /// <summary>MII_CMD.MII_BUSY did not clear in time.</summary>
    MdioTimeout,
    /// <summary>The PHY's BMCR.RESET did not clear in time.</summary>
    PhyResetTimeout,
    /// <summary>No link (or auto-negotiation not complete) by the deadline.</summary>
    LinkDown,
    /// <summary>The ring memory is misaligned, too small, or outside the DMA's 32-bit reach.</summary>
    BadRingMemory,
}

/// <summary>Words an <see cref="EmacStatus"/> for the boot log.</summary>
public static class EmacStatusText
{
    public static string Describe(EmacStatus status) => status switch
    {
        EmacStatus.Ok => "ok",
        EmacStatus.ResetTimeout => "the EMAC did not come out of soft reset (its clock or reset not enabled?)",
        EmacStatus.MdioTimeout => "the MDIO bus did not answer",
        EmacStatus.PhyResetTimeout => "the PHY did not come out of reset",
        EmacStatus.LinkDown => "no link",
        EmacStatus.BadRingMemory => "the ring memory is misaligned, too small or above 4 GiB",
        _ => "unknown status",
    };
}
