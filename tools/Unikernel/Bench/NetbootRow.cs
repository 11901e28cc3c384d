namespace Unikernel.Tool.Bench;

/// <summary>Which U-Boot figure a row of the netboot bench is set against.</summary>
public enum NetbootPeer
{
    /// <summary>No U-Boot figure: a ceiling or a rate U-Boot has no counterpart of.</summary>
    None,
    /// <summary>U-Boot's tftpboot rate (MiB/s): ours / U-Boot's, higher is better.</summary>
    TftpRate,
    /// <summary>U-Boot's QEMU start to DHCP bound (s): ours / U-Boot's, lower is better.</summary>
    DhcpBound,
    /// <summary>The frames per second U-Boot's TFTP got through the same emulated EMAC.</summary>
    Frames,
}

/// <summary>
/// One figure of `unikernel bench --netboot`: a board, what was measured, its unit, one value per
/// run (the table shows the median), the U-Boot figure it is compared with (<see cref="IsPeer"/>
/// for U-Boot's own rows), or why it has no values.
/// </summary>
public sealed record NetbootRow(string Board, string What, string Unit, IReadOnlyList<double> Values,
    NetbootPeer ComparedWith = NetbootPeer.None, bool IsPeer = false, string? Failure = null)
{
    public double? Median => Values.Count > 0 ? PingTimes.Median(Values) : null;
}
