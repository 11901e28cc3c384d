using Unikernel.Drivers.Power;

namespace Unikernel.Tests.Drivers;

/// <summary>
/// The first stage's PMIC bring-up, traced: U-Boot rsb_init (gate/reset, PL0/PL1, soft reset,
/// CCR 0x103, DMCR 0x807C3E00), SRTA 0x3A3 -> 0x2D, chip ID, DCDC5 1.5 V (0x33) and on, DC1SW on.
/// </summary>
[Collection("RsbBus")]
public sealed class Pine64PlusPmicTests
{
    public Pine64PlusPmicTests()
    {
        RsbBus.Reset();
        RsbTestClock.Now = 0;
    }

    [Fact]
    public void Bring_up_sets_the_dram_rail_and_powers_the_phy()
    {
        Assert.Equal(Axp803Status.Ok, Pine64PlusPmic<RsbBus, RsbTestClock>.BringUp());
        Assert.Equal(0x80 | 51, RsbBus.Pmic[0x24]);       // DCDC5 1.5 V, DVM bit kept
        Assert.Equal(0x11, RsbBus.Pmic[0x10]);            // DCDC1 still on, DCDC5 on
        Assert.Equal(0x80, RsbBus.Pmic[0x12]);            // DC1SW on
        Assert.Equal(
            ["DMCR 0x807c3e00", "SRTA 0x3a3->0x2d", "RD8 0x03", "RD8 0x24", "WR8 0x24 0xb3", "RD8 0x10", "WR8 0x10 0x11", "RD8 0x12", "WR8 0x12 0x80"],
            RsbBus.Transfers);
        ApprovedTrace.Verify("Pine64PlusPmic.BringUp", RsbBus.Log);
    }

    [Fact]
    public void Bring_up_stops_at_a_wrong_chip_and_touches_no_rail()
    {
        RsbBus.Pmic[0x03] = 0x4A;
        Assert.Equal(Axp803Status.WrongChipId, Pine64PlusPmic<RsbBus, RsbTestClock>.BringUp());
        Assert.DoesNotContain(RsbBus.Transfers, t => t.StartsWith("WR"));
    }

    [Fact]
    public void Bring_up_reports_a_dead_bus_as_a_timeout()
    {
        RsbBus.NeverCompletes = true;
        Assert.Equal(Axp803Status.BusTimeout, Pine64PlusPmic<RsbBus, RsbTestClock>.BringUp());
    }
}

/// <summary>DVFS's view of the PMIC: DCDC2 set and read back through the AXP803, refused outside the board's range.</summary>
[Collection("RsbBus")]
public sealed class Pine64PlusCpuSupplyTests
{
    public Pine64PlusCpuSupplyTests()
    {
        RsbBus.Reset();
        RsbTestClock.Now = 0;
        Assert.Equal(Axp803Status.Ok, Pine64PlusPmic<RsbBus, RsbTestClock>.Connect());
    }

    [Theory]
    [InlineData(1040u, 0x36)]   // DCDC2: 0.5-1.2 V in 10 mV steps (codes 0-70), 1.22-1.3 V in 20 mV steps (71-75): Linux axp20x-regulator AXP803 tables
    [InlineData(1100u, 0x3C)]
    [InlineData(1300u, 0x4B)]
    public void Dcdc2_takes_each_operating_voltage(uint millivolts, int code)
    {
        Assert.Equal(Unikernel.Drivers.Dvfs.CpuSupplyStatus.Ok, Pine64PlusCpuSupply<RsbBus, RsbTestClock>.SetMillivolts(millivolts));
        Assert.Equal(code, RsbBus.Pmic[0x21] & 0x7F);
        Assert.Equal(Unikernel.Drivers.Dvfs.CpuSupplyStatus.Ok, Pine64PlusCpuSupply<RsbBus, RsbTestClock>.ReadMillivolts(out uint read));
        Assert.Equal(millivolts, read);
    }

    [Theory]
    [InlineData(1000u)]   // below the board's 1.04 V for vdd-cpux
    [InlineData(1320u)]   // above its 1.3 V
    [InlineData(1210u)]   // between two steps of the 20 mV segment
    public void Voltages_outside_the_board_range_or_off_the_steps_are_refused(uint millivolts)
    {
        byte before = RsbBus.Pmic[0x21];
        Assert.Equal(Unikernel.Drivers.Dvfs.CpuSupplyStatus.OutOfRange, Pine64PlusCpuSupply<RsbBus, RsbTestClock>.SetMillivolts(millivolts));
        Assert.Equal(before, RsbBus.Pmic[0x21]);
    }

    [Fact]
    public void A_dead_bus_is_a_failure()
    {
        RsbBus.NeverCompletes = true;
        Assert.Equal(Unikernel.Drivers.Dvfs.CpuSupplyStatus.Failed, Pine64PlusCpuSupply<RsbBus, RsbTestClock>.SetMillivolts(1100));
    }
}
