namespace Unikernel.Drivers.Ethernet;

/// <summary>The link a PHY reports after auto-negotiation: up or not, speed in Mbit/s, duplex.</summary>
public readonly struct PhyLink
{
    public PhyLink(bool up, int speedMbps, bool fullDuplex)
    {
        Up = up;
        SpeedMbps = speedMbps;
        FullDuplex = fullDuplex;
    }

    public static PhyLink Down => default;

    public bool Up { get; }

    /// <summary>10, 100 or 1000; 0 while down.</summary>
    public int SpeedMbps { get; }

    public bool FullDuplex { get; }
}
