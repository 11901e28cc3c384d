namespace Unikernel.Drivers.Dram;

/// <summary>
/// The controller's timing registers for one DRAM clock, as raw values: what U-Boot's
/// mctl_set_timing_params writes. A parameter set holds them ready-made (computed by
/// <see cref="DramTimings.ToRegisters"/> and checked against it by the tests), so the first-stage
/// loader carries neither the arithmetic nor a field setter per timing.
/// </summary>
public readonly struct DramTimingRegisters
{
    public uint Mr0 { get; init; }
    public uint Mr1 { get; init; }
    public uint Mr2 { get; init; }
    public uint Mr3 { get; init; }
    public uint Dramtmg0 { get; init; }
    public uint Dramtmg1 { get; init; }
    public uint Dramtmg2 { get; init; }
    public uint Dramtmg3 { get; init; }
    public uint Dramtmg4 { get; init; }
    public uint Dramtmg5 { get; init; }
    public uint Pitmg0 { get; init; }
    public uint Ptr3 { get; init; }
    public uint Ptr4 { get; init; }
    public uint Rfshtmg { get; init; }
}
