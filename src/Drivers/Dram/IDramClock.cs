namespace Unikernel.Drivers.Dram;

/// <summary>
/// The SoC's part of the DRAM bring-up in the clock unit (U-Boot mctl_sys_init up to the CLKEN
/// write): gate and reset the controller and MBUS, run the DRAM PLL at twice
/// <c>clockMhz</c>, switch the DRAM clock to it, release resets and gates; and how the SoC's
/// PHY calibrates ZQ, which selects code rather than values (U-Boot's socid branches in
/// mctl_channel_init), so a type constant lets the compiler drop the other SoC's path.
/// </summary>
public interface IDramClock
{
    static abstract DramStatus Start(uint clockMhz);

    static abstract DramZqCalibration ZqCalibration { get; }
}
