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
