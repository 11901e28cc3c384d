namespace Unikernel.Drivers.Power;

/// <summary>
/// What an RSB transfer came to (R_RSB RSB_STAT; Linux drivers/bus/sunxi-rsb.c _sunxi_rsb_run_xfer,
/// U-Boot arch/arm/mach-sunxi/rsb.c rsb_await_trans). The numbering is shared with the first
/// values of <see cref="Axp803Status"/>.
/// </summary>
public enum RsbStatus : byte
{
    Ok = 0,
    /// <summary>No device acknowledged (TRANS_ERR with TRANS_ERR_ACK): wrong or unassigned run-time address.</summary>
    Nack = 1,
    /// <summary>The transfer failed on the bus (TRANS_ERR without TRANS_ERR_ACK, a data error).</summary>
    BusError = 2,
    /// <summary>The controller did not finish (soft reset, mode switch or transfer) before the deadline.</summary>
    Timeout = 3,
    /// <summary>A transfer was set up while the controller was still busy (LOAD_BSY, or START_TRANS still set).</summary>
    LoadBusy = 4,
}
