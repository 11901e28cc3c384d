using Unikernel.Hardware;

namespace Unikernel.Drivers.Dram;

/// <summary>One MBUS master port's two configuration registers (MCTL_COM MCR[n] CFG0, CFG1).</summary>
public readonly struct MbusPort
{
    public DramCom.McrValues.Cfg0 Cfg0 { get; init; }
    public DramCom.McrValues.Cfg1 Cfg1 { get; init; }

    /// <summary>
    /// U-Boot's MBUS_CONF(port, bwlimit, qos, acs, bwl0, bwl1, bwl2) (arch/arm/mach-sunxi/dram_sunxi_dw.c):
    /// no priority bit, no wait time; the three bandwidth limits in MB/s.
    /// </summary>
    public static MbusPort Configure(bool limit, DramCom.MbusQos qos, uint acs, uint bwl0, uint bwl1, uint bwl2) => new()
    {
        Cfg0 = DramCom.McrValues.Cfg0.Zero.WithBwlimitEn(limit).WithQos(qos).WithAcs(acs).WithBwl0(bwl0),
        Cfg1 = DramCom.McrValues.Cfg1.Zero.WithBwl1(bwl1).WithBwl2(bwl2),
    };
}
