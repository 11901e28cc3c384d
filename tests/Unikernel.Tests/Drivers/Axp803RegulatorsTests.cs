using Unikernel.Drivers.Power;
using Unikernel.Hardware.Boards;
using Pmic = Unikernel.Drivers.Power.Axp803Regulators<Unikernel.Drivers.Power.RsbPmicTransport<Unikernel.Tests.Drivers.RsbBus, Unikernel.Tests.Drivers.RsbTestClock>>;
using Rsb = Unikernel.Drivers.Power.RsbTransport<Unikernel.Tests.Drivers.RsbBus, Unikernel.Tests.Drivers.RsbTestClock>;

namespace Unikernel.Tests.Drivers;

[Collection("RsbBus")]
public sealed class Axp803RegulatorsTests
{
    private static readonly RailLimits Anything = new(0, 10_000);

    public Axp803RegulatorsTests()
    {
        RsbBus.Reset();
        RsbTestClock.Now = 0;
        Assert.Equal(RsbStatus.Ok, Rsb.Initialize());
        Assert.Equal(RsbStatus.Ok, Rsb.SetRuntimeAddress(RsbAddresses.PrimaryPmicHardware, RsbAddresses.PrimaryPmicRuntime));
        RsbBus.Transfers.Clear();
    }

    [Theory]
    [InlineData(0x51)]
    [InlineData(0x41)]
    [InlineData(0x71)]
    public void An_AXP803_chip_id_is_accepted_whatever_bits_5_4(byte id)
    {
        RsbBus.Pmic[0x03] = id;
        Assert.Equal(Axp803Status.Ok, Pmic.CheckChipId(out byte read));
        Assert.Equal(id, read);
    }

    [Theory]
    [InlineData(0x4A)]   // AXP813's ID
    [InlineData(0x00)]
    [InlineData(0x06)]   // AXP221
    public void Another_chip_id_is_refused(byte id)
    {
        RsbBus.Pmic[0x03] = id;
        Assert.Equal(Axp803Status.WrongChipId, Pmic.CheckChipId(out _));
    }

    [Fact]
    public void A_bus_failure_while_reading_the_chip_id_is_the_bus_failure()
    {
        RsbBus.BusErrorsToRaise = 1;
        Assert.Equal(Axp803Status.BusError, Pmic.CheckChipId(out _));
        RsbBus.NeverCompletes = true;
        Assert.Equal(Axp803Status.BusTimeout, Pmic.CheckChipId(out _));
    }

    // Rail, millivolts, register, code: one-segment rails at both ends, two-segment rails at the
    // split, either side of it and at the top (Linux axp20x-regulator.c AXP803 ranges).
    [Theory]
    [InlineData(Axp803Rail.Dcdc1, 1600, 0x20, 0)]
    [InlineData(Axp803Rail.Dcdc1, 3300, 0x20, 17)]
    [InlineData(Axp803Rail.Dcdc1, 3400, 0x20, 18)]
    [InlineData(Axp803Rail.Dcdc2, 500, 0x21, 0)]
    [InlineData(Axp803Rail.Dcdc2, 1100, 0x21, 60)]
    [InlineData(Axp803Rail.Dcdc2, 1200, 0x21, 70)]
    [InlineData(Axp803Rail.Dcdc2, 1220, 0x21, 71)]
    [InlineData(Axp803Rail.Dcdc3, 1300, 0x22, 75)]
    [InlineData(Axp803Rail.Dcdc4, 1240, 0x23, 72)]
    [InlineData(Axp803Rail.Dcdc5, 800, 0x24, 0)]
    [InlineData(Axp803Rail.Dcdc5, 1120, 0x24, 32)]
    [InlineData(Axp803Rail.Dcdc5, 1140, 0x24, 33)]
    [InlineData(Axp803Rail.Dcdc5, 1500, 0x24, 51)]
    [InlineData(Axp803Rail.Dcdc5, 1840, 0x24, 68)]
    [InlineData(Axp803Rail.Dcdc6, 1100, 0x25, 50)]
    [InlineData(Axp803Rail.Dcdc6, 1120, 0x25, 51)]
    [InlineData(Axp803Rail.Dcdc6, 1520, 0x25, 71)]
    [InlineData(Axp803Rail.Aldo1, 2800, 0x28, 21)]
    [InlineData(Axp803Rail.Aldo2, 3300, 0x29, 26)]
    [InlineData(Axp803Rail.Aldo3, 3000, 0x2A, 23)]
    [InlineData(Axp803Rail.Dldo1, 700, 0x15, 0)]
    [InlineData(Axp803Rail.Dldo2, 3400, 0x16, 27)]
    [InlineData(Axp803Rail.Dldo2, 3600, 0x16, 28)]
    [InlineData(Axp803Rail.Dldo2, 4200, 0x16, 31)]
    [InlineData(Axp803Rail.Dldo3, 1800, 0x17, 11)]
    [InlineData(Axp803Rail.Dldo4, 3300, 0x18, 26)]
    [InlineData(Axp803Rail.Eldo1, 1800, 0x19, 22)]
    [InlineData(Axp803Rail.Eldo2, 1900, 0x1A, 24)]
    [InlineData(Axp803Rail.Eldo3, 750, 0x1B, 1)]
    [InlineData(Axp803Rail.Fldo1, 1200, 0x1C, 10)]
    [InlineData(Axp803Rail.Fldo2, 1450, 0x1D, 15)]
    public void A_voltage_on_a_step_is_written_and_reads_back(Axp803Rail rail, int millivolts, byte register, byte code)
    {
        Assert.Equal(Axp803Status.Ok, Pmic.SetVoltage(rail, millivolts, Anything));
        Assert.Equal(code, RsbBus.Pmic[register] & 0x7F);
        Assert.Equal(Axp803Status.Ok, Pmic.ReadVoltage(rail, out int readBack));
        Assert.Equal(millivolts, readBack);
    }

    [Theory]
    [InlineData(Axp803Rail.Dcdc1, 3350)]
    [InlineData(Axp803Rail.Dcdc2, 1105)]
    [InlineData(Axp803Rail.Dcdc2, 1210)]   // 10 mV steps end at 1.2 V
    [InlineData(Axp803Rail.Dcdc5, 1130)]
    [InlineData(Axp803Rail.Dcdc5, 1510)]
    [InlineData(Axp803Rail.Dcdc6, 1110)]
    [InlineData(Axp803Rail.Dldo2, 3500)]
    [InlineData(Axp803Rail.Eldo1, 1825)]
    public void A_voltage_between_steps_is_refused_and_nothing_is_written(Axp803Rail rail, int millivolts)
    {
        Assert.Equal(Axp803Status.NotOnStep, Pmic.SetVoltage(rail, millivolts, Anything));
        Assert.Empty(RsbBus.Transfers);
    }

    [Theory]
    [InlineData(Axp803Rail.Dcdc1, 1500)]
    [InlineData(Axp803Rail.Dcdc1, 3500)]
    [InlineData(Axp803Rail.Dcdc2, 1320)]
    [InlineData(Axp803Rail.Dcdc5, 1860)]
    [InlineData(Axp803Rail.Dcdc6, 1540)]
    [InlineData(Axp803Rail.Aldo1, 3400)]
    [InlineData(Axp803Rail.Dldo2, 4400)]
    [InlineData(Axp803Rail.Fldo1, 1500)]
    [InlineData(Axp803Rail.Eldo3, 650)]
    public void A_voltage_the_rail_cannot_make_is_refused(Axp803Rail rail, int millivolts)
    {
        Assert.Equal(Axp803Status.OutsideRailRange, Pmic.SetVoltage(rail, millivolts, Anything));
        Assert.Empty(RsbBus.Transfers);
    }

    [Fact]
    public void A_voltage_outside_the_boards_safe_range_is_refused_with_a_clear_error()
    {
        var dram = new RailLimits(Pine64Plus.Power.Dcdc5.MinMillivolts, Pine64Plus.Power.Dcdc5.MaxMillivolts);
        // 1.84 V is a step of DCDC5, but would overdrive DDR3 on this board.
        Assert.Equal(Axp803Status.OutsideSafeRange, Pmic.SetVoltage(Axp803Rail.Dcdc5, 1840, dram));
        Assert.Equal(Axp803Status.OutsideSafeRange, Pmic.SetVoltage(Axp803Rail.Dcdc5, 1200, dram));
        Assert.Empty(RsbBus.Transfers);
        Assert.Equal("voltage outside the rail's safe range on this board", System.Text.Encoding.UTF8.GetString(Axp803StatusText.Describe(Axp803Status.OutsideSafeRange)));
        var cpu = new RailLimits(Pine64Plus.Power.Dcdc2.MinMillivolts, Pine64Plus.Power.Dcdc2.MaxMillivolts);
        Assert.Equal(Axp803Status.OutsideSafeRange, Pmic.SetVoltage(Axp803Rail.Dcdc2, 1320, cpu));
        Assert.Equal(Axp803Status.Ok, Pmic.SetVoltage(Axp803Rail.Dcdc2, 1300, cpu));
    }

    [Fact]
    public void Setting_a_voltage_keeps_the_other_bits_of_the_register()
    {
        Assert.Equal(0x94, RsbBus.Pmic[0x24]);
        Assert.Equal(Axp803Status.Ok, Pmic.SetVoltage(Axp803Rail.Dcdc5, 1500, Anything));
        Assert.Equal(0x80 | 51, RsbBus.Pmic[0x24]);
    }

    [Fact]
    public void DC1SW_has_no_voltage_but_switches()
    {
        Assert.Equal(Axp803Status.NoVoltageControl, Pmic.SetVoltage(Axp803Rail.Dc1sw, 3300, Anything));
        Assert.Equal(Axp803Status.NoVoltageControl, Pmic.ReadVoltage(Axp803Rail.Dc1sw, out _));
        Assert.Equal(Axp803Status.Ok, Pmic.Enable(Axp803Rail.Dc1sw));
        Assert.Equal(0x80, RsbBus.Pmic[0x12]);
    }

    [Theory]
    [InlineData(Axp803Rail.Dcdc1, 0x10, 0x01)]
    [InlineData(Axp803Rail.Dcdc6, 0x10, 0x20)]
    [InlineData(Axp803Rail.Eldo1, 0x12, 0x01)]
    [InlineData(Axp803Rail.Dldo4, 0x12, 0x40)]
    [InlineData(Axp803Rail.Dc1sw, 0x12, 0x80)]
    [InlineData(Axp803Rail.Fldo1, 0x13, 0x04)]
    [InlineData(Axp803Rail.Fldo2, 0x13, 0x08)]
    [InlineData(Axp803Rail.Aldo1, 0x13, 0x20)]
    [InlineData(Axp803Rail.Aldo3, 0x13, 0x80)]
    public void Enable_and_disable_touch_only_the_rails_bit(Axp803Rail rail, byte register, byte bit)
    {
        RsbBus.Pmic[register] = (byte)(0x5A & ~bit);
        Assert.Equal(Axp803Status.Ok, Pmic.Enable(rail));
        Assert.Equal((byte)((0x5A & ~bit) | bit), RsbBus.Pmic[register]);
        Assert.Equal(Axp803Status.Ok, Pmic.IsEnabled(rail, out bool on));
        Assert.True(on);
        Assert.Equal(Axp803Status.Ok, Pmic.Disable(rail));
        Assert.Equal((byte)(0x5A & ~bit), RsbBus.Pmic[register]);
        Assert.Equal(Axp803Status.Ok, Pmic.IsEnabled(rail, out on));
        Assert.False(on);
    }

    [Fact]
    public void A_failed_read_never_feeds_a_write()
    {
        RsbBus.BusErrorsToRaise = 1;   // the read of the modify fails
        Assert.Equal(Axp803Status.BusError, Pmic.Enable(Axp803Rail.Dcdc5));
        Assert.DoesNotContain(RsbBus.Transfers, t => t.StartsWith("WR8"));
        Assert.Equal(Axp803Status.Ok, Pmic.Enable(Axp803Rail.Dcdc5));   // the error does not stick to the next request
        Assert.Equal(0x11, RsbBus.Pmic[0x10]);
    }

    [Fact]
    public void A_reserved_voltage_code_reads_as_outside_the_rails_range()
    {
        RsbBus.Pmic[0x20] = 25;   // DCDC1 ends at selector 18
        Assert.Equal(Axp803Status.OutsideRailRange, Pmic.ReadVoltage(Axp803Rail.Dcdc1, out _));
    }

    [Fact]
    public void Every_rail_of_the_board_file_is_an_AXP803_rail_its_range_allows_the_target()
    {
        var rails = new[]
        {
            (Pine64Plus.Power.Dcdc1.Rail, Pine64Plus.Power.Dcdc1.MinMillivolts, Pine64Plus.Power.Dcdc1.MaxMillivolts, Pine64Plus.Power.Dcdc1.TargetMillivolts),
            (Pine64Plus.Power.Dcdc2.Rail, Pine64Plus.Power.Dcdc2.MinMillivolts, Pine64Plus.Power.Dcdc2.MaxMillivolts, Pine64Plus.Power.Dcdc2.TargetMillivolts),
            (Pine64Plus.Power.Dcdc5.Rail, Pine64Plus.Power.Dcdc5.MinMillivolts, Pine64Plus.Power.Dcdc5.MaxMillivolts, Pine64Plus.Power.Dcdc5.TargetMillivolts),
            (Pine64Plus.Power.Dcdc6.Rail, Pine64Plus.Power.Dcdc6.MinMillivolts, Pine64Plus.Power.Dcdc6.MaxMillivolts, Pine64Plus.Power.Dcdc6.TargetMillivolts),
            (Pine64Plus.Power.Aldo2.Rail, Pine64Plus.Power.Aldo2.MinMillivolts, Pine64Plus.Power.Aldo2.MaxMillivolts, Pine64Plus.Power.Aldo2.TargetMillivolts),
            (Pine64Plus.Power.Aldo3.Rail, Pine64Plus.Power.Aldo3.MinMillivolts, Pine64Plus.Power.Aldo3.MaxMillivolts, Pine64Plus.Power.Aldo3.TargetMillivolts),
            (Pine64Plus.Power.Dldo1.Rail, Pine64Plus.Power.Dldo1.MinMillivolts, Pine64Plus.Power.Dldo1.MaxMillivolts, Pine64Plus.Power.Dldo1.TargetMillivolts),
            (Pine64Plus.Power.Dldo2.Rail, Pine64Plus.Power.Dldo2.MinMillivolts, Pine64Plus.Power.Dldo2.MaxMillivolts, Pine64Plus.Power.Dldo2.TargetMillivolts),
            (Pine64Plus.Power.Dldo4.Rail, Pine64Plus.Power.Dldo4.MinMillivolts, Pine64Plus.Power.Dldo4.MaxMillivolts, Pine64Plus.Power.Dldo4.TargetMillivolts),
            (Pine64Plus.Power.Eldo1.Rail, Pine64Plus.Power.Eldo1.MinMillivolts, Pine64Plus.Power.Eldo1.MaxMillivolts, Pine64Plus.Power.Eldo1.TargetMillivolts),
            (Pine64Plus.Power.Fldo1.Rail, Pine64Plus.Power.Fldo1.MinMillivolts, Pine64Plus.Power.Fldo1.MaxMillivolts, Pine64Plus.Power.Fldo1.TargetMillivolts),
            (Pine64Plus.Power.Fldo2.Rail, Pine64Plus.Power.Fldo2.MinMillivolts, Pine64Plus.Power.Fldo2.MaxMillivolts, Pine64Plus.Power.Fldo2.TargetMillivolts),
        };
        foreach (var (name, min, max, target) in rails)
        {
            var rail = Enum.Parse<Axp803Rail>(name, ignoreCase: true);
            Assert.Equal(Axp803Status.Ok, Pmic.SetVoltage(rail, target, new RailLimits(min, max)));
            var layout = Axp803RailLayout.Of(rail);
            Assert.Equal(Axp803Status.Ok, layout.Encode(min, out _));
            Assert.Equal(Axp803Status.Ok, layout.Encode(max, out _));
        }
        Assert.Equal(Axp803Rail.Dc1sw, Enum.Parse<Axp803Rail>(Pine64Plus.Power.Dc1sw.Rail, ignoreCase: true));
    }
}
