using Unikernel.Drivers.Power;
using Rsb = Unikernel.Drivers.Power.RsbTransport<Unikernel.Tests.Drivers.RsbBus, Unikernel.Tests.Drivers.RsbTestClock>;

namespace Unikernel.Tests.Drivers;

[Collection("RsbBus")]
public sealed class RsbTransportTests
{
    private const byte Runtime = RsbAddresses.PrimaryPmicRuntime;

    public RsbTransportTests()
    {
        RsbBus.Reset();
        RsbTestClock.Now = 0;
    }

    private static void Ready()
    {
        Assert.Equal(RsbStatus.Ok, Rsb.Initialize());
        Assert.Equal(RsbStatus.Ok, Rsb.SetRuntimeAddress(RsbAddresses.PrimaryPmicHardware, Runtime));
    }

    [Fact]
    public void Initialize_opens_gate_and_reset_muxes_PL0_PL1_and_sets_3_MHz()
    {
        Assert.Equal(RsbStatus.Ok, Rsb.Initialize());
        Assert.Equal(0x9u, RsbBus.Registers[0x01F01400 + 0x28] & 0x9);   // R_PRCM APB0_GATE: R_PIO, R_RSB
        Assert.Equal(0x9u, RsbBus.Registers[0x01F01400 + 0xB0] & 0x9);   // APB0_RESET released
        Assert.Equal(0x22u, RsbBus.Registers[0x01F02C00] & 0xFF);         // PL0, PL1 function 2
        Assert.Equal(0x5u, RsbBus.Registers[0x01F02C00 + 0x1C] & 0xF);   // pulled up
        Assert.Equal(0xAu, RsbBus.Registers[0x01F02C00 + 0x14] & 0xF);   // drive level 2
        Assert.Equal(0x103u, RsbBus.Registers[RsbBus.Base + 0x04]);       // CK_DIV 3, CD_ODLY 1: 24 MHz / 8 = 3 MHz
        Assert.True(RsbBus.PmicInRsbMode);
    }

    [Fact]
    public void The_pmic_answers_only_after_the_mode_switch_and_SRTA()
    {
        // Without the mode switch the PMIC stays in I2C mode and does not take an address.
        Assert.Equal(RsbStatus.Nack, Rsb.SetRuntimeAddress(RsbAddresses.PrimaryPmicHardware, Runtime));
        Assert.Equal(RsbStatus.Ok, Rsb.Initialize());
        Assert.Equal(RsbStatus.Nack, Rsb.Read8(Runtime, 0x03, out _));   // no run-time address yet
        Assert.Equal(RsbStatus.Ok, Rsb.SetRuntimeAddress(RsbAddresses.PrimaryPmicHardware, Runtime));
        Assert.Equal(RsbStatus.Ok, Rsb.Read8(Runtime, 0x03, out byte id));
        Assert.Equal(0x51, id);
        Assert.Equal(["DMCR 0x807c3e00", "SRTA 0x3a3->0x2d", "RD8 0x03"], RsbBus.Transfers.Where(t => !t.StartsWith("NACK")));
    }

    [Fact]
    public void SRTA_at_a_wrong_hardware_address_is_not_acknowledged()
    {
        Assert.Equal(RsbStatus.Ok, Rsb.Initialize());
        Assert.Equal(RsbStatus.Nack, Rsb.SetRuntimeAddress(RsbAddresses.SecondaryPmicHardware, RsbAddresses.SecondaryPmicRuntime));
        Assert.Equal(0, RsbBus.PmicRuntimeAddress);
    }

    [Fact]
    public void A_wrong_runtime_address_is_a_nack_and_the_status_is_cleared()
    {
        Ready();
        Assert.Equal(RsbStatus.Nack, Rsb.Read8(0x3A, 0x03, out byte value));
        Assert.Equal(0, value);
        Assert.Equal(0u, RsbBus.Registers[RsbBus.Base + 0x0C]);
        Assert.Equal(RsbStatus.Ok, Rsb.Read8(Runtime, 0x03, out value));
        Assert.Equal(0x51, value);
    }

    [Fact]
    public void Byte_and_word_reads_and_writes_reach_the_register_file()
    {
        Ready();
        Assert.Equal(RsbStatus.Ok, Rsb.Write8(Runtime, 0x04, 0xA5));
        Assert.Equal(0xA5, RsbBus.Pmic[0x04]);
        Assert.Equal(RsbStatus.Ok, Rsb.Write16(Runtime, 0x05, 0x1234));
        Assert.Equal((0x34, 0x12), (RsbBus.Pmic[0x05], RsbBus.Pmic[0x06]));
        Assert.Equal(RsbStatus.Ok, Rsb.Read16(Runtime, 0x04, out ushort word));
        Assert.Equal(0x34A5, word);
        Assert.Equal(RsbStatus.Ok, Rsb.Read8(Runtime, 0x06, out byte b));
        Assert.Equal(0x12, b);
    }

    [Fact]
    public void A_bus_error_is_reported_as_such_and_the_next_transfer_works()
    {
        Ready();
        RsbBus.BusErrorsToRaise = 1;
        Assert.Equal(RsbStatus.BusError, Rsb.Write8(Runtime, 0x04, 1));
        Assert.Equal(0, RsbBus.Pmic[0x04]);
        Assert.Equal(RsbStatus.Ok, Rsb.Write8(Runtime, 0x04, 1));
        Assert.Equal(1, RsbBus.Pmic[0x04]);
    }

    [Fact]
    public void A_transfer_that_never_completes_times_out_and_is_aborted()
    {
        Ready();
        RsbBus.NeverCompletes = true;
        Assert.Equal(RsbStatus.Timeout, Rsb.Read8(Runtime, 0x03, out _));
        Assert.Contains("write RSB_CTRL <- 0x00000040", RsbBus.Log);
        Assert.True(RsbTestClock.Now > Rsb.TimeoutMilliseconds);
        Assert.True(RsbTestClock.Now < 4 * Rsb.TimeoutMilliseconds);
    }

    [Fact]
    public void A_transfer_while_busy_is_refused_as_load_busy()
    {
        Ready();
        RsbBus.NeverCompletes = true;
        Assert.Equal(RsbStatus.Timeout, Rsb.Read8(Runtime, 0x03, out _));
        RsbBus.Registers[RsbBus.Base] = 1u << 7;    // START_TRANS still set
        Assert.Equal(RsbStatus.LoadBusy, Rsb.Read8(Runtime, 0x03, out _));
        RsbBus.NeverCompletes = false;
        RsbBus.Registers[RsbBus.Base] = 0;
        RsbBus.LoadBusyOnNext = true;                // LOAD_BSY raised by the controller
        Assert.Equal(RsbStatus.LoadBusy, Rsb.Read8(Runtime, 0x03, out _));
    }

    [Fact]
    public void A_mode_switch_that_never_goes_out_times_out()
    {
        RsbBus.NeverCompletes = true;
        Assert.Equal(RsbStatus.Timeout, Rsb.Initialize());
        Assert.False(RsbBus.PmicInRsbMode);
    }

    [Fact]
    public void A_soft_reset_that_never_ends_times_out()
    {
        RsbBus.SoftResetStuck = true;
        Assert.Equal(RsbStatus.Timeout, Rsb.Initialize());
    }

    [Theory]
    [InlineData(0x3A3, 0x2D)]
    [InlineData(0x745, 0x3A)]
    [InlineData(0xE89, 0x4E)]
    [InlineData(0x123, 0x00)]
    public void Runtime_addresses_follow_the_fixed_map(int hardware, int runtime) =>
        Assert.Equal(runtime, RsbAddresses.RuntimeAddressFor(hardware));
}
