namespace Unikernel.Drivers.Power;

/// <summary>
/// RSB device addresses. A device answers at its 12-bit hardware address until SRTA gives it an
/// 8-bit run-time address; every later transfer uses the run-time address. The pairs are fixed by
/// convention (Linux drivers/bus/sunxi-rsb.c sunxi_rsb_addr_maps; Allwinner's boot0 uses the same).
/// </summary>
public static class RsbAddresses
{
    /// <summary>The primary PMIC (AXP223, AXP803, AXP809, AXP81x): hardware 0x3A3, run-time 0x2D.</summary>
    public const ushort PrimaryPmicHardware = 0x3A3;
    public const byte PrimaryPmicRuntime = 0x2D;
    /// <summary>The secondary PMIC (AXP806 next to an AXP809).</summary>
    public const ushort SecondaryPmicHardware = 0x745;
    public const byte SecondaryPmicRuntime = 0x3A;
    /// <summary>The audio codec (AC100).</summary>
    public const ushort AudioCodecHardware = 0xE89;
    public const byte AudioCodecRuntime = 0x4E;

    /// <summary>The run-time address for a hardware address, or 0 (never a valid run-time address) when it has none.</summary>
    public static byte RuntimeAddressFor(int hardwareAddress) => hardwareAddress switch
    {
        PrimaryPmicHardware => PrimaryPmicRuntime,
        SecondaryPmicHardware => SecondaryPmicRuntime,
        AudioCodecHardware => AudioCodecRuntime,
        _ => 0,
    };
}
