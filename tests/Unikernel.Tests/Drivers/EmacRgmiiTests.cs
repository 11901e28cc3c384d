using Unikernel.Drivers.Ethernet;
using Unikernel.Hardware;
using Unikernel.Net.Wire;
using Pine64Plus = Unikernel.Hardware.Boards.Pine64Plus;

namespace Unikernel.Tests.Drivers;

/// <summary>
/// The Pine64+'s Ethernet: the A64's EMAC to an RTL8211E over RGMII, on the simulated EMAC with
/// the simulated RTL8211E, brought up as src/Boards/pine64-plus/BoardNetwork.cs does.
/// </summary>
[Collection("EmacBus")]
public sealed class EmacRgmiiTests : IDisposable
{
    private static readonly EthernetAddress Ours = new(0x02_81_12_34_56_78UL);
    private static readonly EthernetAddress AllNodes = new(MacAddress.FromIpv6Multicast(Ipv6Address.AllNodes).Value);
    private byte[]? _memory;

    public EmacRgmiiTests()
    {
        EmacBus.Reset();
        TestClock.Now = 0;
    }

    public void Dispose() => _memory = null;

    /// <summary>Syscon and clocks, pins, then the driver started and the link awaited.</summary>
    private EmacDriver<EmacBus, TestClock, TestDma> BringUp(int partnerMbps)
    {
        EmacBus.UseRtl8211e(partnerMbps);
        EmacBus.LinkUpAfterBmsrReads = 2;
        Assert.True(EmacClocks.EnableA64Rgmii(A64<EmacBus>.Ccu, A64<EmacBus>.Sysctl, Pine64Plus.Ethernet.TxDelayPs, Pine64Plus.Ethernet.RxDelayPs));
        RgmiiPins<EmacBus>.ConfigureA64(A64<EmacBus>.Pio);
        var memory = TestDma.Allocate(2, 2, out _memory);
        var driver = new EmacDriver<EmacBus, TestClock, TestDma>(A64<EmacBus>.Emac, memory, Pine64Plus.Ethernet.PhyAddress, gigabit: true);
        Assert.Equal(EmacStatus.Ok, driver.Start(Ours, [AllNodes]));
        Assert.Equal(EmacStatus.Ok, driver.WaitForLink(1000));
        return driver;
    }

    [Fact]
    public void The_simulation_sits_where_the_a64_has_its_emac_and_sid()
    {
        Assert.Equal(A64.Emac.Base, EmacBus.Emac);
        Assert.Equal(A64.Sid.Base, EmacBus.SidBase);
        Assert.Equal(1u, EmacBus.PhyAddress);
        Assert.Equal(EmacBus.PhyAddress, (uint)Pine64Plus.Ethernet.PhyAddress);
    }

    [Fact]
    public void Pine64_rgmii_bring_up_follows_the_approved_register_trace()
    {
        var driver = BringUp(1000);
        Assert.True(driver.Running);
        Assert.Equal(1000, driver.Link.SpeedMbps);
        Assert.True(driver.Link.FullDuplex);

        ApprovedTrace.Verify("EmacDriver.Pine64Rgmii", EmacBus.Trace);
    }

    [Fact]
    public void A_gigabit_partner_gives_1000_full_duplex_and_the_mac_at_1000()
    {
        var driver = BringUp(1000);
        Assert.Equal(1000, driver.Link.SpeedMbps);
        var control = new EmacSun8i.BasicCtl0(EmacBus.Register(0x00));
        Assert.Equal(EmacSun8i.BasicCtl0.SpeedValue.Speed1000, control.Speed);
        Assert.True(control.Duplex);
        Assert.True(new MiiPhy.Ctrl1000(EmacBus.Phy[9]).Advertise1000Full);
    }

    [Fact]
    public void A_100_mbit_partner_gives_100_full_duplex_and_the_mac_at_100()
    {
        var driver = BringUp(100);
        Assert.True(driver.Running);
        Assert.Equal(100, driver.Link.SpeedMbps);
        Assert.True(driver.Link.FullDuplex);
        Assert.Equal(EmacSun8i.BasicCtl0.SpeedValue.Speed100, new EmacSun8i.BasicCtl0(EmacBus.Register(0x00)).Speed);
    }

    [Fact]
    public void A_gigabit_partner_is_not_taken_at_1000_when_we_did_not_offer_it()
    {
        var driver = BringUp(1000);
        EmacBus.Phy[9] = 0; // as if CTRL1000 had been lost: STAT1000 still shows the partner's offer
        var emac = A64<EmacBus>.Emac;
        Assert.Equal(EmacStatus.Ok, MdioBus<EmacBus, TestClock>.ReadLink(emac, EmacBus.PhyAddress, gigabit: true, out PhyLink link));
        Assert.True(link.Up);
        Assert.Equal(100, link.SpeedMbps);
        Assert.True(driver.Running);
    }

    [Fact]
    public void The_syscon_selects_rgmii_with_the_internal_transmit_clock_and_the_boards_delays()
    {
        Assert.True(EmacClocks.EnableA64Rgmii(A64<EmacBus>.Ccu, A64<EmacBus>.Sysctl, 300, 1500));
        var value = new SysconSun8i.EmacClk(EmacBus.Registers[A64.Sysctl.Base + 0x30]);
        Assert.Equal(SysconSun8i.EmacClk.EpitValue.Rgmii, value.Epit);
        Assert.Equal(SysconSun8i.EmacClk.EtcsValue.IntGmii, value.Etcs);
        Assert.Equal(SysconSun8i.EmacClk.EphySelectValue.External, value.EphySelect);
        Assert.False(value.RmiiEn);
        Assert.Equal(3u, value.Etxdc);
        Assert.Equal(15u, value.Erxdc);
        Assert.True(new CcuA64.BusClkGating0(EmacBus.Registers[A64.Ccu.Base + 0x060]).EmacGating);
        Assert.True(new CcuA64.BusSoftRst0(EmacBus.Registers[A64.Ccu.Base + 0x2C0]).EmacRst);
    }

    [Theory]
    [InlineData(800u, 0u)]
    [InlineData(0u, 3200u)]
    public void A_delay_the_syscon_cannot_hold_is_refused_and_nothing_written(uint tx, uint rx)
    {
        Assert.False(EmacClocks.EnableA64Rgmii(A64<EmacBus>.Ccu, A64<EmacBus>.Sysctl, tx, rx));
        Assert.Empty(EmacBus.Log);
    }

    [Fact]
    public void The_rgmii_pins_are_port_d_8_to_23_but_14_in_function_4_at_40_ma_without_pulls()
    {
        // PD14 (RXERR) set to something else first: RGMII leaves it alone.
        var port = A64<EmacBus>.Pio.Port(3);
        port.Cfg1.Write(Pio.PortValues.Cfg1.Zero.WithPin14(Pio.PinFunc.Output));
        RgmiiPins<EmacBus>.ConfigureA64(A64<EmacBus>.Pio);
        var cfg1 = port.Cfg1.Read();
        var cfg2 = port.Cfg2.Read();
        Assert.Equal(Pio.PinFunc.Output, cfg1.Pin14);
        Assert.Equal(Pio.PinFunc.Func4, cfg1.Pin8);
        Assert.Equal(Pio.PinFunc.Func4, cfg1.Pin13);
        Assert.Equal(Pio.PinFunc.Func4, cfg1.Pin15);
        Assert.Equal(Pio.PinFunc.Func4, cfg2.Pin16);
        Assert.Equal(Pio.PinFunc.Func4, cfg2.Pin23);
        Assert.Equal(Pio.Drive.Level3, port.Drv0.Read().Pin8);
        Assert.Equal(Pio.Drive.Level0, port.Drv0.Read().Pin14);
        Assert.Equal(Pio.Drive.Level3, port.Drv1.Read().Pin23);
        Assert.Equal(Pio.Pull.Disabled, port.Pull1.Read().Pin23);
        Assert.Equal(0u, port.Cfg0.Read().Raw); // PD0-PD7 untouched
    }
}
