using Unikernel.Drivers.Bus;
using Unikernel.Hardware;
using Unikernel.Platform;

namespace Unikernel.Drivers.Dram;

/// <summary>
/// DRAM clocks on the H3 (hardware/blocks/ccu-h3.yaml): PLL_DDR (U-Boot clock_set_pll5 in
/// arch/arm/mach-sunxi/clock_sun6i.c), DRAM_CFG, the MBUS clock and reset, and the DRAM bus gate
/// and reset, in U-Boot's mctl_sys_init order (arch/arm/mach-sunxi/dram_sunxi_dw.c).
/// </summary>
public readonly struct H3DramClock<TBus, TClock> : IDramClock
    where TBus : IMmio
    where TClock : IMonotonicClock
{
    /// <summary>PLL_DDR = 24 MHz x N x K / M (H3 manual 4.3.5.5).</summary>
    private const uint OscillatorMhz = 24;

    /// <summary>U-Boot clock_set_pll5: N is 5 bits, so a factor of up to 32.</summary>
    private const uint MaxFactorN = 32;

    /// <summary>MBUS = PLL_PERIPH0(2X) / 4 = 300 MHz (U-Boot MBUS_CLK_DEFAULT for the H3, set by clock_init_safe).</summary>
    private const uint MbusDivider = 4;

    // U-Boot CCM_PLL5_TUN_LOCK_TIME(2) | CCM_PLL5_TUN_INIT_FREQ(16), written before PLL5 on the H3/H5.
    private const uint PllLockTime = 2;
    private const uint PllInitFrequency = 16;

    /// <summary>ZQ calibrated on its own first, per pad on flagged chips (U-Boot mctl_h3_zq_calibration_quirk).</summary>
    public static DramZqCalibration ZqCalibration => DramZqCalibration.H3Quirk;

    public static DramStatus Start(uint clockMhz)
    {
        var ccu = H3<TBus>.Ccu;

        // Everything off: MBUS gate and reset, the controller's bus gate and reset, the PLL.
        ccu.MbusClk.Write(ccu.MbusClk.Read().WithMbusSclkGating(false));
        ccu.MbusRst.Write(ccu.MbusRst.Read().WithMbusReset(false));
        ccu.BusClkGating0.Write(ccu.BusClkGating0.Read().WithDramGating(false));
        ccu.BusSoftRst0.Write(ccu.BusSoftRst0.Read().WithSdramRst(false));
        ccu.PllDdrCtrl.Write(ccu.PllDdrCtrl.Read().WithPllEnable(false));
        DramWait<TClock>.Settle(1);

        ccu.DramCfg.Write(ccu.DramCfg.Read().WithDramCtrRst(false));
        DramWait<TClock>.Settle(1);

        // The MBUS is clocked from PLL_PERIPH0, which U-Boot's clock_init_safe has running
        // before DRAM init; the boot ROM may not (its reset value has the enable bit clear).
        var periph0 = ccu.PllPeriph0Ctrl.Read();
        if (!periph0.PllEnable)
        {
            ccu.PllPeriph0Ctrl.Write(periph0.WithPllEnable(true));
            long periph0Deadline = DramWait<TClock>.Deadline();
            while (!ccu.PllPeriph0Ctrl.Read().Lock)
            {
                if (DramWait<TClock>.Expired(periph0Deadline))
                    return DramStatus.PllNoLock;
            }
        }

        // PLL_DDR at twice the DRAM clock: the smallest K and largest M that keep N in range
        // (U-Boot clock_set_pll5: 1248 MHz = 24 x 26 x 2 / 1).
        uint pllMhz = clockMhz * 2;
        uint k = 1, m = 2;
        if (pllMhz > OscillatorMhz * k * MaxFactorN / m)
        {
            m = 1;
            if (pllMhz > OscillatorMhz * k * MaxFactorN / m)
                k = 2;
        }
        uint n = pllMhz * m / (OscillatorMhz * k);
        ccu.PllDdrTun.Write(ccu.PllDdrTun.Read().WithPllLockTime(PllLockTime).WithPllInitFreq(PllInitFrequency));
        ccu.PllDdrCtrl.Write(CcuH3.PllDdrCtrl.Zero
            .WithPllEnable(true).WithPllDdrCfgUpdate(true)
            .WithPllFactorN(n - 1).WithPllFactorK(k - 1).WithPllFactorM(m - 1));
        long deadline = DramWait<TClock>.Deadline();
        while (!ccu.PllDdrCtrl.Read().Lock)
        {
            if (DramWait<TClock>.Expired(deadline))
                return DramStatus.PllNoLock;
        }

        // DRAM clock = PLL_DDR / 1, applied by SDRCLK_UPD, which the hardware clears.
        ccu.DramCfg.Write(ccu.DramCfg.Read()
            .WithDramDivM(0).WithDramClkSrcSel(CcuH3.DramCfg.DramClkSrcSelValue.PllDdr).WithSdrclkUpd(true));
        deadline = DramWait<TClock>.Deadline();
        while (ccu.DramCfg.Read().SdrclkUpd)
        {
            if (DramWait<TClock>.Expired(deadline))
                return DramStatus.Timeout;
        }

        // Everything on again, in reverse.
        ccu.BusSoftRst0.Write(ccu.BusSoftRst0.Read().WithSdramRst(true));
        ccu.BusClkGating0.Write(ccu.BusClkGating0.Read().WithDramGating(true));
        ccu.MbusRst.Write(ccu.MbusRst.Read().WithMbusReset(true));
        ccu.MbusClk.Write(CcuH3.MbusClk.Zero
            .WithMbusClkSrcSel(CcuH3.MbusClk.MbusClkSrcSelValue.PllPeriph02x)
            .WithMbusClkM(MbusDivider - 1).WithMbusSclkGating(true));
        ccu.DramCfg.Write(ccu.DramCfg.Read().WithDramCtrRst(true));
        DramWait<TClock>.Settle(1);
        return DramStatus.Ok;
    }
}
