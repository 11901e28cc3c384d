using Unikernel.Hardware;

namespace Unikernel.Drivers.Dram;

/// <summary>
/// The controller's mode and timing registers for one DRAM clock: what U-Boot's
/// mctl_set_timing_params writes, as <see cref="DramTimings.ToRegisters"/> computes them.
/// </summary>
public readonly struct DramTimingRegisters
{
    public DramCtl.Mr0 Mr0 { get; init; }
    public DramCtl.Mr1 Mr1 { get; init; }
    public DramCtl.Mr2 Mr2 { get; init; }
    public DramCtl.Mr3 Mr3 { get; init; }
    public DramCtl.Dramtmg0 Dramtmg0 { get; init; }
    public DramCtl.Dramtmg1 Dramtmg1 { get; init; }
    public DramCtl.Dramtmg2 Dramtmg2 { get; init; }
    public DramCtl.Dramtmg3 Dramtmg3 { get; init; }
    public DramCtl.Dramtmg4 Dramtmg4 { get; init; }
    public DramCtl.Dramtmg5 Dramtmg5 { get; init; }
    public DramCtl.Pitmg0 Pitmg0 { get; init; }
    public DramCtl.Ptr3 Ptr3 { get; init; }
    public DramCtl.Ptr4 Ptr4 { get; init; }
    public DramCtl.Rfshtmg Rfshtmg { get; init; }
}
