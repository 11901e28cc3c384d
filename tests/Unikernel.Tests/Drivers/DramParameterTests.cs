using Unikernel.Drivers.Dram;
using Unikernel.Hardware;

namespace Unikernel.Tests.Drivers;

public sealed class DramParameterTests
{
    [Fact]
    public void Orange_Pi_PC_timing_registers_are_DDR3_1333_at_624_MHz()
    {
        DramTimingRegisters expected = DramTimings.Ddr3_1333.ToRegisters(624);
        Assert.Equal(624u, H3DramParameters.OrangePiPc.ClockMhz);
        Assert.Equal(expected, H3DramParameters.OrangePiPc.Timing);
    }

    [Fact]
    public void DDR3_1333_at_624_MHz_matches_U_Boot_arithmetic()
    {
        // U-Boot ddr3_1333.c with CONFIG_DRAM_CLK=624: controller clock 312 MHz.
        DramTimingRegisters r = DramTimings.Ddr3_1333.ToRegisters(624);
        var t0 = r.Dramtmg0;
        Assert.Equal(12u, t0.Tras);          // ceil(38 ns x 312 MHz)
        Assert.Equal(16u, t0.Tfaw);          // ceil(50 x 0.312)
        Assert.Equal(4u + 2 + 5, t0.Twtp);   // CWL + BL/2 + tWR (ceil 4.68)
        Assert.Equal(17u, r.Dramtmg1.Trc);
        Assert.Equal(5u, r.Dramtmg2.Trd2wr); // CL + BL/2 + 1 - CWL
        Assert.Equal(4u, r.Dramtmg4.Trrd);  // max(ceil(3.12), 4)
        Assert.Equal(500u * 624 + 1, r.Ptr3.Tdinit0);
        Assert.Equal(360u * 624 / 1000 + 1, r.Ptr3.Tdinit1);
        Assert.Equal(2434u / 32, r.Rfshtmg.Trefi);
        Assert.Equal(110u, r.Rfshtmg.Trfc);
    }

    [Fact]
    public void DDR3_1333_mode_registers_are_U_Boot_ddr3_1333()
    {
        // U-Boot ddr3_1333.c writes MR0 0x1C70 (CL 11, WR 12), MR1 0x40, MR2 0x18 (CWL 8), MR3 0.
        DramTimingRegisters r = DramTimings.Ddr3_1333.ToRegisters(624);
        Assert.Equal(0x1C70u, r.Mr0.Raw);
        Assert.Equal(11u, r.Mr0.Cl + 4);
        Assert.Equal(DramCtl.Mr0.WrValue.Wr12, r.Mr0.Wr);
        Assert.Equal(0x40u, r.Mr1.Raw);
        Assert.Equal(0x18u, r.Mr2.Raw);
        Assert.Equal(8u, r.Mr2.Cwl + 5);
        Assert.Equal(0u, r.Mr3.Raw);
    }

    [Fact]
    public void H3_MBUS_port_words_are_U_Boot_mctl_set_master_priority_h3()
    {
        // MBUS_CONF(port, bwlimit, qos, acs, bwl0, bwl1, bwl2) as in U-Boot, in port order.
        (bool Limit, DramCom.MbusQos Qos, uint Acs, uint Bwl0, uint Bwl1, uint Bwl2)[] ports =
        [
            (true, DramCom.MbusQos.Highest, 0, 512, 256, 128),
            (true, DramCom.MbusQos.High, 0, 1536, 1024, 256),
            (true, DramCom.MbusQos.Highest, 0, 512, 256, 96),
            (true, DramCom.MbusQos.Highest, 0, 256, 128, 32),
            (true, DramCom.MbusQos.High, 0, 1792, 1600, 256),
            (true, DramCom.MbusQos.Highest, 0, 256, 128, 32),
            (true, DramCom.MbusQos.High, 0, 256, 128, 64),
            (true, DramCom.MbusQos.Highest, 0, 256, 128, 64),
            (true, DramCom.MbusQos.Highest, 0, 256, 128, 64),
            (true, DramCom.MbusQos.High, 0, 1024, 256, 64),
            (true, DramCom.MbusQos.Highest, 3, 8192, 6120, 1024),
            (true, DramCom.MbusQos.High, 0, 1024, 288, 64),
        ];
        AssertMbusPorts(ports, H3DramParameters.OrangePiPc.MbusPorts.ToArray());
    }

    [Fact]
    public void Delay_tables_cover_four_lanes_of_eleven_lines()
    {
        var p = H3DramParameters.OrangePiPc;
        Assert.Equal(44, p.DxReadDelays.Length);
        Assert.Equal(44, p.DxWriteDelays.Length);
        Assert.True(p.AcDelays.IsEmpty);
    }

    [Fact]
    public void Pine64_Plus_timing_registers_are_DDR3_1333_at_672_MHz()
    {
        DramTimingRegisters expected = DramTimings.Ddr3_1333.ToRegisters(672);
        Assert.Equal(672u, A64DramParameters.Pine64Plus.ClockMhz);
        Assert.Equal(expected, A64DramParameters.Pine64Plus.Timing);
    }

    [Fact]
    public void DDR3_1333_at_672_MHz_matches_U_Boot_arithmetic()
    {
        // U-Boot ddr3_1333.c with CONFIG_DRAM_CLK=672 (the MACH_SUN50I default): controller clock 336 MHz.
        DramTimingRegisters r = DramTimings.Ddr3_1333.ToRegisters(672);
        var t0 = r.Dramtmg0;
        Assert.Equal(13u, t0.Tras);          // ceil(38 ns x 336 MHz = 12.77)
        Assert.Equal(17u, t0.Tfaw);          // ceil(16.8)
        Assert.Equal(4u + 2 + 6, t0.Twtp);   // CWL + BL/2 + tWR (ceil 5.04)
        Assert.Equal(18u, r.Dramtmg1.Trc);   // ceil(17.81)
        Assert.Equal(6u, r.Dramtmg4.Trcd);   // ceil(5.04)
        Assert.Equal(500u * 672 + 1, r.Ptr3.Tdinit0);
        Assert.Equal(360u * 672 / 1000 + 1, r.Ptr3.Tdinit1);
        Assert.Equal(200u * 672 + 1, r.Ptr4.Tdinit2);
        Assert.Equal(2621u / 32, r.Rfshtmg.Trefi);
        Assert.Equal(118u, r.Rfshtmg.Trfc);
    }

    [Fact]
    public void A64_MBUS_port_words_are_U_Boot_mctl_set_master_priority_a64()
    {
        (bool Limit, DramCom.MbusQos Qos, uint Acs, uint Bwl0, uint Bwl1, uint Bwl2)[] ports =
        [
            (true, DramCom.MbusQos.Highest, 0, 160, 100, 80),
            (false, DramCom.MbusQos.High, 0, 1536, 1400, 256),
            (true, DramCom.MbusQos.Highest, 0, 512, 256, 96),
            (true, DramCom.MbusQos.High, 0, 256, 80, 100),
            (true, DramCom.MbusQos.High, 0, 1792, 1600, 256),
            (true, DramCom.MbusQos.High, 0, 256, 128, 0),
            (true, DramCom.MbusQos.High, 0, 256, 128, 64),
            (true, DramCom.MbusQos.Highest, 0, 256, 128, 64),
            (true, DramCom.MbusQos.Highest, 0, 256, 128, 64),
            (true, DramCom.MbusQos.High, 0, 1024, 256, 64),
            (true, DramCom.MbusQos.High, 2, 8192, 6144, 2048),
            (true, DramCom.MbusQos.High, 0, 1280, 144, 64),
        ];
        AssertMbusPorts(ports, A64DramParameters.Pine64Plus.MbusPorts.ToArray());
    }

    [Fact]
    public void A64_delay_tables_cover_four_lanes_of_eleven_lines_and_31_address_lines()
    {
        var p = A64DramParameters.Pine64Plus;
        Assert.Equal(44, p.DxReadDelays.Length);
        Assert.Equal(44, p.DxWriteDelays.Length);
        Assert.Equal(31, p.AcDelays.Length);
        // Spot checks against U-Boot SUN50I_A64_*: lane 0 DQS read 1, lane 3 DQS write 12, CA line 28 13.
        Assert.Equal(1, p.DxReadDelays[9]);
        Assert.Equal(12, p.DxWriteDelays[3 * 11 + 9]);
        Assert.Equal(13, p.AcDelays[28]);
    }

    /// <summary>Each port of the parameter set, read back field by field, is U-Boot's table row.</summary>
    private static void AssertMbusPorts((bool Limit, DramCom.MbusQos Qos, uint Acs, uint Bwl0, uint Bwl1, uint Bwl2)[] ports, MbusPort[] actual)
    {
        Assert.Equal(ports.Length, actual.Length);
        for (int i = 0; i < ports.Length; i++)
        {
            var p = ports[i];
            var cfg0 = actual[i].Cfg0;
            var cfg1 = actual[i].Cfg1;
            Assert.Equal((p.Limit, false, p.Qos, 0u, p.Acs, p.Bwl0), (cfg0.BwlimitEn, cfg0.Priority, cfg0.Qos, cfg0.WaitTime, cfg0.Acs, cfg0.Bwl0));
            Assert.Equal((p.Bwl1, p.Bwl2), (cfg1.Bwl1, cfg1.Bwl2));
        }
    }
}
